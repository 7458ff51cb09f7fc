"""The spacecraft's anti-replay window and its stored numbers (flightsw.executive.tc_security),
held to the cases an SDLS implementation is tested with (as NASA CryptoLib's TC tests)."""

from __future__ import annotations

from pathlib import Path

import pytest

from flightsw.errors import FrameError
from flightsw.executive.tc_security import RESERVE, ReplayState, TcAuthenticator
from flightsw.icd import encode_tc, sdls

KEY = bytes(range(32))
SPI = 1
WINDOW = 8
PING = encode_tc(0x42, 5, 17, 1)


def signed(number: int, spi: int = SPI, key: bytes = KEY) -> bytes:
    return sdls.secure(PING, spi, number, key)


@pytest.fixture
def state(tmp_path: Path) -> ReplayState:
    return ReplayState(tmp_path / "leo.arsn.json")


def authenticator(state: ReplayState) -> TcAuthenticator:
    return TcAuthenticator({SPI: KEY}, state, WINDOW)


def refusal(check: TcAuthenticator, frame: bytes) -> str:
    with pytest.raises(FrameError) as refused:
        check.open(frame)
    return refused.value.reason


def test_the_next_sequence_number_is_taken(state: ReplayState) -> None:
    check = authenticator(state)

    assert check.open(signed(1)) == PING
    assert check.open(signed(2)) == PING
    assert check.last_taken() == {SPI: 2}


def test_a_replay_is_refused(state: ReplayState) -> None:
    check = authenticator(state)
    check.open(signed(1))

    assert refusal(check, signed(1)) == "replayed"
    assert check.last_taken() == {SPI: 1}


def test_a_number_below_the_last_taken_is_refused(state: ReplayState) -> None:
    check = authenticator(state)
    check.open(signed(5))

    assert refusal(check, signed(3)) == "replayed"


def test_a_number_beyond_the_window_is_refused(state: ReplayState) -> None:
    check = authenticator(state)
    check.open(signed(1))

    assert refusal(check, signed(1 + WINDOW + 1)) == "outside_window"
    assert check.last_taken() == {SPI: 1}


def test_a_gap_inside_the_window_is_taken_and_the_window_moves(state: ReplayState) -> None:
    check = authenticator(state)
    check.open(signed(1))

    check.open(signed(1 + WINDOW))  # the last number still inside
    assert check.last_taken() == {SPI: 1 + WINDOW}
    assert refusal(check, signed(4)) == "replayed"  # the skipped ones are behind it now
    check.open(signed(1 + 2 * WINDOW))  # inside the moved window


def test_the_numbers_taken_survive_a_restart(state: ReplayState) -> None:
    check = authenticator(state)
    for number in (1, 2, 3):
        check.open(signed(number))

    restarted = authenticator(state)  # a new process reading the same state file

    # It starts from the stored mark, RESERVE above the first number that passed the old one.
    assert restarted.last_taken() == {SPI: 1 + RESERVE}
    for taken in (1, 2, 3):
        assert refusal(restarted, signed(taken)) == "replayed"
    assert restarted.open(signed(2 + RESERVE)) == PING


def test_the_mark_is_written_once_per_reserve_of_numbers(state: ReplayState) -> None:
    check = TcAuthenticator({SPI: KEY}, state, window=RESERVE)
    check.open(signed(1))
    written = state.path.stat().st_mtime_ns, state.load()

    for number in range(2, RESERVE + 2):  # up to the mark: nothing written
        check.open(signed(number))
    unchanged = state.path.stat().st_mtime_ns, state.load()
    check.open(signed(RESERVE + 2))  # past it

    assert written == unchanged and written[1].marks == {SPI: 1 + RESERVE}
    assert state.load().marks == {SPI: RESERVE + 2 + RESERVE}


def test_a_wrong_key_is_refused_before_the_number_is_looked_at(state: ReplayState) -> None:
    check = authenticator(state)

    assert refusal(check, signed(1, key=bytes(32))) == "bad_mac"
    assert check.last_taken() == {}  # a forged frame moves nothing
    assert not state.path.exists()


@pytest.mark.parametrize(
    "text", ["{not json", '{"1": 5}', '{"active": 1, "marks": {"1": Infinity}}', '{"active": "x"}']
)
def test_a_damaged_state_file_is_refused_in_words(state: ReplayState, text: str) -> None:
    state.path.write_text(text)

    with pytest.raises(ValueError, match="anti-replay marks"):
        authenticator(state)


def test_a_state_that_cannot_be_written_takes_nothing_a_restart_would_not_know(
    state: ReplayState,
) -> None:
    """A full disk, say: the telecommand is refused, and a restart still refuses replays."""
    check = authenticator(state)
    check.open(signed(1))
    state.path.with_suffix(".tmp").mkdir()  # the next write cannot replace it

    for number in range(2, RESERVE + 2):  # within the stored mark: nothing to write
        check.open(signed(number))
    assert refusal(check, signed(RESERVE + 2)) == "state_unwritable"
    assert refusal(check, signed(RESERVE + 3)) == "state_unwritable"  # and it stays so

    restarted = authenticator(state)
    assert refusal(restarted, signed(RESERVE + 1)) == "replayed"


def test_a_link_planted_as_the_temporary_file_is_not_followed(
    state: ReplayState, tmp_path: Path
) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_text("untouched")
    state.path.with_suffix(".tmp").symlink_to(target)
    check = authenticator(state)

    check.open(signed(1))

    assert target.read_text() == "untouched"
    assert state.load().marks == {SPI: 1 + RESERVE}


def test_only_the_active_key_is_taken_and_a_rekey_outlives_a_restart(state: ReplayState) -> None:
    other = bytes(range(100, 132))
    check = TcAuthenticator({SPI: KEY, 2: other}, state, WINDOW, active_spi=SPI)
    check.open(signed(1))
    assert refusal(check, signed(1, spi=2, key=other)) == "inactive_spi"

    check.activate(2)

    assert refusal(check, signed(2)) == "inactive_spi"  # the old key is done with
    assert check.open(signed(1, spi=2, key=other)) == PING
    restarted = TcAuthenticator({SPI: KEY, 2: other}, state, WINDOW, active_spi=SPI)
    assert restarted.active == 2  # the stored choice, not the key file's
    with pytest.raises(KeyError):
        restarted.activate(7)
