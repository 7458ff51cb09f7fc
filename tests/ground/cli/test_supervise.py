"""`mission run`'s supervisor: a dead ground restarted within a budget, a dead spacecraft the end."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ground.cli.supervise import RestartBudget, Supervisor
from ground.errors import ProcessLost

MINUTE_S = 60.0


def test_the_budget_allows_three_restarts_in_any_ten_minutes() -> None:
    budget = RestartBudget()
    assert budget.allows([], 0.0)
    assert budget.allows([0.0, 60.0], 120.0)
    assert not budget.allows([0.0, 60.0, 120.0], 180.0)
    assert budget.allows([0.0, 60.0, 120.0], 10 * MINUTE_S)  # the first has left the window
    assert budget.describe() == "3 in 10 minutes"


def ended(code: int) -> subprocess.Popen[bytes]:
    """A real process that has exited with `code`."""
    process = subprocess.Popen([sys.executable, "-c", f"raise SystemExit({code})"])
    process.wait()
    return process


def running() -> subprocess.Popen[bytes]:
    """A real process that runs until it is killed."""
    return subprocess.Popen([sys.executable, "-c", "import signal; signal.pause()"])


@dataclass
class FakeMission:
    """What the supervisor reads of a mission, with a restart that only records what it got."""

    flight: subprocess.Popen[bytes]
    ground: subprocess.Popen[bytes]
    log_dir: Path
    run_name: str = "day"
    session_name: str = "day"
    env: dict[str, str] = field(default_factory=dict)
    restarts: list[tuple[str, bool]] = field(default_factory=list)

    @property
    def archive_path(self) -> Path:
        return self.log_dir / f"{self.run_name}.sqlite"

    def log_path(self, program: str) -> Path:
        return self.log_dir / f"{self.session_name}.{program}.log"

    def restart_ground(self, run_name: str, resume: bool) -> None:
        self.restarts.append((run_name, resume))
        self.run_name = run_name
        self.ground = ended(1)  # and it dies again at once


@pytest.fixture
def both_running(tmp_path: Path):  # type: ignore[no-untyped-def]
    processes = [running(), running()]
    (tmp_path / "day.ground.log").write_text("line 1\nground ERROR it broke\n")
    (tmp_path / "day.flightsw.log").write_text("flightsw INFO flying\n")
    yield FakeMission(processes[0], processes[1], tmp_path)
    for process in processes:
        process.kill()
        process.wait()


def test_a_dead_ground_is_restarted_with_resume_and_the_terminal_hears_why(
    both_running: FakeMission,
) -> None:
    said: list[str] = []
    mission = both_running
    mission.ground = dead = ended(1)
    supervisor = Supervisor(mission, said.append, resumes=lambda: True)  # type: ignore[arg-type]
    assert supervisor.gone() == "ground exited with code 1"
    supervisor.check()
    assert mission.restarts == [("day", True)]
    assert said[0].startswith(f"the ground (pid {dead.pid}) exited with code 1; the last lines")
    assert "    ground ERROR it broke" in said[0]
    assert said[1] == (
        "restarting the ground (restart 1 of 3 in 10 minutes) with `ground --resume --run-name day`"
    )


def test_a_ground_without_resume_is_restarted_into_a_new_archive_and_says_so(
    both_running: FakeMission,
) -> None:
    said: list[str] = []
    both_running.ground = ended(1)
    Supervisor(both_running, said.append, resumes=lambda: False).check()  # type: ignore[arg-type]
    assert both_running.restarts == [("day-restart1", False)]
    assert "it cannot resume a run (no --resume)" in said[1] and "day-restart1" in said[1]


def test_a_ground_that_keeps_dying_ends_the_run_after_three_restarts(
    both_running: FakeMission,
) -> None:
    both_running.ground = ended(1)
    supervisor = Supervisor(both_running, lambda text: None, resumes=lambda: True)  # type: ignore[arg-type]
    for _ in range(3):
        supervisor.check()
    with pytest.raises(ProcessLost, match="died 4 times within 10 minutes: not restarting"):
        supervisor.check()
    assert len(both_running.restarts) == 3


def test_a_dead_spacecraft_ends_the_run_quoting_its_log(both_running: FakeMission) -> None:
    both_running.flight.kill()
    both_running.flight.wait()
    supervisor = Supervisor(both_running, lambda text: None, resumes=lambda: True)  # type: ignore[arg-type]
    assert supervisor.gone() == "flightsw was killed by SIGKILL"
    with pytest.raises(ProcessLost) as lost:
        supervisor.check()
    assert "the spacecraft (flightsw, pid" in str(lost.value)
    assert "flightsw INFO flying" in str(lost.value)
    assert "nothing is left to fly" in str(lost.value)
    assert both_running.restarts == []
