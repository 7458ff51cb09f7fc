"""Replaying a recorded run gives the same frames, alarms and history as the run had live."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from flightsw.icd.endpoints import Endpoints
from ground.api import (
    Acknowledge,
    ClearFault,
    GetStatus,
    InjectFault,
    Refusal,
    Reply,
    Request,
    SendCommand,
    Session,
    StatusReply,
    Step,
    encode,
)
from ground.archive.store import Archive
from ground.cli.launcher import Mission, free_ports
from ground.replay.engine import Replay, replay
from ground.replay.runtime import ReplayRuntime, ReplaySockets

pytestmark = pytest.mark.integration

TRIPPED = ("avionics_heater_off", "avionics_temp", "avionics_heater_on_when_hot")
PARAMETERS = ("thermal.avionics_temp_c", "thermal.avionics_heater_on", "power.battery_soc")
CLI_TIMEOUT_S = 120


def fly_a_stuck_heater(mission: Mission) -> Path:
    """Trip the avionics alarms, acknowledge one, clear the fault; return the stopped archive."""
    client = mission.client
    client.call(Step(seconds=60.0))
    client.call(
        InjectFault(subsystem="thermal", fault="heater_stuck_on", params={"heater": "avionics"})
    )
    client.call(Step(seconds=7200.0), timeout_s=600.0)
    client.call(Acknowledge(name="avionics_heater_off", operator="flight", comment="stuck heater"))
    client.call(ClearFault(subsystem="thermal", fault="heater_stuck_on"))
    client.call(Step(seconds=120.0))
    mission.stop()  # the archive is complete and closed once the ground has stopped
    return mission.archive_path


def alarm_life(path: Path) -> list[tuple[str, str, float]]:
    """Every alarm transition, in the order archived."""
    with Archive.open(path) as archive:
        return [(row.name, row.kind, row.time_s) for row in archive.alarms()]


def alarm_names(path: Path) -> set[str]:
    with Archive.open(path) as archive:
        return {row.name for row in archive.alarms()}


def good_frames(path: Path) -> int:
    with Archive.open(path) as archive:
        return sum(1 for _ in archive.frames())


def mission_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ground.cli.mission", *args],
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT_S,
    )


def test_a_replay_at_speed_0_repeats_the_live_frames_alarms_and_history(
    mission: Mission, tmp_path: Path
) -> None:
    live = fly_a_stuck_heater(mission)
    summary = replay(live, tmp_path / "replays")
    assert summary.finished
    assert summary.archive_path == tmp_path / "replays" / "test-replay.sqlite"
    assert good_frames(summary.archive_path) == good_frames(live) == summary.frames
    life = alarm_life(live)
    assert [kind for name, kind, _ in life if name == "avionics_heater_off"] == [
        "triggered",
        "acknowledged",
        "cleared",
    ]  # the operator's acknowledgement is replayed too, so the alarm clears as it did live
    assert alarm_life(summary.archive_path) == life
    assert alarm_names(live) == alarm_names(summary.archive_path) == set(TRIPPED)  # nothing stale
    assert summary.alarm_transitions == len(life) == 6
    with Archive.open(live) as recorded, Archive.open(summary.archive_path) as replayed:
        for name in PARAMETERS:
            history = recorded.parameter_history(name)
            assert history and replayed.parameter_history(name) == history
        assert replayed.injections() == recorded.injections()
        assert replayed.meta()["replay_of"] == str(live)
        assert replayed.meta()["dictionary"] == recorded.meta()["dictionary"]
    again = replay(live, tmp_path / "replays")
    assert again.archive_path.name == "test-replay-2.sqlite"


def test_a_paced_replay_serves_read_only_ops_and_refuses_spacecraft_ones(
    mission: Mission, tmp_path: Path
) -> None:
    live = fly_a_stuck_heater(mission)
    endpoints = Endpoints.on_ports(free_ports(6))
    sockets = ReplaySockets(endpoints)
    runtime = ReplayRuntime(sockets, Replay(live, tmp_path))
    replayed = runtime.replay.archive.path
    written = Session(replayed.stem, replayed, endpoints, replay_of=live).write(tmp_path)
    replies: dict[str, Reply | Refusal] = {}
    requests: list[Request[Any]] = [
        GetStatus(),
        Step(1.0),
        InjectFault("thermal", "heater_stuck_on"),
        SendCommand("thermal.set_heater"),
    ]

    def ask(time_s: float) -> None:  # the idle hook runs on the replay's thread
        for request in requests:
            op = request.op()
            runtime.control.handle(
                encode(request), lambda reply, op=op: replies.setdefault(op, reply)
            )

    try:
        summary = runtime.run(speed=200_000.0, on_idle=ask)  # about 40 ms of wall time
    finally:
        runtime.close()
        sockets.close()
    assert summary.finished
    assert alarm_life(summary.archive_path) == alarm_life(live)
    status = replies["status"]
    assert isinstance(status, StatusReply) and status.status.mission == "leo-smallsat"
    assert status.status.replay is not None
    for op in ("step", "inject", "cmd"):
        refused = replies[op]
        assert isinstance(refused, Refusal)
        assert refused.error.startswith("replay: there is no spacecraft to ")
    session = Session.read(written)
    assert session is not None and session.endpoints == endpoints
    assert (session.archive, session.replay_of, session.config) == (replayed, live, None)


def test_mission_export_and_replay_on_a_recorded_run(mission: Mission, tmp_path: Path) -> None:
    live = fly_a_stuck_heater(mission)
    out = tmp_path / "soc.csv"
    exported = mission_cli("export", str(live), "power.battery_soc", str(out))
    assert exported.returncode == 0, exported.stderr
    lines = out.read_text().splitlines()
    assert lines[0] == "segment,time_s,utc,power.battery_soc" and len(lines) > 1
    assert f"wrote {len(lines) - 1} rows of power.battery_soc" in exported.stdout
    side = mission_cli(
        "export", str(live), "power.battery_soc", "thermal.battery_temp_c", "--end-s", "600"
    )  # to stdout, its count on stderr
    assert side.returncode == 0, side.stderr
    rows = side.stdout.splitlines()
    assert rows[0] == "segment,time_s,utc,power.battery_soc,thermal.battery_temp_c"
    assert all(float(row.split(",")[1]) <= 600 for row in rows[1:])
    assert f"wrote {len(rows) - 1} rows of power.battery_soc, thermal" in side.stderr
    alarms_csv = tmp_path / "alarms.csv"
    assert mission_cli("export", str(live), "alarms", str(alarms_csv)).returncode == 0
    assert alarms_csv.read_text().startswith("id,time_s,name,kind,")

    unknown = mission_cli("export", str(live), "bogus", str(tmp_path / "x.csv"))
    assert unknown.returncode == 2 and "choose one of meta, segments, frames" in unknown.stderr
    missing = mission_cli("export", str(tmp_path / "none.sqlite"), "frames", str(out))
    assert missing.returncode == 2 and "no archive at" in missing.stderr

    replayed = mission_cli(
        "replay", str(live), "--headless", "--speed", "0", "--data-dir", str(tmp_path / "r")
    )
    assert replayed.returncode == 0, replayed.stderr
    assert "replay finished at T+" in replayed.stdout
    assert f"{len(alarm_life(live))} alarm transitions" in replayed.stdout
    assert str(tmp_path / "r" / "test-replay.sqlite") in replayed.stdout
