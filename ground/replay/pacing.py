"""Pacing of a replay: mission time against the wall clock at a chosen speed, without drift."""

from __future__ import annotations

import math
from collections.abc import Callable

from flightsw.clock import wall_time_s
from ground.errors import ReplayError

Wait = Callable[[float], None]
"""Wait up to this many wall seconds (a replay runtime polls its control socket meanwhile)."""


class Pacer:
    """Wall deadlines for mission times: `speed` mission seconds per wall second.

    Every deadline is measured from one anchor (the first mission time asked for and the wall
    time then), never from the previous wait, so time spent working between waits does not add
    up into drift. Speed 0 means as fast as possible: nothing is ever waited for.
    """

    def __init__(self, speed: float, wall_s: Callable[[], float] = wall_time_s) -> None:
        if not (speed >= 0 and math.isfinite(speed)):
            raise ReplayError(
                f"replay speed must be a finite number >= 0 (0: as fast as possible), got {speed}"
            )
        self.speed = speed
        self._wall_s = wall_s
        self._anchor: tuple[float, float] | None = None  # (mission_s, wall_s)

    def restart(self) -> None:
        """Anchor again at the next mission time asked for: a new segment starts its own."""
        self._anchor = None

    def deadline_s(self, mission_s: float) -> float | None:
        """The wall time at which `mission_s` is due; None at speed 0 (always due)."""
        if self.speed == 0:
            return None
        if self._anchor is None:
            self._anchor = (mission_s, self._wall_s())
        anchor_mission_s, anchor_wall_s = self._anchor
        return anchor_wall_s + (mission_s - anchor_mission_s) / self.speed

    def wait_s(self, mission_s: float) -> float:
        """Wall seconds still to wait before `mission_s` is due (0 when it is due already)."""
        deadline_s = self.deadline_s(mission_s)
        if deadline_s is None:
            return 0.0
        return max(0.0, deadline_s - self._wall_s())

    def wait_until(
        self, mission_s: float, wait: Wait, stopped: Callable[[], bool] = lambda: False
    ) -> bool:
        """Call `wait` until `mission_s` is due; False if `stopped` turned true meanwhile."""
        while (remaining_s := self.wait_s(mission_s)) > 0:
            if stopped():
                return False
            wait(remaining_s)
        return not stopped()
