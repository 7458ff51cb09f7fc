"""The ground's mission time: anchored on the spacecraft's truth, run by the wall clock between.

Stepped, mission time is the time of the latest truth message applied: nothing else moves it.
In realtime it is `truth time + rate × wall seconds since that truth arrived`, re-anchored on
every truth, so it keeps running when the spacecraft falls silent: staleness rules fire,
verification windows close and frames on their way down are released at their due times.
It never goes backwards: when a truth is late (it sat on a socket), the clock holds where it is
until the truth's own reckoning passes it.

The wall clock is injected (`flightsw.clock.wall_time_s` in the process, a fake in tests).
"""

from __future__ import annotations

from collections.abc import Callable

WallClock = Callable[[], float]
"""Monotonic wall seconds."""


class GroundClock:
    """Mission time as the ground keeps it; see the module's docstring."""

    def __init__(
        self,
        wall_s: WallClock,
        *,
        stepped: bool,
        rate: float = 1.0,
        paused: bool = False,
        start_s: float = 0.0,
    ) -> None:
        """A clock at `start_s`; realtime unless `stepped`, at `rate` (> 0) mission s per wall s.

        The rate comes from the spacecraft's own typed replies, which hold it positive.
        """
        self._wall_s = wall_s
        self.stepped = stepped
        self._rate = rate
        self._paused = paused
        self._anchor_s = start_s
        self._anchor_wall_s = wall_s()
        self._now_s = start_s  # the latest time given out: never goes back

    @property
    def rate(self) -> float:
        return self._rate

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def running(self) -> bool:
        """Whether mission time moves with the wall clock (realtime and not paused)."""
        return not self.stepped and not self._paused

    def anchor(self, mission_s: float, arrived_wall_s: float) -> None:
        """A truth message of `mission_s`, taken off its socket at `arrived_wall_s`, was applied."""
        self._anchor_s = mission_s
        self._anchor_wall_s = arrived_wall_s
        self._now_s = max(self._now_s, mission_s)

    def now_s(self, hold: bool = False) -> float:
        """Mission seconds now; with `hold` the clock stays where it is (frames on the wire)."""
        if self.running and not hold:
            running_s = self._anchor_s + self._rate * (self._wall_s() - self._anchor_wall_s)
            self._now_s = max(self._now_s, running_s)
        return self._now_s

    def wall_wait_s(self, mission_deadline_s: float) -> float | None:
        """Wall seconds until `mission_deadline_s`; None while the clock does not run."""
        if not self.running:
            return None
        return max(0.0, (mission_deadline_s - self.now_s()) / self._rate)

    def pause(self, mission_s: float) -> None:
        """The spacecraft's clock stopped at `mission_s`: so does this one."""
        self.now_s()
        self._paused = True
        self._now_s = max(self._now_s, mission_s)

    def resume(self, mission_s: float) -> None:
        """The spacecraft's clock runs again from `mission_s`, now."""
        self._paused = False
        self.anchor(mission_s, self._wall_s())

    def set_rate(self, rate: float) -> None:
        """The spacecraft now flies at `rate` (> 0) mission seconds per wall second, from now."""
        self._anchor_s = self.now_s()
        self._anchor_wall_s = self._wall_s()
        self._rate = rate

    def follow(self, mission_s: float, rate: float, paused: bool) -> None:
        """What the spacecraft says of its clock (its status): `mission_s`, `rate`, `paused`."""
        if rate > 0 and rate != self._rate:  # (a stepped spacecraft says 0)
            self.set_rate(rate)
        if paused and not self._paused:
            self.pause(mission_s)
        elif self._paused and not paused:
            self.resume(mission_s)
