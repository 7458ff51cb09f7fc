"""`mission run`'s name for a run: never one that a run flying in the folder holds."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from flightsw.icd import Endpoints
from ground.api.session import Session, sessions_in
from ground.cli.run import claim_run_name
from ground.errors import LaunchError

ENDPOINTS = Endpoints.on_ports([7001, 7002, 7003, 7004, 7005, 7006])


def session(data_dir: Path, name: str, pid: int) -> Session:
    written = Session(name, data_dir / f"{name}.sqlite", ENDPOINTS, ground_pid=pid)
    written.write(data_dir)
    return written


def test_a_default_name_in_use_becomes_the_next_free_one(tmp_path: Path) -> None:
    session(tmp_path, "leo", os.getpid())  # flying
    (tmp_path / "leo-2.sqlite").write_text("")  # an earlier run's archive
    assert claim_run_name(tmp_path, "leo", chosen=False) == "leo-3"


def test_a_chosen_name_a_flying_run_holds_is_refused(tmp_path: Path) -> None:
    session(tmp_path, "day", os.getpid())
    with pytest.raises(LaunchError, match="run day is already flying in"):
        claim_run_name(tmp_path, "day", chosen=True)
    assert claim_run_name(tmp_path, "night", chosen=True) == "night"


def test_stale_sessions_are_removed_and_said_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    session(tmp_path, "killed", gone.pid)
    assert claim_run_name(tmp_path, "killed", chosen=True) == "killed"
    assert sessions_in(tmp_path) == []
    assert "removed the stale session of run killed" in capsys.readouterr().out
