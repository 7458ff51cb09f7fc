"""Authenticated telecommands between the real processes: only the key's frames are taken.

The small LEO satellite, as shipped (`[security] authenticate = true`): the launcher makes the
key file, the ground signs every telecommand, and a process standing beside the ground
(the test, pushing to the uplink socket as any local process could) forges, changes, replays and
signs with the wrong key. Each is refused with its reason and executed 0 times; the spacecraft's
numbers survive its restart.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import msgpack
import pytest
import zmq
from flying import LEO, LIGHT_TIME_S
from restarts import kill, spacecraft_status, start_flight, wait_for_segment

from flightsw.config import keys_path, read_keys
from flightsw.executive.tc_security import RESERVE
from flightsw.icd import encode_envelope, encode_tc, sdls
from flightsw.icd.packet import with_crc
from flightsw.icd.sdls import DEFAULT_WINDOW
from ground.api import GetCommand, GetStatus, SendCommand, SendPing, Step
from ground.cli.launcher import Mission, launch

pytestmark = pytest.mark.integration

ROUND_TRIPS = 10_000
EXECUTIVE_APID, POWER_APID = 1, 17  # configs/leo_smallsat.toml [apids]
PING = encode_tc(EXECUTIVE_APID, 900, 17, 1)
# The hazardous command a local process could send before telecommands were authenticated.
LOAD_OFF = encode_tc(
    POWER_APID, 900, 8, 1,
    msgpack.packb({"command": "load_off", "args": {"consumer": "payload_camera"}}),
)  # fmt: skip


@pytest.fixture
def secured(tmp_path: Path) -> Iterator[Mission]:
    """The small LEO satellite, which authenticates its telecommands as every shipped mission."""
    flying = launch(LEO, tmp_path, "secured", clock="stepped", light_time_s=LIGHT_TIME_S)
    try:
        yield flying
    finally:
        flying.stop()


def push(mission: Mission, *frames: bytes) -> None:
    """Put `frames` on the spacecraft's uplink, due now, as any local process could; return
    once the spacecraft has them (its status counts them), so the next step takes them."""
    before = spacecraft_status(mission).uplink_received
    socket = zmq.Context.instance().socket(zmq.PUSH)
    socket.setsockopt(zmq.LINGER, 5000)
    socket.connect(mission.endpoints.uplink)
    try:
        for frame in frames:  # due at T+0: late, so clamped to now and taken at the next step
            socket.send_multipart(encode_envelope(0.0, frame))
    finally:
        socket.close()
    for _ in range(ROUND_TRIPS):  # each a sim-port round trip: a bound on failure, not a delay
        if spacecraft_status(mission).uplink_received >= before + len(frames):
            return
    raise AssertionError(f"the spacecraft never received the {len(frames)} frames pushed")


def pings_answered(mission: Mission) -> int:
    return int(spacecraft_status(mission).executive["tc_completed"])


def refused(mission: Mission) -> dict[str, int]:
    return dict(spacecraft_status(mission).uplink_refused)


def test_a_signed_ping_is_answered_and_forged_changed_replayed_or_wrong_key_ones_are_refused(
    secured: Mission,
) -> None:
    client = secured.client
    keys = read_keys(keys_path(secured.data_dir, "leo-smallsat"))
    client.call(Step(seconds=5.0))
    ping = client.call(SendPing()).command
    client.call(Step(seconds=5.0))
    assert client.call(GetCommand(id=ping.id)).command.status == "completed"
    taken = spacecraft_status(secured).tc_sequence
    assert taken == {keys.active_spi: 1}  # the ground signed it, the spacecraft took number 1
    answered = pings_answered(secured)

    last = taken[keys.active_spi]
    spi, key = keys.active_spi, keys.active_key
    changed = bytearray(sdls.secure(PING, spi, last + 1, key))
    changed[12] ^= 0x01  # the PUS header's first octet, and the CRC made right again
    attempts = {
        "unknown_spi": LOAD_OFF,  # a plain telecommand: no security header, its PUS header read as one
        "bad_mac": with_crc(bytes(changed[:-2])),
        "replayed": sdls.secure(PING, spi, last, key),  # a number already taken
        "outside_window": sdls.secure(PING, spi, last + DEFAULT_WINDOW + 1, key),
    }
    wrong_key = sdls.secure(PING, spi, last + 1, bytes(32))
    push(secured, *attempts.values(), wrong_key)
    client.call(Step(seconds=2.0))

    counts = refused(secured)
    assert {reason: counts.get(reason, 0) for reason in attempts} == {
        "unknown_spi": 1,
        "bad_mac": 2,  # the changed one and the one signed with another key
        "replayed": 1,
        "outside_window": 1,
    }
    assert pings_answered(secured) == answered  # executed 0 times
    assert spacecraft_status(secured).tc_sequence == taken  # and none moved the window

    # The ground goes on signing above them: its next ping is still taken. (The stepping
    # handshake counts uplink messages, and those pushed above counted as the ground's: the
    # ping may come a moment after a step began; the next step takes it.)
    again = client.call(SendPing()).command
    client.call(Step(seconds=5.0))
    client.call(Step(seconds=1.0))
    assert client.call(GetCommand(id=again.id)).command.status == "completed"
    status = client.call(GetStatus()).status
    assert status.ingest.refused == 0


def test_a_restarted_spacecraft_still_refuses_what_it_took_and_the_ground_signs_on(
    secured: Mission,
) -> None:
    client = secured.client
    keys = read_keys(keys_path(secured.data_dir, "leo-smallsat"))
    client.call(Step(seconds=5.0))
    for _ in range(3):
        client.call(SendPing())
    client.call(Step(seconds=5.0))
    assert spacecraft_status(secured).tc_sequence == {keys.active_spi: 3}
    captured = sdls.secure(PING, keys.active_spi, 3, keys.active_key)  # as if recorded off air

    kill(secured.flight)
    start_flight(secured, clock="stepped")  # with the same key file, as a reboot
    wait_for_segment(secured, 2)
    mark = 1 + RESERVE  # stored when number 1 was taken: every number up to it is spent
    assert spacecraft_status(secured).tc_sequence == {keys.active_spi: mark}

    ping = client.call(SendPing()).command  # signed from the restarted spacecraft's numbers
    client.call(Step(seconds=5.0))
    assert client.call(GetCommand(id=ping.id)).command.status == "completed"
    push(secured, captured)  # after the ping: the stepping handshake counts whatever comes up
    client.call(Step(seconds=2.0))
    assert refused(secured).get("replayed") == 1
    assert spacecraft_status(secured).tc_sequence == {keys.active_spi: mark + 1}


def test_a_rekey_makes_the_next_key_the_only_one_taken_and_the_ground_signs_with_it(
    secured: Mission,
) -> None:
    client = secured.client
    assert secured.keys is not None
    before = read_keys(secured.keys)
    client.call(Step(seconds=5.0))

    rekey = client.call(
        SendCommand(
            name="executive.activate_key", args={"spi": before.active_spi + 1}, confirm=True
        )
    ).command
    client.call(Step(seconds=5.0))
    assert client.call(GetCommand(id=rekey.id)).command.status == "completed"

    new_spi = before.active_spi + 1
    assert spacecraft_status(secured).tc_active_spi == new_spi
    assert read_keys(secured.keys).active_spi == new_spi  # a restarted ground signs with it too
    ping = client.call(SendPing()).command
    client.call(Step(seconds=5.0))
    assert client.call(GetCommand(id=ping.id)).command.status == "completed"
    assert spacecraft_status(secured).tc_sequence[new_spi] == 1
    old = sdls.secure(PING, before.active_spi, 2, before.active_key)  # the old key, its next number
    push(secured, old)
    client.call(Step(seconds=2.0))
    assert refused(secured).get("inactive_spi") == 1
