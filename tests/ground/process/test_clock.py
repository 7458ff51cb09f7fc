"""The ground's mission clock: anchored on truth, run by the wall clock between, never backwards."""

from __future__ import annotations

import pytest
from fakes import FakeWall

from ground.process.clock import GroundClock

RATE = 60.0  # mission seconds per wall second, as the shipped LEO missions fly


@pytest.fixture
def wall() -> FakeWall:
    return FakeWall()


def realtime(wall: FakeWall, start_s: float = 0.0) -> GroundClock:
    return GroundClock(wall, stepped=False, rate=RATE, start_s=start_s)


def test_a_stepped_clock_moves_only_with_truth(wall: FakeWall) -> None:
    clock = GroundClock(wall, stepped=True)
    clock.anchor(120.0, wall())
    wall.wait(30.0)
    assert clock.now_s() == 120.0
    assert clock.wall_wait_s(130.0) is None  # it will not get there by itself


def test_between_truths_mission_time_runs_at_the_rate_from_the_latest_truth(
    wall: FakeWall,
) -> None:
    clock = realtime(wall)
    clock.anchor(100.0, arrived_wall_s=wall())
    wall.wait(0.5)
    assert clock.now_s() == pytest.approx(130.0)
    clock.anchor(131.0, arrived_wall_s=wall())  # re-anchored on each truth
    wall.wait(0.25)
    assert clock.now_s() == pytest.approx(146.0)


def test_the_running_time_counts_from_when_a_truth_arrived_not_when_it_was_applied(
    wall: FakeWall,
) -> None:
    clock = realtime(wall)
    arrived_wall_s = wall()
    wall.wait(0.1)  # the truth waited for its frames
    clock.anchor(100.0, arrived_wall_s)
    assert clock.now_s() == pytest.approx(106.0)


def test_a_late_truth_never_takes_the_clock_back(wall: FakeWall) -> None:
    clock = realtime(wall)
    clock.anchor(100.0, wall())
    wall.wait(1.0)
    assert clock.now_s() == pytest.approx(160.0)
    clock.anchor(150.0, wall())  # the spacecraft runs slower than its rate
    assert clock.now_s() == pytest.approx(160.0)  # held, not taken back
    wall.wait(0.1)
    assert clock.now_s() == pytest.approx(160.0)  # 150 + 6 has not caught up yet
    wall.wait(0.1)
    assert clock.now_s() == pytest.approx(162.0)  # now the truth's own reckoning leads


def test_while_frames_are_on_the_wire_the_clock_holds(wall: FakeWall) -> None:
    clock = realtime(wall)
    clock.anchor(100.0, wall())
    wall.wait(0.5)
    assert clock.now_s(hold=True) == 100.0
    assert clock.now_s() == pytest.approx(130.0)  # released: it runs on from the truth


def test_a_silent_spacecraft_does_not_stop_the_clock(wall: FakeWall) -> None:
    clock = realtime(wall, start_s=40.0)
    wall.wait(3600.0 / RATE)
    assert clock.now_s() == pytest.approx(3640.0)


def test_a_paused_spacecraft_pauses_the_clock_and_resume_starts_it_again(wall: FakeWall) -> None:
    clock = realtime(wall)
    clock.anchor(100.0, wall())
    wall.wait(0.5)
    clock.pause(125.0)  # paused on board before the ground's reckoning got there
    assert clock.now_s() == pytest.approx(130.0)  # never back
    wall.wait(10.0)
    assert clock.now_s() == pytest.approx(130.0)
    assert clock.wall_wait_s(200.0) is None
    clock.resume(125.0)
    wall.wait(0.25)
    assert clock.now_s() == pytest.approx(140.0)


def test_a_new_rate_runs_from_the_time_it_is_set(wall: FakeWall) -> None:
    clock = realtime(wall)
    clock.anchor(100.0, wall())
    wall.wait(1.0)
    clock.set_rate(3600.0)
    wall.wait(1.0)
    assert clock.now_s() == pytest.approx(160.0 + 3600.0)


def test_the_spacecraft_status_sets_rate_and_pause(wall: FakeWall) -> None:
    clock = realtime(wall)
    clock.follow(10.0, rate=120.0, paused=True)
    assert (clock.rate, clock.paused, clock.running) == (120.0, True, False)
    clock.follow(10.0, rate=120.0, paused=False)
    wall.wait(0.5)
    assert clock.now_s() == pytest.approx(70.0)


def test_the_wall_wait_until_a_frame_falls_due(wall: FakeWall) -> None:
    clock = realtime(wall)
    clock.anchor(100.0, wall())
    assert clock.wall_wait_s(160.0) == pytest.approx(1.0)
    assert clock.wall_wait_s(90.0) == 0.0  # already due
