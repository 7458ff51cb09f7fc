"""Mission time as the console moves through it, for `wait`, `wait_check`, `schedule` and `dump`.

On a stepped clock the console advances time itself, in small steps, and re-checks between them;
on a realtime clock it follows time on the live feed. Neither ever sleeps on the wall clock: a
budget is always in mission seconds.
"""

from __future__ import annotations

from collections.abc import Callable

from ground.api import GetStatus, GroundClient, Step
from ground.console.watch import QUIET_REALTIME_MS, Feed
from ground.errors import ClientError

STEP_TIMEOUT_S = 3600.0


class MissionClock:
    """Advance (stepped) or follow (realtime) the mission clock behind a ground's control API."""

    def __init__(self, client: GroundClient, feed: Callable[[], Feed]) -> None:
        self.client = client
        self._feed = feed
        self._stepped: bool | None = None

    @property
    def stepped(self) -> bool:
        """Whether this run's clock is stepped; found once by asking for a step of 0 s."""
        if self._stepped is None:
            try:
                self.client.call(Step(0.0), timeout_s=STEP_TIMEOUT_S)
                self._stepped = True
            except ClientError as error:
                if "needs a stepped clock" not in str(error):
                    raise
                self._stepped = False
        return self._stepped

    def now_s(self) -> float:
        return self.client.call(GetStatus()).status.time_s

    def step(self, seconds: float) -> float:
        """Step a stepped clock; the reply comes once the step's telemetry is on the ground."""
        return self.client.call(Step(seconds), timeout_s=STEP_TIMEOUT_S).time_s

    def advance(self, seconds: float) -> float:
        """Let `seconds` of mission time pass; return the mission time after."""
        if self.stepped:
            return self.step(seconds)
        target_s = self.now_s() + seconds
        while (now_s := self.now_s()) < target_s:
            self._feed().wait(QUIET_REALTIME_MS)
        return now_s

    def until(self, holds: Callable[[], bool], budget_s: float, step_s: float) -> bool:
        """Re-check `holds` as mission time passes, for at most `budget_s` mission seconds.

        Stepped: step by `step_s` (a parameter's housekeeping period, say) between checks.
        Realtime: re-check whenever the live feed brings something, until the budget is spent.
        """
        if holds():
            return True
        end_s = self.now_s() + budget_s
        stepped = self.stepped
        while (now_s := self.now_s()) < end_s:
            if stepped:
                self.step(min(step_s, end_s - now_s))
            else:
                self._feed().wait(QUIET_REALTIME_MS)
            if holds():
                return True
        return False
