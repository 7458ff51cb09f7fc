"""Onboard services over the real link: the time-tagged schedule, the recorder, FDIR."""

from __future__ import annotations

import pytest
from flying import LIGHT_TIME_S

from ground.api import (
    AddBlackout,
    DumpRecorder,
    GetCommand,
    GetEvents,
    GetHistory,
    GetReports,
    GetStatus,
    GetTelemetry,
    InjectFault,
    Refusal,
    RequestSchedule,
    SendCommand,
    Step,
)
from ground.cli.launcher import Mission

pytestmark = pytest.mark.integration


def test_a_time_tagged_command_runs_at_its_release_time(mission: Mission) -> None:
    client = mission.client
    client.call(Step(seconds=20.0))
    release_s = 100.0
    sent = client.call(
        SendCommand(
            name="thermal.set_heater",
            args={"heater": "battery", "set_point_c": 11.0},
            release_s=release_s,
        )
    ).command
    client.call(Step(seconds=60.0))  # uplinked and scheduled, not yet released
    assert client.call(GetCommand(id=sent.id)).command.status == "scheduled"
    assert client.call(GetTelemetry(name="executive.schedule_activities")).value == 1
    client.call(Step(seconds=40.0))  # to 120 s: released at 100 s, reports down by 100 + LT
    command = client.call(GetCommand(id=sent.id)).command
    assert command.status == "completed"
    assert command.stages["completed"] == pytest.approx(release_s + LIGHT_TIME_S, abs=2**-16)
    client.call(Step(seconds=20.0))
    assert client.call(GetTelemetry(name="thermal.battery_set_point_c")).value == 11.0


def test_a_command_too_close_to_now_for_the_light_time_is_refused_on_the_ground(
    mission: Mission,
) -> None:
    reply = mission.client.ask(
        SendCommand("navigation.set_attitude_mode", {"mode": "sun"}, release_s=1.0)
    )
    assert isinstance(reply, Refusal) and "too soon" in reply.error


def test_the_schedule_report_lists_what_waits_onboard(mission: Mission) -> None:
    client = mission.client
    client.call(
        SendCommand(name="navigation.set_attitude_mode", args={"mode": "nadir"}, release_s=500.0)
    )
    client.call(Step(seconds=5.0))
    client.call(RequestSchedule())
    client.call(Step(seconds=5.0))
    received = client.call(GetReports()).schedule
    assert received is not None and received.report.enabled is True
    assert [a.release_s for a in received.report.activities] == [500.0]


def test_telemetry_lost_in_a_blackout_is_recovered_from_the_recorder(mission: Mission) -> None:
    client = mission.client
    client.call(Step(seconds=60.0))
    client.call(AddBlackout(start_s=100.0, end_s=400.0))
    client.call(Step(seconds=400.0))
    status = client.call(GetStatus()).status
    assert status.channel.lost_down > 0
    assert status.ingest.transfer_frames_lost == status.channel.lost_down  # the frame count
    missing = status.ingest.frames_missing
    assert missing > 0  # the sequence check saw the hole
    missing_history = [
        t
        for t, _ in client.call(
            GetHistory(name="power.battery_soc", start_s=100, end_s=399)
        ).samples
    ]
    assert missing_history == []
    client.call(DumpRecorder(start_s=90.0, end_s=410.0))
    client.call(Step(seconds=10.0))
    status = client.call(GetStatus()).status
    assert status.playback.recovered == missing
    assert status.playback.duplicates > 0  # the frames around the blackout came down live too
    recovered = [
        t
        for t, _ in client.call(
            GetHistory(name="power.battery_soc", start_s=100, end_s=399)
        ).samples
    ]
    assert recovered == [float(t) for t in range(100, 400, 10)]


def test_fdir_enters_safe_mode_and_sheds_the_payload_when_the_battery_runs_low(
    mission: Mission,
) -> None:
    client = mission.client
    client.call(Step(seconds=60.0))
    assert client.call(GetTelemetry(name="fdir.mode")).value == "nominal"
    client.call(
        InjectFault(
            subsystem="power",
            fault="load_short",
            params={"consumer": "payload_camera", "extra_w": 300.0},
        )
    )
    client.call(Step(seconds=2400.0))
    assert client.call(GetTelemetry(name="fdir.mode")).value == "safe"
    # Safe mode switched the shorted camera off: the drain stops and the battery recovers in sunlight.
    assert client.call(GetTelemetry(name="power.payload_camera_load_w")).value == 0.0
    events = [e.name for e in client.call(GetEvents(min_severity=3)).events]
    assert "safe_mode_entered" in events and "battery_low" in events
