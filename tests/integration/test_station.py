"""The crewed station over the real link: a visiting vehicle docks; a crew abort cannot be undone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ground.api import GetCommand, GetEvents, GetTelemetry, SendCommand, Step
from ground.cli.launcher import Mission, launch

pytestmark = pytest.mark.integration

STATION = Path(__file__).resolve().parents[2] / "configs" / "leo_station.toml"


@pytest.fixture
def station(tmp_path: Path) -> Iterator[Mission]:
    flying = launch(STATION, tmp_path, "station", clock="stepped")
    try:
        yield flying
    finally:
        flying.stop()


def test_the_visiting_vehicle_docks_after_its_approach(station: Mission) -> None:
    client = station.client
    client.call(Step(seconds=60.0))
    assert client.call(GetTelemetry(name="docking.phase")).value == "far"
    client.call(SendCommand(name="docking.start_approach", args={}))
    client.call(Step(seconds=5400.0), timeout_s=300.0)  # the planned approach takes about 79 min
    assert client.call(GetTelemetry(name="docking.phase")).value == "hard_docked"
    assert client.call(GetTelemetry(name="docking.docked")).value is True
    events = [e.message for e in client.call(GetEvents()).events if e.subsystem == "docking"]
    assert any("hard_docked" in message for message in events)


def test_a_crew_abort_runs_its_sequence_and_cannot_be_undone(station: Mission) -> None:
    client = station.client
    client.call(Step(seconds=60.0))
    aborting = client.call(SendCommand(name="fdir.start_abort", args={}, confirm=True)).command
    client.call(Step(seconds=20.0))
    assert client.call(GetCommand(id=aborting.id)).command.status == "completed"
    assert client.call(GetTelemetry(name="fdir.mode")).value == "abort"
    leave = client.call(SendCommand(name="fdir.leave_safe_mode", args={})).command
    client.call(Step(seconds=20.0))
    refused = client.call(GetCommand(id=leave.id)).command
    assert (refused.status, refused.error) == ("failed", "NOT_ALLOWED")
    assert client.call(GetTelemetry(name="fdir.mode")).value == "abort"
