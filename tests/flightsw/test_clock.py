"""Mission clocks: stepped time that refuses to run backwards, realtime paced on absolute deadlines."""

from __future__ import annotations

import time

import pytest

from flightsw.clock import RealtimeClock, SteppedClock
from flightsw.errors import ClockError


class FakeWall:
    """A wall clock the test moves by hand."""

    def __init__(self) -> None:
        self.now_s = 1000.0

    def __call__(self) -> float:
        return self.now_s


def test_stepped_clock_moves_only_when_advanced() -> None:
    clock = SteppedClock()
    assert clock.now_s() == 0.0
    clock.advance_to(450.0)
    assert clock.now_s() == 450.0
    assert clock.wall_wait_s(500.0) is None  # it will never get there by itself


def test_stepped_clock_refuses_to_go_backwards() -> None:
    clock = SteppedClock(10.0)
    with pytest.raises(ClockError, match="cannot go back"):
        clock.advance_to(9.0)


def test_realtime_clock_runs_at_its_rate() -> None:
    wall = FakeWall()
    clock = RealtimeClock(rate=60.0, wall_s=wall)
    wall.now_s += 2.0
    assert clock.now_s() == pytest.approx(120.0)


def test_realtime_deadline_wait_is_measured_from_the_epoch_not_the_last_tick() -> None:
    wall = FakeWall()
    clock = RealtimeClock(rate=10.0, wall_s=wall)
    wall.now_s += 0.35  # a late wake-up: mission time is 3.5 s
    # The next deadline (4 s) is 0.05 s of wall time away, not a full tick: no drift accumulates.
    assert clock.wall_wait_s(4.0) == pytest.approx(0.05)


def test_pause_freezes_mission_time_and_resume_continues_from_there() -> None:
    wall = FakeWall()
    clock = RealtimeClock(rate=2.0, wall_s=wall)
    wall.now_s += 5.0
    clock.pause()
    wall.now_s += 100.0
    assert clock.now_s() == pytest.approx(10.0)
    assert clock.wall_wait_s(11.0) is None
    clock.resume()
    wall.now_s += 1.0
    assert clock.now_s() == pytest.approx(12.0)


def test_changing_rate_keeps_mission_time_continuous() -> None:
    wall = FakeWall()
    clock = RealtimeClock(rate=1.0, wall_s=wall)
    wall.now_s += 10.0
    clock.set_rate(100.0)
    assert clock.now_s() == pytest.approx(10.0)
    wall.now_s += 1.0
    assert clock.now_s() == pytest.approx(110.0)


def test_a_rate_that_is_not_positive_is_refused() -> None:
    with pytest.raises(ClockError, match="positive"):
        RealtimeClock(rate=0.0)


def test_utc_at_a_mission_time_is_when_the_wall_clock_reaches_it_at_the_rate() -> None:
    wall = FakeWall()
    clock = RealtimeClock(rate=60.0, wall_s=wall)
    wall.now_s += 2.0  # mission time 120 s, now
    utc_now_s = time.time()

    # 600 mission seconds on are 480 mission seconds from now: 8 wall seconds at rate 60
    # (the tolerance is how long the test takes between its two readings of the system clock).
    assert clock.utc_at(600.0) == pytest.approx(utc_now_s + 8.0, abs=0.05)
    assert clock.utc_at(120.0) == pytest.approx(utc_now_s, abs=0.05)
    clock.pause()
    assert clock.utc_at(600.0) is None  # a paused clock reaches no time by itself
