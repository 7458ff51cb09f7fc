"""The test kit's costs: starting a mission for a test, and mission hours per wall minute."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flightsw.clock import wall_time_s
from ground.api import Step
from ground.errors import HilTimeout
from ground.testkit.api import HilApi
from ground.testkit.pool import MissionPool, MissionSpec


@dataclass(frozen=True)
class StartupCosts:
    launch_s: list[float]  # both processes started and answering
    stop_s: list[float]  # both stopped
    reset_s: list[float]  # a shared pair given a new spacecraft and archive


def startup_costs(mission: str, repeats: int) -> StartupCosts:
    """What each test pays before its first verb: a fresh launch, or a reset of shared processes."""
    launch_s, stop_s, reset_s = [], [], []
    with tempfile.TemporaryDirectory() as folder:
        pool = MissionPool(Path(folder))
        spec = MissionSpec(mission)
        try:
            for index in range(repeats):
                started = wall_time_s()
                flying = pool.fresh(spec, f"fresh-{index}")
                launch_s.append(wall_time_s() - started)
                started = wall_time_s()
                pool.release(flying)
                stop_s.append(wall_time_s() - started)
            pool.shared(spec, "shared-0")
            for index in range(repeats):
                started = wall_time_s()
                pool.shared(spec, f"shared-{index + 1}")
                reset_s.append(wall_time_s() - started)
        finally:
            pool.stop_all()
    return StartupCosts(launch_s, stop_s, reset_s)


def hours_per_wall_minute(
    mission: str, mission_s: float, workload: Callable[[HilApi, float], None]
) -> float:
    """Mission hours that one wall minute of `workload` flies, on shared processes."""
    with tempfile.TemporaryDirectory() as folder:
        pool = MissionPool(Path(folder))
        try:
            flying = pool.shared(MissionSpec(mission), "bench")
            hil = HilApi(flying.client, mission=flying)
            started = wall_time_s()
            workload(hil, mission_s)
            elapsed_s = wall_time_s() - started
            flown_s = hil.now_s
        finally:
            pool.stop_all()
    return (flown_s / 3600.0) / (elapsed_s / 60.0)


def raw_steps(step_s: float) -> Callable[[HilApi, float], None]:
    """The baseline: the control API's `step`, `step_s` at a time, no test kit."""

    def run(hil: HilApi, mission_s: float) -> None:
        while hil.client.call(Step(step_s), timeout_s=3600.0).time_s < mission_s:
            pass

    return run


def advance_hourly(hil: HilApi, mission_s: float) -> None:
    while hil.now_s < mission_s:
        hil.advance(3600.0)


def waiting_for_a_limit(hil: HilApi, mission_s: float) -> None:
    """The worst case of a wait: a condition that never holds, looked at every housekeeping
    period (10 s) for the whole budget, as `wait_check` does."""
    with contextlib.suppress(HilTimeout):
        hil.wait_check("life_support.co2_ppm > 1e9", within=mission_s)
