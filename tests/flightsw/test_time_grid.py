"""The time grid: instants within the tolerance are one, multiples survive the rounding of sums."""

from __future__ import annotations

from flightsw.time_grid import (
    TOLERANCE_S,
    at_or_before,
    crosses_multiple,
    is_whole_ticks,
    last_multiple,
    next_multiple,
    starts_period,
    ticks_in,
)


def summed(tick_s: float, count: int) -> float:
    """The time of tick `count`, summed one tick at a time as the executive sums it."""
    time_s = 0.0
    for _ in range(count):
        time_s += tick_s
    return time_s


def test_an_instant_within_the_tolerance_after_a_limit_counts_as_at_it() -> None:
    assert at_or_before(10.0, 10.0)
    assert at_or_before(10.0 + TOLERANCE_S / 2, 10.0)
    assert not at_or_before(10.0 + 2 * TOLERANCE_S, 10.0)


def test_the_next_multiple_is_after_the_instant_even_one_on_the_grid() -> None:
    assert next_multiple(25.0, 10.0) == 30.0
    assert next_multiple(30.0, 10.0) == 40.0
    assert next_multiple(30.0 - TOLERANCE_S / 2, 10.0) == 40.0  # a hair short is on it


def test_the_last_multiple_is_at_or_before_the_instant() -> None:
    assert last_multiple(12.3, 1.0) == 12.0
    assert last_multiple(12.0, 1.0) == 12.0
    assert last_multiple(0.0, 0.1) == 0.0


def test_thirty_tenth_second_ticks_are_on_the_three_second_multiple() -> None:
    three_s = summed(0.1, 30)
    assert three_s != 3.0  # 2.9999999999999996: the sum misses it
    assert last_multiple(three_s, 1.0) == 3.0
    assert next_multiple(three_s, 1.0) == 4.0
    assert crosses_multiple(summed(0.1, 29), three_s, 1.0)
    assert not crosses_multiple(three_s, summed(0.1, 31), 1.0)


def test_a_period_of_fractional_ticks_reports_on_the_first_tick_after_each_multiple() -> None:
    reporting = [t for t in range(1, 11) if crosses_multiple(t - 1.0, float(t), 2.5)]
    assert reporting == [3, 5, 8, 10]  # after 2.5, 5, 7.5 and 10 s


def test_a_rate_group_keeps_its_grid_after_a_day_of_tenth_second_ticks() -> None:
    count = 864_000
    time_s, starts = summed(0.1, count), []
    assert abs(time_s - 86_400.0) > 100 * TOLERANCE_S  # a day of sums is ~5e-7 s off the grid
    for _ in range(40):
        starts.append(starts_period(ticks_in(time_s, 0.1), ticks_in(1.0, 0.1)))
        time_s += 0.1
    assert starts == [index % 10 == 0 for index in range(count, count + 40)]


def test_a_period_is_whole_ticks_only_when_a_tick_divides_it() -> None:
    assert is_whole_ticks(10.0, 1.0)
    assert is_whole_ticks(0.3, 0.1)  # 3 × 0.1 is 0.30000000000000004
    assert is_whole_ticks(600.0, 0.01)
    assert not is_whole_ticks(1.5, 1.0)
    assert not is_whole_ticks(0.25, 0.1)
