"""The test kit as a user meets it: a test folder of their own, run by pytest in a subprocess,
with the plugin found through its entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from processes import wait_for_exit

pytestmark = pytest.mark.integration

PIDS = "pids.json"

RECORD_PIDS = f"""
import json, pathlib

def record(hil):
    path = pathlib.Path(__file__).parent / "{PIDS}"
    pids = json.loads(path.read_text()) if path.exists() else []
    pids += [hil.mission.flight.pid, hil.mission.ground.pid]
    path.write_text(json.dumps(pids))
"""


def recorded_pids(folder: Path) -> list[int]:
    pids: list[int] = json.loads((folder / PIDS).read_text())
    assert len(pids) >= 2
    return pids


def test_a_failing_wait_says_what_was_awaited_what_came_and_when(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        RECORD_PIDS
        + """
import pytest
from ground.testkit.predicates import greater_than

@pytest.mark.mission("leo_smallsat")
def test_battery_over_full(hil):
    record(hil)
    hil.advance(60)
    hil.await_telemetry("power.battery_soc", greater_than(1.5), within=120)
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*await_telemetry timed out: awaited power.battery_soc > 1.5 for 120 s of mission time*",
            "*window: T+60.0 s .. T+180.0 s*",
            "*last * values of power.battery_soc*",
            "*mission time now: T+180.0 s*",
            "*archive: *test_battery_over_full.sqlite*",
        ]
    )
    for pid in recorded_pids(pytester.path):  # both processes stopped although the test failed
        assert wait_for_exit(pid, within_s=0.0), f"pid {pid} still running after the run"


def test_processes_stop_by_themselves_when_the_test_run_is_killed(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        RECORD_PIDS
        + """
import os, signal

def test_killed_half_way(hil):
    record(hil)
    hil.advance(10)
    os.kill(os.getpid(), signal.SIGKILL)  # no teardown, no atexit: only the processes can act
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    assert result.ret != 0
    for pid in recorded_pids(pytester.path):
        assert wait_for_exit(pid, within_s=20.0), f"pid {pid} outlived the killed test run"


def test_shared_processes_are_reset_between_tests(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        RECORD_PIDS
        + """
import pytest

pytestmark = pytest.mark.mission("leo_smallsat")

def test_first_leaves_a_mess(hil_shared):
    record(hil_shared)
    hil_shared.send_and_await_completion("fdir.enter_safe_mode", {"reason": "mess"})
    hil_shared.inject_fault("power", "array_degraded", fraction=0.9)
    hil_shared.advance(600)
    hil_shared.check("fdir.mode == safe")

def test_second_starts_clean(hil_shared):
    record(hil_shared)
    assert hil_shared.now_s == 0.0
    assert hil_shared.commands() == []
    hil_shared.advance(60)
    assert [e.name for e in hil_shared.events()] == ["flight_software_started"]
    hil_shared.check("fdir.mode == nominal")
    hil_shared.check("power.solar_power_w > 0")  # lit, and the degraded array is gone
    assert hil_shared.mission.archive_path.name == "test_second_starts_clean.sqlite"
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
    first, second = recorded_pids(pytester.path)[:2], recorded_pids(pytester.path)[2:]
    assert first == second  # the same processes served both tests


def test_the_mission_comes_from_a_fixture_parameter(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
import pytest

@pytest.mark.parametrize("hil", ["leo_station", "lunar_orbiter"], indirect=True)
def test_flies_the_chosen_mission(hil):
    assert hil.dictionary["mission"] in ("leo-station", "lunar-orbiter")
    assert any(s["name"] == "propulsion" for s in hil.dictionary["subsystems"])
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-v")
    result.assert_outcomes(passed=2)
