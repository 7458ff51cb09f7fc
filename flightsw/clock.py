"""Mission time: the one module that reads the wall clock.

Two clocks share the `Clock` interface. `SteppedClock` moves only when told to and refuses to go
backwards; tests and deterministic runs use it. `RealtimeClock` runs mission time at `rate`
times the wall clock, and is paced on absolute deadlines so that it never drifts.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from flightsw.errors import ClockError


class Clock(Protocol):
    """What the executive needs from time."""

    @property
    def stepped(self) -> bool: ...

    def now_s(self) -> float:
        """Mission seconds since the epoch."""
        ...

    def wall_wait_s(self, mission_deadline_s: float) -> float | None:
        """Wall seconds until `mission_deadline_s`; None when time will not get there by itself."""
        ...

    def advance_to(self, mission_s: float) -> None:
        """Note that the executive has reached `mission_s` (a stepped clock jumps there)."""
        ...


class SteppedClock:
    """Time that moves only when the executive advances it."""

    stepped = True

    def __init__(self, start_s: float = 0.0) -> None:
        self._now_s = start_s

    def now_s(self) -> float:
        return self._now_s

    def wall_wait_s(self, mission_deadline_s: float) -> float | None:
        return None

    def advance_to(self, mission_s: float) -> None:
        if mission_s < self._now_s:
            raise ClockError(f"stepped clock cannot go back from {self._now_s} s to {mission_s} s")
        self._now_s = mission_s


class RealtimeClock:
    """Mission time = anchor + rate × (wall − wall anchor); pause, resume and rate re-anchor it."""

    stepped = False

    def __init__(
        self, rate: float = 1.0, start_s: float = 0.0, wall_s: Callable[[], float] = time.monotonic
    ) -> None:
        if rate <= 0:
            raise ClockError(f"clock rate must be positive, got {rate}")
        self._wall_s = wall_s
        self._rate = rate
        self._anchor_mission_s = start_s
        self._anchor_wall_s = wall_s()
        self._paused = False

    @property
    def rate(self) -> float:
        return self._rate

    @property
    def paused(self) -> bool:
        return self._paused

    def now_s(self) -> float:
        if self._paused:
            return self._anchor_mission_s
        return self._anchor_mission_s + (self._wall_s() - self._anchor_wall_s) * self._rate

    def wall_wait_s(self, mission_deadline_s: float) -> float | None:
        if self._paused:
            return None
        return max(0.0, (mission_deadline_s - self.now_s()) / self._rate)

    def advance_to(self, mission_s: float) -> None:
        """Realtime clocks are driven by the wall; reaching a deadline changes nothing."""

    def utc_at(self, mission_s: float) -> float | None:
        """The UTC (POSIX seconds) at which this clock reads `mission_s`; None while paused.

        Sent with each truth message, so that the ground runs its clock as this one runs:
        processes on one host share the system clock to the microsecond, where anchoring on a
        truth's arrival would make the ground lag by however long the truth took to get there.
        """
        if self._paused:
            return None
        wall_s = self._anchor_wall_s + (mission_s - self._anchor_mission_s) / self._rate
        return time.time() - (self._wall_s() - wall_s)

    def pause(self) -> None:
        self._reanchor()
        self._paused = True

    def resume(self) -> None:
        self._reanchor()
        self._paused = False

    def set_rate(self, rate: float) -> None:
        if rate <= 0:
            raise ClockError(f"clock rate must be positive, got {rate}")
        self._reanchor()
        self._rate = rate

    def _reanchor(self) -> None:
        self._anchor_mission_s = self.now_s()
        self._anchor_wall_s = self._wall_s()


def wall_time_s() -> float:
    """Monotonic wall seconds, for measuring how long work takes (benchmarks, progress)."""
    return time.perf_counter()


def wall_s_at_utc(utc_s: float) -> float:
    """The `wall_time_s` reading at which the system clock read `utc_s` (POSIX seconds)."""
    return time.perf_counter() - (time.time() - utc_s)


def wall_stamp() -> str:
    """The wall-clock date and time as `YYYYmmdd-HHMMSS`, for naming a run's files."""
    return time.strftime("%Y%m%d-%H%M%S")


def wall_utc() -> str:
    """The wall-clock date and time in UTC, ISO 8601 to the second (`2030-01-01T12:00:00Z`), for
    saying in an archive when something happened that mission time cannot place."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
