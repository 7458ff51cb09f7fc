"""The operator's console as a script runs it: COSMOS verbs, waits on a stepped clock, exit codes."""

from __future__ import annotations

import subprocess
import sys

import pytest

from flightsw.config import local_user
from ground.cli.launcher import Mission

pytestmark = pytest.mark.integration

RUN_TIMEOUT_S = 120


def console(mission: Mission, *lines: str) -> subprocess.CompletedProcess[str]:
    """Run `mission console` on `lines` through a pipe, as CI would."""
    return subprocess.run(
        [
            sys.executable, "-m", "ground.cli.mission", "console",
            "--control", mission.endpoints.control, "--feed", mission.endpoints.feed,
            "--data-dir", str(mission.data_dir),
        ],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
    )  # fmt: skip


def test_a_pass_rehearsal_script_with_every_kind_of_verb_exits_0(mission: Mission) -> None:
    result = console(
        mission,
        "# a pass rehearsal",
        "cmd thermal.set_heater heater=battery set_point_c=12",
        "wait_check thermal.battery_set_point_c == 12 within=60",
        "check power.battery_soc > 0.5",
        "inject thermal heater_stuck_on heater=avionics",
        "wait_check thermal.avionics_heater_on == true within=60",
        "wait 40",
        "alarms",
        "ack avionics_heater_off relay welded, clearing",
        "faults thermal",
        "queue blocked",
        "cmd thermal.heater_enable heater=battery enabled=true",
        "queue release",
        "queue enabled",
        "cmd thermal.set_heater heater=battery set_point_c=15 at=+600",
        "schedule",
        "timeline 0 200",
        "watch power.battery_soc thermal.battery_temp_c for=2",
        "plot power.battery_soc",
        "commands",
        "audit",
        "status",
    )
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    assert "\x1b[" not in out  # a pipe gets plain text
    assert "> wait_check thermal.battery_set_point_c == 12 within=60" in out  # lines are echoed
    assert "WAIT_CHECK: thermal.battery_set_point_c == 12 holds (12" in out
    assert "WAIT_CHECK: thermal.avionics_heater_on == True holds (True)" in out
    assert "WATCH" in out and "avionics_heater_off" in out
    assert "acknowledged avionics_heater_off" in out
    assert "heater_stuck_on" in out and "avionics|battery" in out  # faults show their choices
    assert "released command" in out
    assert "onboard schedule (enabled)" in out and "1 activity" in out
    assert "injection" in out  # the timeline shows the injection
    assert "watched 2 update(s)" in out
    user = local_user()  # the launcher made this user the data folder's first test conductor
    assert f"thermal.set_heater by {user} completed" in out  # who sent each command
    assert f"{user} (test-conductor) inject: done" in out  # and the audit trail
    assert f"{user} (test-conductor) ack: done" in out


def test_a_wait_check_that_never_holds_says_what_it_awaited_the_last_value_and_the_time(
    mission: Mission,
) -> None:
    result = console(mission, "wait_check power.battery_soc > 2 within=30", "status")
    assert result.returncode == 1
    failure = next(line for line in result.stdout.splitlines() if "WAIT_CHECK FAILED" in line)
    assert "awaited power.battery_soc > 2 for 30 s of mission time from T+0.0 s" in failure
    assert "last value 0.8" in failure  # the battery starts about 80 % full
    assert "at T+20.0 s" in failure  # the T+30 report is still 1.25 s of light time away
    assert "mission time T+30.0 s" in failure
    assert "> status" in result.stdout  # the script goes on after a failure


def test_a_command_the_ground_refuses_fails_the_script(mission: Mission) -> None:
    result = console(
        mission,
        "cmd thermal.set_heater heater=reactor set_point_c=12",
        "cmd power.load_off consumer=payload_camera",  # hazardous, not confirmed
    )
    assert result.returncode == 1
    assert "argument heater='reactor': expected one of avionics, battery" in result.stdout
    assert "is hazardous" in result.stdout and "confirm" in result.stdout


def test_help_on_a_command_shows_its_arguments_units_ranges_and_choices(mission: Mission) -> None:
    result = console(mission, "help thermal.set_heater", "help thermal.set_heatr")
    assert result.returncode == 1  # the misspelt one
    lines = result.stdout.splitlines()
    heater = next(line for line in lines if line.startswith("heater"))
    assert "avionics | battery" in heater
    set_point = next(line for line in lines if line.startswith("set_point_c"))
    assert "degC" in set_point and ".." in set_point
    assert "no command 'thermal.set_heatr'; did you mean thermal.set_heater," in result.stdout


def test_a_word_that_is_not_a_number_is_told_in_the_operators_words(mission: Mission) -> None:
    result = console(mission, "rate fast", "wait soon", "command three", "shelve x forever")
    assert "the rate must be a number, e.g. 60; got 'fast'" in result.stdout
    assert "SECONDS must be a number, e.g. 60; got 'soon'" in result.stdout
    assert "ID must be a whole number, e.g. 3; got 'three'" in result.stdout
    assert "SECONDS must be a number, e.g. 60; got 'forever'" in result.stdout
    assert "could not convert" not in result.stdout and "invalid literal" not in result.stdout
