"""A barrage of hostile input at every socket of both real processes: refused, counted, harmless.

Ten thousand and more mutated frames, envelopes, truth messages and requests (tests/hostile.py)
go to the spacecraft's uplink and sim port and the ground's downlink, truth feed and control
API; then a ping is still answered, telemetry still flows, and every refusal counter says
exactly what was sent. The truth feed is reached as an attacker would have to: standing in the
middle of it, merging hostile messages into the spacecraft's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import msgpack
import pytest
import zmq
from flying import LEO, LIGHT_TIME_S
from hostile import (
    control_barrage,
    downlink_barrage,
    expected,
    is_delivered_later,
    sim_barrage,
    truth_barrage,
    truth_in_the_middle,
    uplink_barrage,
)

from flightsw.config import read_keys
from flightsw.icd import REFUSAL_SUMMARY_INTERVAL_S, Endpoints, simport
from ground.api import GetCommand, GetEvents, GetStatus, GetTelemetry, SendPing, Step
from ground.cli.launcher import Mission, free_ports, launch, provision_access

pytestmark = pytest.mark.integration

Secure = Callable[[zmq.Socket[Any]], None]
COUNT = 10_000  # of each socket's barrage
WAIT_MS = 60_000  # a failure bound for replies, generous for a loaded machine


@pytest.fixture
def flying(tmp_path: Path) -> Iterator[tuple[Mission, str]]:
    """Both processes, the ground's truth through a proxy; and where to push hostile truth."""
    ports = free_ports(8)
    endpoints = Endpoints.on_ports(ports[:6])
    ground_truth, hostile_truth = (f"tcp://127.0.0.1:{port}" for port in ports[6:])
    access = provision_access(tmp_path)  # the proxy holds a test conductor's keys
    with truth_in_the_middle(endpoints.truth, ground_truth, hostile_truth, access):
        mission = launch(
            LEO, tmp_path, "barrage", clock="stepped", light_time_s=LIGHT_TIME_S,
            endpoints=endpoints, ground_truth=ground_truth,
        )  # fmt: skip
        try:
            yield mission, hostile_truth
        finally:
            mission.stop()


def push_all(endpoint: str, messages: list[list[bytes]]) -> None:
    """Send every message, in order, and wait (a failure bound) until all have left."""
    socket = zmq.Context.instance().socket(zmq.PUSH)
    socket.setsockopt(zmq.LINGER, WAIT_MS)
    socket.setsockopt(zmq.SNDTIMEO, WAIT_MS)
    socket.connect(endpoint)
    try:
        for parts in messages:
            socket.send_multipart(parts)
    finally:
        socket.close()  # lingers until every message has left, at most WAIT_MS


def ask_all(endpoint: str, payloads: list[bytes], secure: Secure) -> list[bytes]:
    """Send every request on one DEALER and collect one reply each (replies come in order);
    `secure` gives the socket the keys of a client the server admits (a test conductor's)."""
    socket = zmq.Context.instance().socket(zmq.DEALER)
    socket.setsockopt(zmq.LINGER, 0)
    secure(socket)
    socket.connect(endpoint)
    try:
        for payload in payloads:
            socket.send_multipart([b"", payload])
        replies = []
        while len(replies) < len(payloads):
            assert socket.poll(WAIT_MS), f"{len(replies)} of {len(payloads)} replies came"
            replies.append(socket.recv_multipart()[-1])
        return replies
    finally:
        socket.close()


def spacecraft_status(mission: Mission) -> simport.StatusReply:
    request = simport.StatusRequest()
    (payload,) = ask_all(
        mission.endpoints.sim, [simport.encode(request)], mission.secure_to_spacecraft
    )
    reply = simport.decode_reply(request, payload)
    assert isinstance(reply, simport.StatusReply), reply
    return reply


def test_a_barrage_at_every_socket_is_refused_counted_exactly_and_flight_goes_on(
    flying: tuple[Mission, str],
) -> None:
    mission, hostile_truth = flying
    client = mission.client
    client.call(Step(seconds=5.0))
    now_s = client.call(GetStatus()).status.time_s
    before = spacecraft_status(mission)
    failed_before = int(before.executive["tc_failed"])

    assert mission.keys is not None  # the shipped missions authenticate their telecommands
    uplink = list(uplink_barrage(COUNT, now_s, keys=read_keys(mission.keys).keys))
    downlink = list(downlink_barrage(COUNT, now_s))
    sim = list(sim_barrage(COUNT))
    control = list(control_barrage(COUNT))
    truth = list(truth_barrage(COUNT))

    push_all(mission.endpoints.uplink, [parts for parts, _ in uplink])
    push_all(mission.endpoints.downlink, [[frame] for frame, _ in downlink])
    push_all(hostile_truth, [parts for parts, _ in truth])
    # The sim port and control API admit only known keys: this barrage is a test conductor's
    # own client gone wrong (one without a key never connects: test_access.py).
    sim_replies = ask_all(
        mission.endpoints.sim, [payload for payload, _ in sim], mission.secure_to_spacecraft
    )
    control_replies = ask_all(
        mission.endpoints.control, [payload for payload, _ in control], mission.secure_to_ground
    )
    assert all(msgpack.unpackb(reply)["ok"] is False for reply in sim_replies + control_replies)

    # Every frame the ground judges on arrival is counted by now; the rest land after light time.
    on_arrival = Counter(r for _, r in downlink if not is_delivered_later(r))
    assert client.call(GetStatus()).status.ingest.refused_by_reason == on_arrival

    # Flight goes on: a real ping is answered and telemetry keeps coming.
    sent = client.call(SendPing()).command
    client.call(Step(seconds=10.0))
    assert client.call(GetCommand(id=sent.id)).command.status == "completed"
    battery = client.call(GetTelemetry(name="power.battery_soc"))
    assert battery.time_s is not None and battery.time_s > now_s

    # And every counter says exactly what was sent.
    status = client.call(GetStatus()).status
    assert status.channel.lost_down == 0  # no frame of ours was lost to the channel instead
    assert status.ingest.refused_by_reason == expected(downlink)
    assert status.truth.refused_by_reason == expected(truth)
    assert status.control.refused_by_reason == expected(control)
    after = spacecraft_status(mission)
    frames = expected(uplink)
    assert int(after.executive["tc_failed"]) == failed_before  # no forged body got past the MAC
    assert after.uplink_refused == frames
    assert after.sim_refused == expected(sim)
    # Once the refusal window has passed, each side has told the rest in one summary event.
    client.call(Step(seconds=REFUSAL_SUMMARY_INTERVAL_S))
    events = client.call(GetEvents()).events
    onboard = [e for e in events if e.name == "tc_frame_refusals"]
    ground = [e for e in events if e.name == "frames_refused" and e.subsystem == "ground"]
    assert len(onboard) == 1 and onboard[0].params["refused"] == sum(frames.values()) - len(frames)
    refused_down = sum(expected(downlink).values())
    assert len(ground) == 1
    assert sum(ground[0].params.values()) == refused_down - status.ingest.refused_archived
    assert [e.name for e in events].count("tc_frame_refused") == len(frames)
    # Each barrage reached the checks it was meant for, not one reason only.
    assert len(frames) >= 8 and len(expected(downlink)) >= 10
    assert {"bad_envelope", "bad_arrival", "arrival_too_far"} <= frames.keys()
    assert {"bad_crc", "bad_mac", "unknown_spi"} <= frames.keys()
