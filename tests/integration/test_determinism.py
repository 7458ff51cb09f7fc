"""Stepped runs repeat bit for bit: same config, seed and script give byte-identical archives.

For every shipped mission, two fresh pairs of processes fly the same script; and a shared pair,
reset after other work, flies it once more. All three archives must hold the same rows, byte for
byte (raw frames and every decoded table), save the wall time at which the audit trail says
each request was answered.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flightsw.config.catalog import shipped_missions
from ground.testkit.api import HilApi
from ground.testkit.archives import differences
from ground.testkit.pool import MissionPool, MissionSpec

pytestmark = pytest.mark.integration


def fly_script(hil: HilApi) -> None:
    """Commands, a fault, its clearing and quiet time: every table of the archive gets rows."""
    hil.advance(600)
    hil.send_and_await_completion("fdir.enter_safe_mode", {"reason": "determinism check"})
    hil.inject_fault("power", "array_degraded", fraction=0.3)
    hil.advance(1200)
    hil.clear_fault("power", "array_degraded")
    hil.send_and_await_completion("fdir.leave_safe_mode")
    hil.wait_check("fdir.mode != 'SAFE'", within=120)
    hil.advance(600)


@pytest.mark.timeout(600)  # three runs of the mission, on a busy machine
@pytest.mark.parametrize("mission", shipped_missions())
def test_same_script_gives_byte_identical_archives(mission: str, tmp_path: Path) -> None:
    pool = MissionPool(tmp_path)
    spec = MissionSpec(mission)
    archives = []
    try:
        for name in ("first", "second"):
            flying = pool.fresh(spec, name)
            fly_script(HilApi(flying.client, mission=flying))
            pool.release(flying)
            archives.append(flying.archive_path)
        shared = pool.shared(spec, "warm-up")
        HilApi(shared.client).advance(900)  # other work first: the reset must leave no trace
        shared.reset("after-reset")
        fly_script(HilApi(shared.client, mission=shared))
        pool.stop_all()
        archives.append(shared.archive_path)
    finally:
        pool.stop_all()
    first, second, after_reset = archives
    fresh = differences(first, second)
    assert not fresh, "two fresh runs differ:\n" + "\n".join(fresh)
    reset = differences(first, after_reset)
    assert not reset, "a run after a reset differs from a fresh one:\n" + "\n".join(reset)
    assert first.stat().st_size > 100_000  # a real run, not two empty files
