"""`mission run`'s watch over its two processes: a dead ground comes back, a dead spacecraft ends.

A ground that dies is restarted on the same endpoints, a bounded number of times, with
`ground --resume --run-name RUN` so that it picks up the run (its archive, the spacecraft still
flying, the gap from the onboard recorder). A ground without `--resume` is restarted into a new
archive instead, and the terminal says so. A spacecraft that dies ends the run: there is
nothing left to fly, and the ground is stopped cleanly with everything it received.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from flightsw.clock import wall_time_s
from ground.cli import children
from ground.cli.launcher import Mission
from ground.errors import ClientError, LaunchError, ProcessLost

HELP_TIMEOUT_S = 60.0  # `ground --help` on a loaded machine


@dataclass(frozen=True, slots=True)
class RestartBudget:
    """A dead ground is restarted at most `limit` times within any `window_s` wall seconds.

    A ground that keeps dying (a bad disk, a defect met again on every start) must end the run
    with its log on the terminal, not restart forever and bury the cause.
    """

    limit: int = 3
    window_s: float = 600.0

    def recent(self, restarts_s: list[float], now_s: float) -> int:
        """How many of the restarts at `restarts_s` fall within the window ending `now_s`."""
        return sum(1 for when_s in restarts_s if now_s - when_s < self.window_s)

    def allows(self, restarts_s: list[float], now_s: float) -> bool:
        return self.recent(restarts_s, now_s) < self.limit

    def describe(self) -> str:
        return f"{self.limit} in {self.window_s / 60:g} minutes"


def ground_resumes(env: dict[str, str]) -> bool:
    """Whether the `ground` that `mission` starts takes `--resume` (asked of its `--help`)."""
    try:
        shown = subprocess.run(
            [sys.executable, "-m", "ground", "--help"],
            capture_output=True,
            text=True,
            env=env,
            timeout=HELP_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return "--resume" in shown.stdout


@dataclass
class Supervisor:
    """Check a mission's processes between the run's waits, and act on what died.

    `say` prints a line on `mission run`'s terminal; `resumes` tells whether the ground takes
    `--resume` (asked once, at the first restart).
    """

    mission: Mission
    say: Callable[[str], None]
    budget: RestartBudget = RestartBudget()
    resumes: Callable[[], bool] | None = None
    restarts_s: list[float] = field(default_factory=list)
    reported: set[int] = field(default_factory=set)  # pids whose end the terminal was told of
    _resumes: bool | None = None

    def gone(self) -> str | None:
        """Why the run cannot go on as it is (a process died); None while both run. A client's
        watch: a wait for the ground ends as soon as either process dies."""
        for name, process in (("flightsw", self.mission.flight), ("ground", self.mission.ground)):
            if process.poll() is not None:
                return f"{name} {children.exit_status(process.returncode)}"
        return None

    def check(self) -> None:
        """Restart a dead ground; raise ProcessLost when the run cannot go on.

        Raises:
            ProcessLost: the spacecraft died, or the ground died once more than its budget
                allows, or would not start again.
        """
        mission = self.mission
        flight = mission.flight
        if flight.poll() is not None:
            self.reported.add(flight.pid)
            raise ProcessLost(
                f"the spacecraft (flightsw, pid {flight.pid}) "
                f"{children.exit_status(flight.returncode)}; the last lines of its log "
                f"({mission.log_path('flightsw')}):\n{children.tail(mission.log_path('flightsw'))}\n"
                f"mission: nothing is left to fly: stopping the ground, which keeps everything it "
                f"received in {mission.archive_path}. Start a new run with `mission run CONFIG`"
            )
        if mission.ground.poll() is not None:
            self._restart_ground()

    def _restart_ground(self) -> None:
        mission = self.mission
        dead = mission.ground
        self.reported.add(dead.pid)
        self.say(
            f"the ground (pid {dead.pid}) {children.exit_status(dead.returncode)}; the last lines "
            f"of its log ({mission.log_path('ground')}):\n{children.tail(mission.log_path('ground'))}"
        )
        now_s = wall_time_s()
        if not self.budget.allows(self.restarts_s, now_s):
            raise ProcessLost(
                f"the ground has died {self.budget.limit + 1} times within "
                f"{self.budget.window_s / 60:g} minutes: not restarting it again. Stopping the "
                f"spacecraft; see the ground's log {mission.log_path('ground')}"
            )
        self.restarts_s.append(now_s)
        count = f"restart {self.budget.recent(self.restarts_s, now_s)} of {self.budget.describe()}"
        if self._ground_resumes():
            run_name = mission.run_name
            self.say(
                f"restarting the ground ({count}) with `ground --resume --run-name {run_name}`"
            )
        else:
            run_name = f"{mission.session_name}-restart{len(self.restarts_s)}"
            self.say(
                f"restarting the ground ({count}); it cannot resume a run (no --resume), so it "
                f"archives from now on into {run_name}"
            )
        try:
            mission.restart_ground(run_name, resume=self._ground_resumes())
        except (LaunchError, ClientError, OSError) as error:
            raise ProcessLost(f"the ground would not start again: {error}") from error
        self.say(f"the ground is back (pid {mission.ground.pid}); the run goes on")

    def _ground_resumes(self) -> bool:
        if self._resumes is None:
            ask = self.resumes or (lambda: ground_resumes(self.mission.env))
            self._resumes = ask()
        return self._resumes
