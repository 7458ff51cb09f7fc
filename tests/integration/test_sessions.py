"""Runs side by side in one folder, and the console that finds them: one session per run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from flying import LEO
from processes import ROOT, STOP_WITHIN_S, Output, mission_run, wait_for_exit

from ground.cli.launcher import launch

pytestmark = pytest.mark.integration

RUN_TIMEOUT_S = 120
SAYS_GONE_WITHIN_S = 5.0  # the time-out it used to wait out was 10 s per command


def console(data_dir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """`mission console` on a script, as CI would run it."""
    return subprocess.run(
        [sys.executable, "-m", "ground.cli.mission", "console", "--data-dir", str(data_dir), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def test_two_runs_in_one_folder_keep_their_own_sessions_and_the_console_lists_them(
    tmp_path: Path,
) -> None:
    with (
        mission_run(tmp_path, "first", "--headless") as first,
        mission_run(tmp_path, "second", "--headless") as second,
    ):
        first_pids, second_pids = first.flying(), second.flying()
        assert first_pids["ground"] != second_pids["ground"]
        assert first.session_path.exists() and second.session_path.exists()

        unchosen = console(tmp_path, stdin="status\n")
        assert unchosen.returncode == 2, unchosen.stdout + unchosen.stderr
        assert "2 runs are flying" in unchosen.stderr
        assert "\n  first (" in unchosen.stderr and "\n  second (" in unchosen.stderr
        assert "choose one with --run NAME" in unchosen.stderr

        chosen = console(tmp_path, "--run", "second", stdin="status\n")
        assert chosen.returncode == 0, chosen.stdout + chosen.stderr
        assert "> status" in chosen.stdout and "error" not in chosen.stdout

        os.kill(first.process.pid, signal.SIGTERM)  # the first ends; the second flies on
        assert first.ends()[0] == 0
        assert not first.session_path.exists() and second.session_path.exists()
        alone = console(tmp_path, stdin="status\n")
        assert alone.returncode == 0, alone.stdout + alone.stderr


def test_a_console_whose_ground_died_says_so_at_once_and_what_to_do(tmp_path: Path) -> None:
    mission = launch(LEO, tmp_path, "watched", clock="stepped")
    operator = subprocess.Popen(
        [sys.executable, "-m", "ground.cli.mission", "console", "--data-dir", str(tmp_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert operator.stdin is not None and operator.stdout is not None
        said = Output(operator.stdout.fileno())
        operator.stdin.write(b"step 10\nstatus\n")
        operator.stdin.flush()
        said.expect("alarms")  # the status table: the console is attached
        mission.ground.kill()
        assert wait_for_exit(mission.ground.pid, STOP_WITHIN_S)
        asked_s = time.monotonic()
        operator.stdin.write(b"status\n")
        operator.stdin.flush()
        text = said.expect("is gone", within_s=RUN_TIMEOUT_S)
        answered_s = time.monotonic() - asked_s
        print(f"\nthe console said its ground was gone {answered_s:.3f} s after the command")
        assert answered_s < SAYS_GONE_WITHIN_S
        assert f"the ground of run watched (pid {mission.ground.pid}) is gone" in text
        assert "`mission run` restarts a ground that dies" in text  # what to do
        assert operator.wait(STOP_WITHIN_S) == 3  # a script stops: its ground is lost
    finally:
        if operator.poll() is None:
            operator.kill()
        operator.wait(STOP_WITHIN_S)
        for stream in (operator.stdin, operator.stdout):
            if stream is not None:
                stream.close()
        mission.stop()


def test_a_stale_session_is_named_stale_and_a_new_run_in_the_folder_clears_it(
    tmp_path: Path,
) -> None:
    with mission_run(tmp_path, "killed", "--headless") as killed:
        pids = killed.flying()
        os.kill(killed.process.pid, signal.SIGKILL)
        killed.process.wait()
        assert all(wait_for_exit(pids[name], STOP_WITHIN_S) for name in ("flightsw", "ground"))
    named = console(tmp_path, "--run", "killed", stdin="status\n")
    assert named.returncode == 3
    assert "run killed is not flying: its processes are gone" in named.stderr
    with mission_run(tmp_path, "next", "--headless") as following:
        said = following.output.expect("running as next")
        assert "removed the stale session of run killed (its processes are gone)" in said
        assert not killed.session_path.exists()
        following.pids = following.session_pids()
        os.kill(following.process.pid, signal.SIGTERM)
        assert following.ends()[0] == 0
