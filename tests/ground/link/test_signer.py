"""The ground's telecommand signer (ground.link.signer): numbers only go up, from the
spacecraft's, and every frame it signs opens with the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from flightsw.config import TcKeys, new_keys, read_keys
from flightsw.icd import encode_tc, sdls
from ground.link.signer import TcSigner

KEY = bytes(range(32))
PING = encode_tc(1, 0, 17, 1)


def signer() -> TcSigner:
    return TcSigner(TcKeys(Path("keys.toml"), {4: KEY}, active_spi=4), "leo-smallsat")


def test_each_frame_is_signed_with_the_active_key_and_the_next_number() -> None:
    signing = signer()

    numbers = [sdls.open_secured(signing.sign(PING), {4: KEY}).sequence_number for _ in range(3)]

    assert numbers == [1, 2, 3]
    assert sdls.open_secured(signing.sign(PING), {4: KEY}).plain == PING


def test_it_signs_on_above_what_the_spacecraft_last_took() -> None:
    signing = signer()
    signing.sign_from({4: 41, 9: 1000})  # another SPI's numbers are another key's

    assert sdls.open_secured(signing.sign(PING), {4: KEY}).sequence_number == 42


def test_it_never_goes_back_for_a_spacecraft_that_says_less() -> None:
    """A reset's new spacecraft reports nothing taken, but its process keeps the numbers."""
    signing = signer()
    for _ in range(5):
        signing.sign(PING)
    signing.sign_from({})

    assert sdls.open_secured(signing.sign(PING), {4: KEY}).sequence_number == 6


def test_a_key_whose_numbers_are_spent_says_to_make_a_new_one() -> None:
    signing = signer()
    signing.sign_from({4: sdls.MAX_SEQUENCE_NUMBER})

    with pytest.raises(OverflowError, match="new key"):
        signing.sign(PING)


def test_a_rekey_signs_with_the_new_key_from_its_first_number_and_says_so_in_the_key_file(
    tmp_path: Path,
) -> None:
    keys = new_keys(tmp_path / "keys.toml", "leo-smallsat", spi=1)
    signing = TcSigner(keys, "leo-smallsat")
    signing.sign(PING)

    signing.activate(2)

    opened = sdls.open_secured(signing.sign(PING), keys.keys)
    assert (opened.spi, opened.sequence_number) == (2, 1)
    assert read_keys(keys.path).active_spi == 2


def test_a_spacecraft_that_says_another_key_is_active_is_followed(tmp_path: Path) -> None:
    """A rekey that completed while no ground listened (it died): the status says so."""
    keys = new_keys(tmp_path / "keys.toml", "leo-smallsat", spi=1)
    signing = TcSigner(keys, "leo-smallsat")

    signing.sign_from({1: 10, 3: 7}, active_spi=3)

    opened = sdls.open_secured(signing.sign(PING), keys.keys)
    assert (opened.spi, opened.sequence_number) == (3, 8)


def test_telecommands_waiting_onboard_are_skipped_within_half_the_window() -> None:
    """A ground restarted while its predecessor's telecommands wait for their arrival time."""
    signing = TcSigner(TcKeys(Path("k.toml"), {4: KEY}, 4), "leo-smallsat", window=64)
    signing.sign_from({4: 10}, waiting=3)
    assert sdls.open_secured(signing.sign(PING), {4: KEY}).sequence_number == 14

    flooded = TcSigner(TcKeys(Path("k.toml"), {4: KEY}, 4), "leo-smallsat", window=64)
    flooded.sign_from({4: 10}, waiting=20_000)  # another's flood: still inside the window
    assert sdls.open_secured(flooded.sign(PING), {4: KEY}).sequence_number == 10 + 1 + 32
