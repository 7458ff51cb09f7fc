"""A software update over the link: chunked upload, CRC check, activation, rollback."""

from __future__ import annotations

import zlib

import pytest

from ground.api import GetCommand, GetEvents, GetTelemetry, InjectFault, SendCommand, Step
from ground.cli.launcher import Mission

pytestmark = pytest.mark.integration

IMAGE = bytes(range(256)) * 40  # 10 240 octets
CHUNK = 4096


def upload(mission: Mission, version: str) -> None:
    client = mission.client
    begin = {
        "target": "thermal",
        "version": version,
        "size_bytes": len(IMAGE),
        "crc32": zlib.crc32(IMAGE),
        "chunk_size": CHUNK,
    }
    client.call(SendCommand(name="software.begin", args=begin))
    for index, start in enumerate(range(0, len(IMAGE), CHUNK)):
        client.call(
            SendCommand(
                name="software.chunk", args={"index": index, "data": IMAGE[start : start + CHUNK]}
            )
        )
    client.call(Step(seconds=10.0))


def test_an_update_is_uploaded_verified_activated_and_rolled_back(mission: Mission) -> None:
    client = mission.client
    upload(mission, "1.1.0")
    client.call(SendCommand(name="software.verify", args={}))
    client.call(Step(seconds=5.0))
    activated = client.call(SendCommand(name="software.activate", args={}, confirm=True)).command
    client.call(Step(seconds=20.0))
    assert client.call(GetCommand(id=activated.id)).command.status == "completed"
    assert client.call(GetTelemetry(name="software.thermal_version")).value == "1.1.0"
    events = client.call(GetEvents(min_severity=3)).events
    assert any(e.name == "actor_rebooted" and e.subsystem == "thermal" for e in events)
    assert (
        client.call(GetTelemetry(name="thermal.avionics_temp_c")).time_s >= 30.0
    )  # thermal flies on
    client.call(SendCommand(name="software.rollback", args={"target": "thermal"}, confirm=True))
    client.call(Step(seconds=20.0))
    assert client.call(GetTelemetry(name="software.thermal_version")).value == "1.0.0"


def test_a_corrupted_chunk_makes_verification_fail_and_the_update_is_rejected(
    mission: Mission,
) -> None:
    client = mission.client
    client.call(InjectFault(subsystem="software", fault="corrupted_chunk", params={}))
    upload(mission, "1.2.0")
    verify = client.call(SendCommand(name="software.verify", args={})).command
    client.call(Step(seconds=20.0))
    command = client.call(GetCommand(id=verify.id)).command
    assert (command.status, command.error) == ("failed", "EXECUTION_FAILED")
    assert client.call(GetTelemetry(name="software.status")).value == "rejected"
    assert client.call(GetTelemetry(name="software.thermal_version")).value == "1.0.0"
