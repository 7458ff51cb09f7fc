"""A run's session: one file per run in DATA_DIR/sessions/, live while a process of it runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from flightsw.icd import Endpoints
from ground.api.session import Session, session_watch, sessions_dir, sessions_in

ENDPOINTS = Endpoints.on_ports([6001, 6002, 6003, 6004, 6005, 6006])


def a_pid_that_has_exited() -> int:
    """The pid of a process that has run and been reaped (the OS may hand it out again much
    later, not within a test)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def live_session(run_name: str, started: str = "2026-01-01T00:00:00+0000") -> Session:
    return Session(
        run_name,
        Path(f"/runs/{run_name}.sqlite"),
        ENDPOINTS,
        config=Path("configs/leo_smallsat.toml"),
        flightsw_pid=101,
        ground_pid=os.getpid(),
        mission_pid=100,
        started=started,
    )


def test_a_live_session_is_written_in_its_own_file_named_after_the_run(tmp_path: Path) -> None:
    live = live_session("day")
    path = live.write(tmp_path / "runs")
    assert path == tmp_path / "runs" / "sessions" / "day.json"
    assert json.loads(path.read_text()) == {
        "config": "configs/leo_smallsat.toml",
        "run_name": "day",
        "archive": "/runs/day.sqlite",
        "started": "2026-01-01T00:00:00+0000",
        "endpoints": ENDPOINTS.as_dict(),
        "pids": {"mission": 100, "flightsw": 101, "ground": os.getpid()},
    }
    assert Session.read(path) == live
    assert list(path.parent.iterdir()) == [path]  # nothing half-written is left beside it


def test_two_runs_in_one_folder_keep_two_sessions(tmp_path: Path) -> None:
    first = live_session("first", "2026-01-01T00:00:00+0000")
    second = live_session("second", "2026-01-01T00:00:05+0000")
    first.write(tmp_path)
    second.write(tmp_path)
    assert sessions_in(tmp_path) == [first, second]
    first.remove(tmp_path)
    assert sessions_in(tmp_path) == [second]
    first.remove(tmp_path)  # removing what is gone is no error


def test_a_replay_session_names_what_it_replays_and_has_no_spacecraft(tmp_path: Path) -> None:
    replay = Session(
        "day-replay",
        tmp_path / "day-replay.sqlite",
        ENDPOINTS,
        replay_of=tmp_path / "day.sqlite",
        mission_pid=os.getpid(),
    )
    path = replay.write(tmp_path)
    written = json.loads(path.read_text())
    assert (written["config"], written["pids"]) == (None, {"mission": os.getpid()})
    assert Session.read(path) == replay
    assert replay.server_pid == os.getpid()  # a replay's ground runs inside `mission replay`


def test_a_session_whose_processes_are_all_gone_is_stale() -> None:
    gone = a_pid_that_has_exited()
    stale = Session("old", Path("old.sqlite"), ENDPOINTS, flightsw_pid=gone, ground_pid=gone)
    assert not stale.live()
    assert live_session("now").live()  # one process of it runs: this one


@pytest.mark.parametrize(
    "content", ["not json", "[]", '{"run_name": "x"}', '{"endpoints": {"control": 1}}']
)
def test_a_file_that_is_not_a_session_is_none_and_left_out(tmp_path: Path, content: str) -> None:
    sessions_dir(tmp_path).mkdir()
    (sessions_dir(tmp_path) / "broken.json").write_text(content)
    assert Session.read(sessions_dir(tmp_path) / "broken.json") is None
    assert sessions_in(tmp_path) == []
    assert sessions_in(tmp_path / "nowhere") == []


def test_the_watch_on_a_run_says_when_its_ground_is_gone_and_what_to_do(tmp_path: Path) -> None:
    session = Session("day", tmp_path / "day.sqlite", ENDPOINTS, ground_pid=a_pid_that_has_exited())
    session.write(tmp_path)
    reason = session_watch(tmp_path, "day")()
    assert reason is not None
    assert f"the ground of run day (pid {session.ground_pid}) is gone" in reason
    assert "`mission run` restarts a ground that dies" in reason
    session.remove(tmp_path)
    ended = session_watch(tmp_path, "day")()
    assert ended is not None and "run day has ended" in ended
