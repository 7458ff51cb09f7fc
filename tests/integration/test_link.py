"""Both real processes over loopback TCP in stepped mode: the link, light time and bad frames."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import msgpack
import pytest
import zmq
from flying import LIGHT_TIME_S

from flightsw.config import read_keys
from flightsw.icd import Framer, sdls
from flightsw.icd.cuc import decode_cuc, encode_cuc
from flightsw.icd.packet import encode_tc, encode_tm
from ground.api import (
    FrameRefused,
    GetAlarms,
    GetCommand,
    GetEvents,
    GetHistory,
    GetStatus,
    GetTelemetry,
    InjectFault,
    Refusal,
    SendCommand,
    SendPing,
    Step,
    decode_event,
)
from ground.cli.launcher import Mission

pytestmark = pytest.mark.integration

CUC_RESOLUTION_S = 2**-16  # the TM time field's resolution (docs/icd.md)


def cuc(time_s: float) -> float:
    """`time_s` as it survives the TM time field."""
    return decode_cuc(encode_cuc(time_s))


def test_a_ping_is_answered_one_round_trip_light_time_after_it_left(mission: Mission) -> None:
    client = mission.client
    client.call(Step(seconds=10.0))
    sent = client.call(SendPing()).command
    assert sent.sent_s == 10.0
    client.call(Step(seconds=2 * LIGHT_TIME_S - 0.5))  # not yet: the answer is still on its way
    assert client.call(GetCommand(id=sent.id)).command.status == "sent"
    client.call(Step(seconds=1.0))
    command = client.call(GetCommand(id=sent.id)).command
    assert command.status == "completed"
    # Onboard it arrived at 10 + LT and was answered at once; the answer took LT to come down.
    expected_s = cuc(10.0 + LIGHT_TIME_S) + LIGHT_TIME_S
    assert command.stages["completed"] == pytest.approx(expected_s, abs=CUC_RESOLUTION_S)
    assert command.stages["accepted"] == command.stages["completed"]


def test_a_heater_command_is_verified_and_changes_thermal_telemetry(mission: Mission) -> None:
    client = mission.client
    client.call(Step(seconds=20.0))
    before = client.call(GetTelemetry(name="thermal.avionics_set_point_c")).value
    sent = client.call(
        SendCommand(
            name="thermal.set_heater",
            args={"heater": "avionics", "set_point_c": 35.0, "enabled": True},
        )
    ).command
    client.call(Step(seconds=30.0))
    command = client.call(GetCommand(id=sent.id)).command
    assert command.status == "completed"
    assert list(command.stages) == ["sent", "accepted", "started", "completed"]
    assert before != 35.0
    assert client.call(GetTelemetry(name="thermal.avionics_set_point_c")).value == 35.0
    assert client.call(GetTelemetry(name="thermal.avionics_heater_on")).value is True


def test_a_command_refused_onboard_reports_its_error_code(mission: Mission) -> None:
    client = mission.client
    # The ground validates arguments too, so send one that only the spacecraft can refuse.
    sent = client.call(
        SendCommand(name="power.load_off", args={"consumer": "avionics"}, confirm=True)
    ).command
    client.call(Step(seconds=5.0))
    command = client.call(GetCommand(id=sent.id)).command
    assert (command.status, command.error) == ("failed", "NOT_ALLOWED")
    assert "essential" in command.reason


def test_the_ground_refuses_a_bad_argument_before_uplink(mission: Mission) -> None:
    request = SendCommand("thermal.set_heater", {"heater": "avionics", "set_point_c": "hot"})
    reply = mission.client.ask(request)
    assert isinstance(reply, Refusal)
    assert "set_point_c" in reply.error and "expected a number" in reply.error
    assert mission.client.call(GetStatus()).status.commands_pending == 0


def test_an_injected_fault_is_visible_in_telemetry_and_trips_a_ground_alarm(
    mission: Mission,
) -> None:
    client = mission.client
    client.call(Step(seconds=60.0))
    assert not [a for a in client.call(GetAlarms()).alarms if a.name == "avionics_temp"]
    client.call(
        InjectFault(subsystem="thermal", fault="heater_stuck_on", params={"heater": "avionics"})
    )
    client.call(
        Step(seconds=7200.0)
    )  # the avionics box warms with a time constant of about an hour
    assert client.call(GetTelemetry(name="thermal.avionics_heater_on")).value is True
    alarms = {a.name: a for a in client.call(GetAlarms()).alarms}
    assert "avionics_temp" in alarms
    assert "thermal.avionics_temp_c" in alarms["avionics_temp"].condition
    events = client.call(GetEvents(min_severity=3)).events
    assert any(e.name == "fault_injected" and e.subsystem == "thermal" for e in events)


def push_to(endpoint: str, parts: list[bytes]) -> None:
    context = zmq.Context.instance()
    socket = context.socket(zmq.PUSH)
    socket.setsockopt(zmq.LINGER, 2000)
    socket.connect(endpoint)
    socket.send_multipart(parts)
    socket.close()


def push_each(endpoint: str, messages: list[bytes]) -> None:
    """Push `messages` through one socket, so that they arrive in order."""
    context = zmq.Context.instance()
    socket = context.socket(zmq.PUSH)
    socket.setsockopt(zmq.LINGER, 2000)
    socket.connect(endpoint)
    for message in messages:
        socket.send(message)
    socket.close()


STEPS_FOR_BOTH = 3
REFUSAL_WITHIN_MS = 2_000  # a bound on failure, per step: the refusal is published in the step


def flipped(frame: bytes, index: int) -> bytes:
    corrupted = bytearray(frame)
    corrupted[index] ^= 0xFF
    return bytes(corrupted)


@contextmanager
def refusals_seen(mission: Mission) -> Iterator[zmq.Socket[bytes]]:
    """The ground's live feed of refused frames, subscribed and settled."""
    feed = mission.feed(b"frame_refused")
    try:
        mission.client.call(GetStatus())  # the subscription has had a round trip to settle
        yield feed
    finally:
        feed.close(linger=0)


def test_a_corrupted_frame_sent_to_the_ground_is_counted_and_refused(mission: Mission) -> None:
    client = mission.client
    with refusals_seen(mission) as feed:
        frame = encode_tm(17, 0, 3, 25, 1.0, msgpack.packb({"subsystem": "power", "params": {}}))
        push_to(mission.endpoints.downlink, [flipped(Framer().message([frame], 1.0), 30)])
        # Our socket is not the spacecraft's: wait for the ground to say it refused the frame.
        assert feed.poll(10_000), "the ground never reported the corrupted frame"
        refused = decode_event(feed.recv_multipart()[-1])
    assert isinstance(refused, FrameRefused) and refused.reason == "bad_frame_crc"
    assert client.call(GetStatus()).status.ingest.refused_by_reason == {"bad_frame_crc": 1}
    client.call(Step(seconds=15.0))
    assert client.call(GetTelemetry(name="power.battery_soc")).value is not None  # still ingesting


def test_a_corrupted_frame_sent_to_the_spacecraft_is_counted_and_refused(mission: Mission) -> None:
    client = mission.client
    assert mission.keys is not None  # the shipped missions authenticate their telecommands
    keys = read_keys(mission.keys)
    signed = sdls.secure(encode_tc(1, 0, 17, 1), keys.active_spi, 1, keys.active_key)
    push_to(mission.endpoints.uplink, [flipped(signed, 7)])
    # The spacecraft handles it when it next runs; flying on, it still answers pings.
    client.call(Step(seconds=10.0))
    sent = client.call(SendPing()).command
    client.call(Step(seconds=10.0))
    assert client.call(GetCommand(id=sent.id)).command.status == "completed"
    events = client.call(GetEvents(min_severity=2)).events
    refused = [e for e in events if e.name == "tc_frame_refused"]
    assert len(refused) == 1 and "bad_crc" in refused[0].message
    client.call(Step(seconds=10.0))  # one more housekeeping period of the executive
    assert client.call(GetTelemetry(name="executive.tc_frames_refused")).value == 1


def test_a_frame_with_a_good_crc_and_a_body_of_the_wrong_type_is_refused_and_ingest_goes_on(
    mission: Mission,
) -> None:
    client = mission.client
    framer = Framer()
    messages = [
        framer.message([encode_tm(17, 0, 3, 25, 1.0, msgpack.packb(body))], 1.0)
        for body in (
            {"subsystem": "power", "params": ["soc", 0.5]},
            {"subsystem": 17, "params": {}},
        )
    ]
    with refusals_seen(mission) as feed:
        push_each(mission.endpoints.downlink, messages)  # one socket: they arrive in order
        refused = []
        for _ in range(STEPS_FOR_BOTH):  # a frame the ground reads after a step lands at the next
            client.call(Step(seconds=5.0))  # the body is checked when the frame lands
            while len(refused) < 2 and feed.poll(REFUSAL_WITHIN_MS):
                refused.append(decode_event(feed.recv_multipart()[-1]))
            if len(refused) == 2:
                break
    assert all(isinstance(r, FrameRefused) and r.reason == "bad_body" for r in refused)
    assert [r.detail.split(" — ")[0] for r in refused if isinstance(r, FrameRefused)] == [
        "Housekeeping: params",
        "Housekeeping: subsystem",
    ]
    assert client.call(GetStatus()).status.ingest.refused_by_reason == {"bad_body": 2}
    client.call(Step(seconds=15.0))
    samples = client.call(GetHistory(name="power.battery_soc")).samples
    assert samples and (samples[-1].time_s or 0.0) > 5.0  # still ingesting, and archiving
