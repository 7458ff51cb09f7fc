"""The time grid: instants compared, and whole multiples of a period, with one tolerance.

Mission time moves by adding the executive's tick to the last tick's time, so an instant that
should fall on a multiple of a period (or on a deadline) can miss it by rounding errors. Summing
a 0.1 s tick for an hour leaves about 1e-9 s; for a day, about 1e-6 s (a 0.01 s tick, 7e-6 s).

- Comparing instants, and finding the multiple a time is on or past, allow `TOLERANCE_S`: far
  below the link's time resolution (CUC fine time, 15 µs) and any tick (at least 10 ms), far
  above the rounding of one sum.
- Which tick of a rate group a tick is counts whole ticks instead, rounded to the nearest: a sum
  of ticks drifts by far less than half a tick, so the count never slips however long the run.
"""

from __future__ import annotations

import math

TOLERANCE_S = 1e-9  # two instants closer than this are the same instant


def at_or_before(time_s: float, limit_s: float) -> bool:
    """Whether `time_s` comes no later than `limit_s`, to within the tolerance."""
    return time_s <= limit_s + TOLERANCE_S


def periods_elapsed(time_s: float, period_s: float) -> int:
    """Whole periods from mission time 0 to `time_s` (reaching a multiple within the tolerance
    counts as reaching it)."""
    return math.floor((time_s + TOLERANCE_S) / period_s)


def last_multiple(time_s: float, period_s: float) -> float:
    """The latest whole multiple of `period_s` at or before `time_s`."""
    return periods_elapsed(time_s, period_s) * period_s


def next_multiple(time_s: float, period_s: float) -> float:
    """The first whole multiple of `period_s` after `time_s` (one at `time_s` does not count)."""
    return (periods_elapsed(time_s, period_s) + 1) * period_s


def crosses_multiple(start_s: float, end_s: float, period_s: float) -> bool:
    """Whether a whole multiple of `period_s` falls in (`start_s`, `end_s`].

    For a step from one tick to the next: whether this tick is the first at or after a multiple,
    which is how a period that is not a whole number of ticks still gets one report each.
    """
    return periods_elapsed(end_s, period_s) != periods_elapsed(start_s, period_s)


def ticks_in(duration_s: float, tick_s: float) -> int:
    """Whole ticks in `duration_s`, to the nearest: a rate group's period in ticks, or, for a
    tick's time, that tick's number counted from mission time 0."""
    return round(duration_s / tick_s)


def is_whole_ticks(period_s: float, tick_s: float) -> bool:
    """Whether `period_s` is a whole number of ticks of `tick_s`, to within the tolerance."""
    return abs(period_s - ticks_in(period_s, tick_s) * tick_s) <= TOLERANCE_S


def starts_period(tick: int, ticks_per_period: int) -> bool:
    """Whether tick number `tick` falls on a multiple of a period of `ticks_per_period` ticks.

    Counted in ticks (`ticks_in`), not compared in seconds, so a rate group keeps stepping on
    its grid however far the sum of ticks has drifted from the exact multiple.
    """
    return tick % ticks_per_period == 0
