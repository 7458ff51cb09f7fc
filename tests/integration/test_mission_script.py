"""`mission script`: scenarios run outside pytest, with a step report and honest exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

PASSING = '''"""A quiet quarter of an hour."""
MISSION = "leo_smallsat"

def run(hil):
    with hil.step("Power positive"):
        hil.wait_check("power.battery_soc > 0.2", within=60)
        hil.advance(900)
        hil.assert_no_alarms()
'''

FAILING = '''"""Waiting for the impossible."""
MISSION = "leo_smallsat"

def run(hil):
    with hil.step("Battery over full"):
        hil.wait_check("power.battery_soc > 2", within=30)
    with hil.step("Never reached"):
        hil.advance(60)
'''


def mission_script(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ground.cli.mission", "script", "--colour", "never", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )


def test_scenarios_of_one_mission_report_each_step_and_their_verdict(tmp_path: Path) -> None:
    (tmp_path / "quiet.py").write_text(PASSING)
    (tmp_path / "impossible.py").write_text(FAILING)
    result = mission_script("quiet.py", "impossible.py", "--data-dir", "runs", cwd=tmp_path)
    out = result.stdout
    assert result.returncode == 1, result.stderr
    assert "Scenario: A quiet quarter of an hour." in out
    assert "1. Power positive" in out
    assert "PASS  wait_check power.battery_soc > 0.2 within 60 s" in out
    assert "PASSED  3 checks passed" in out
    assert "FAIL  wait_check power.battery_soc > 2 within 30 s" in out
    assert "last 2 values of power.battery_soc:" in out  # T+10 and T+20: a reset run starts at 0
    assert "FAILED at step 1. Battery over full: HilTimeout" in out
    assert "Never reached" not in out  # a scenario stops at its first failure
    assert "1 of 2 scenario(s) passed" in out
    assert (tmp_path / "runs" / "quiet.sqlite").is_file()
    assert (tmp_path / "runs" / "impossible.sqlite").is_file()


def test_a_file_that_is_not_a_scenario_is_refused_before_anything_starts(tmp_path: Path) -> None:
    (tmp_path / "no_run.py").write_text('MISSION = "leo_smallsat"\n')
    (tmp_path / "no_mission.py").write_text("def run(hil):\n    pass\n")
    (tmp_path / "unknown.py").write_text('MISSION = "venus_lander"\ndef run(hil):\n    pass\n')
    for name, why in (
        ("no_run.py", "defines no run(hil) function"),
        ("no_mission.py", "MISSION must name the mission"),
        ("unknown.py", "'venus_lander' is neither a shipped mission nor a config file"),
        ("missing.py", "no such scenario file"),
    ):
        result = mission_script(name, cwd=tmp_path)
        assert result.returncode == 2, (name, result.stdout, result.stderr)
        assert why in result.stderr, (name, result.stderr)
    assert not (tmp_path / "runs").exists()
