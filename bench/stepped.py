"""Stepped simulation speed: mission seconds per wall second with both real processes."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flightsw.clock import wall_time_s
from ground.launcher import launch


def stepped_speed(config: Path, mission_s: float, step_s: float = 600.0) -> tuple[float, int]:
    """Fly `config` stepped for `mission_s`; return mission s per wall s and frames ingested."""
    with tempfile.TemporaryDirectory() as folder:
        mission = launch(config, Path(folder), "bench", clock="stepped", log_level="WARNING")
        try:
            client = mission.client
            start_s = wall_time_s()
            flown_s = 0.0
            while flown_s < mission_s:
                flown_s = client.call("step", seconds=step_s, timeout_s=600.0)["time_s"]
            elapsed_s = wall_time_s() - start_s
            frames = client.call("status")["ingest"]["good"]
        finally:
            mission.stop()
    return mission_s / elapsed_s, frames
