"""Replay pacing on a fake wall clock: absolute deadlines, no drift, speed 0 never waits."""

from __future__ import annotations

import pytest

from ground.errors import ReplayError
from ground.replay.pacing import Pacer


class FakeWall:
    """A wall clock that moves only when the test (or a fake wait) moves it."""

    def __init__(self, start_s: float = 1000.0) -> None:
        self.now_s = start_s
        self.waits_s: list[float] = []

    def __call__(self) -> float:
        return self.now_s

    def wait(self, timeout_s: float) -> None:
        self.waits_s.append(timeout_s)
        self.now_s += timeout_s


def test_the_first_mission_time_is_due_at_once_and_anchors_the_rest() -> None:
    wall = FakeWall()
    pacer = Pacer(speed=60.0, wall_s=wall)
    assert pacer.wait_s(120.0) == 0.0
    assert pacer.wait_s(180.0) == pytest.approx(1.0)  # 60 mission s at 60x: one wall second
    assert pacer.deadline_s(300.0) == pytest.approx(1003.0)  # 180 s after the anchor


def test_work_between_waits_does_not_drift_the_deadlines() -> None:
    wall = FakeWall()
    pacer = Pacer(speed=10.0, wall_s=wall)
    for mission_s in range(0, 101, 10):  # one wall second apart at 10x
        assert pacer.wait_until(float(mission_s), wall.wait)
        assert wall.now_s == pytest.approx(1000.0 + mission_s / 10.0)
        wall.now_s += 0.3  # handling the frame takes a third of the interval
    assert wall.waits_s == pytest.approx([0.7] * 10)  # not 1.0: the work is absorbed


def test_a_late_replay_catches_up_without_waiting() -> None:
    wall = FakeWall()
    pacer = Pacer(speed=1.0, wall_s=wall)
    pacer.wait_until(0.0, wall.wait)
    wall.now_s += 5.0  # five wall seconds of work: behind schedule
    for mission_s in (1.0, 2.0, 3.0, 4.0, 5.0):
        assert pacer.wait_s(mission_s) == 0.0
    assert pacer.wait_s(6.0) == pytest.approx(1.0)


def test_speed_0_never_waits() -> None:
    wall = FakeWall()
    pacer = Pacer(speed=0.0, wall_s=wall)
    for mission_s in (0.0, 1e3, 1e6):
        assert pacer.wait_s(mission_s) == 0.0
        assert pacer.wait_until(mission_s, wall.wait)
    assert pacer.deadline_s(5.0) is None
    assert wall.waits_s == []


def test_waiting_stops_once_the_replay_is_stopped() -> None:
    wall = FakeWall()
    pacer = Pacer(speed=1.0, wall_s=wall)
    pacer.wait_until(0.0, wall.wait)
    stops = iter([False, True])
    assert pacer.wait_until(100.0, lambda s: wall.wait(min(s, 0.2)), lambda: next(stops)) is False
    assert wall.waits_s == [0.2]


@pytest.mark.parametrize("speed", [-1.0, float("nan"), float("inf")])
def test_a_speed_that_is_not_a_finite_non_negative_number_is_refused(speed: float) -> None:
    with pytest.raises(ReplayError, match="replay speed must be a finite number >= 0"):
        Pacer(speed)
