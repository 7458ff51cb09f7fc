"""Stepped simulation speed: mission seconds per wall second with both real processes."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from flightsw.clock import wall_time_s
from ground.api import GetStatus, Step
from ground.cli.launcher import launch


@dataclass(frozen=True)
class SteppedRun:
    speed: float  # mission seconds per wall second
    frames: int  # frames the ground ingested
    flight_peak_mib: float  # peak resident memory of each process
    ground_peak_mib: float
    alarms: int


def peak_rss_mib(pid: int) -> float:
    """A process's peak resident set size (VmHWM), from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def stepped_speed(config: Path, mission_s: float, step_s: float = 600.0) -> SteppedRun:
    """Fly `config` stepped for `mission_s`; return its speed, frames and peak memory."""
    with tempfile.TemporaryDirectory() as folder:
        mission = launch(config, Path(folder), "bench", clock="stepped", log_level="WARNING")
        try:
            client = mission.client
            start_s = wall_time_s()
            flown_s = 0.0
            while flown_s < mission_s:
                flown_s = client.call(Step(step_s), timeout_s=600.0).time_s
            elapsed_s = wall_time_s() - start_s
            status = client.call(GetStatus()).status
            run = SteppedRun(
                mission_s / elapsed_s,
                status.ingest.good,
                peak_rss_mib(mission.flight.pid),
                peak_rss_mib(mission.ground.pid),
                status.alarms_active,
            )
        finally:
            mission.stop()
    return run
