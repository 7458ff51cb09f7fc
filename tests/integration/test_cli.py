"""The command-line tools as a person uses them: exit codes, messages, scripts."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from flying import LEO

from flightsw.config import new_keys
from ground.api import (
    GetStatus,
    Step,
)
from ground.cli.launcher import Mission, launch
from ground.errors import ClientError

pytestmark = pytest.mark.integration

RUN_TIMEOUT_S = 120


def run(*args: str, stdin: str = "", cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
        cwd=cwd,
    )


def test_flightsw_refuses_a_broken_config_with_file_key_and_reason(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(LEO.read_text().replace('mode = "realtime"', 'mode = "warp"'))
    result = run("flightsw", "--config", str(bad))
    assert result.returncode == 2
    assert f"{bad}: [clock.mode] expected one of stepped, realtime, found 'warp'" in result.stderr


def test_flightsw_says_which_port_is_taken_and_exits_3(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        keys = new_keys(tmp_path / "keys.toml", "leo-smallsat").path
        result = run(
            "flightsw", "--config", str(LEO), "--keys", str(keys),
            "--uplink", f"tcp://127.0.0.1:{port}",
        )  # fmt: skip
    assert result.returncode == 3
    assert f"cannot bind the uplink socket to tcp://127.0.0.1:{port}" in result.stderr
    assert "Another process may hold the port" in result.stderr


def test_mission_run_flies_headless_for_a_duration_and_stops_both_processes(tmp_path: Path) -> None:
    result = run(
        "ground.cli.mission", "run", str(LEO), "--clock", "stepped", "--duration-s", "600",
        "--headless", "--data-dir", str(tmp_path), "--run-name", "cli",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "mission: stopped at T+600.0 s" in result.stdout
    assert (tmp_path / "cli.sqlite").stat().st_size > 0


def test_a_console_script_runs_and_passes_its_checks(mission: Mission) -> None:
    script = "\n".join(
        [
            "# a pass rehearsal",
            "step 30",
            "cmd thermal.set_heater heater=battery set_point_c=12",
            "step 20",  # the next housekeeping report, plus its light time down
            "command 1",
            "check thermal.battery_set_point_c == 12",
            "check power.battery_soc > 0.5",
            "inject power array_degraded fraction=0.5",
            "clear power array_degraded",
            "alarms",
        ]
    )
    result = run(
        "ground.cli.mission", "console", "--control", mission.endpoints.control,
        "--data-dir", str(mission.data_dir), stdin=script,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout
    assert "command 1 thermal.set_heater: completed" in result.stdout
    assert "CHECK: thermal.battery_set_point_c == 12 holds" in result.stdout


def test_a_console_script_exits_non_zero_when_a_check_fails(mission: Mission) -> None:
    result = run(
        "ground.cli.mission", "console", "--control", mission.endpoints.control,
        "--data-dir", str(mission.data_dir),
        stdin="step 20\ncheck power.battery_soc > 2\n",
    )  # fmt: skip
    assert result.returncode == 1
    assert "CHECK FAILED: power.battery_soc > 2" in result.stdout


def test_the_ground_says_so_when_the_spacecraft_is_gone(tmp_path: Path) -> None:
    mission = launch(LEO, tmp_path, "gone", clock="stepped", sim_timeout_s=2.0)
    try:
        mission.client.call(Step(seconds=10.0))
        mission.flight.kill()  # the spacecraft process dies without a word
        mission.flight.wait(RUN_TIMEOUT_S)
        with pytest.raises(
            ClientError,
            match=r"no answer to 'step': the spacecraft has been silent since T\+10\.0 s",
        ):
            mission.client.call(Step(10.0), timeout_s=30.0)
        assert mission.client.call(GetStatus()).status.time_s == 10.0  # the ground itself goes on
    finally:
        mission.stop()


def test_mission_keys_adds_lists_and_revokes_an_operator(tmp_path: Path) -> None:
    data_dir = ("--data-dir", str(tmp_path))

    added = run("ground.cli.mission", "keys", "add", "fido", "--role", "observer", *data_dir)
    listed = run("ground.cli.mission", "keys", "list", *data_dir)
    twice = run("ground.cli.mission", "keys", "add", "fido", "--role", "operator", *data_dir)
    revoked = run("ground.cli.mission", "keys", "revoke", "fido", *data_dir)
    after = run("ground.cli.mission", "keys", "list", *data_dir)

    assert added.returncode == 0, added.stdout
    assert "fido may connect as observer" in added.stdout
    assert (tmp_path / "keys" / "identities" / "fido.key_secret").stat().st_mode & 0o077 == 0
    assert listed.stdout.split()[0::3] == ["observer"] and listed.stdout.split()[2] == "fido"
    assert twice.returncode == 2 and "fido is there already, as observer" in twice.stdout
    assert revoked.returncode == 0 and "revoked fido (observer)" in revoked.stdout
    assert after.returncode == 0 and after.stdout == ""
