"""The arrival queue: ordered by arrival, late ones clamped to now, far ones and floods refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flightsw.errors import FrameError
from flightsw.executive.arrivals import ArrivalQueue
from flightsw.icd import MAX_AHEAD_S


def test_frames_leave_in_arrival_order_and_in_the_order_they_came_on_ties() -> None:
    queue = ArrivalQueue()
    for frame, arrival_s in [(b"c", 3.0), (b"a", 1.0), (b"b1", 2.0), (b"b2", 2.0)]:
        queue.push(frame, arrival_s, now_s=0.0)
    assert [queue.pop() for _ in range(4)] == [(1.0, b"a"), (2.0, b"b1"), (2.0, b"b2"), (3.0, b"c")]


def test_an_arrival_before_now_is_clamped_to_now_and_counted() -> None:
    queue = ArrivalQueue()
    queue.push(b"late", 5.0, now_s=10.0)
    assert queue.pop() == (10.0, b"late")
    assert queue.late == 1


def test_an_arrival_more_than_a_day_ahead_is_refused() -> None:
    queue = ArrivalQueue()
    queue.push(b"ok", 10.0 + MAX_AHEAD_S, now_s=10.0)
    with pytest.raises(FrameError) as caught:
        queue.push(b"far", 10.0 + MAX_AHEAD_S + 1.0, now_s=10.0)
    assert caught.value.reason == "arrival_too_far"
    assert len(queue) == 1


def test_a_full_queue_refuses_by_frames_and_by_octets() -> None:
    queue = ArrivalQueue(frames=2, octets=10)
    queue.push(b"12345", 1.0, 0.0)
    with pytest.raises(FrameError, match="at most 2 frames and 10 octets"):
        queue.push(b"123456", 1.0, 0.0)  # 11 octets
    queue.push(b"1", 1.0, 0.0)
    with pytest.raises(FrameError) as caught:
        queue.push(b"1", 1.0, 0.0)  # a third frame
    assert caught.value.reason == "uplink_full"
    queue.pop()
    assert queue.octets == 1


@given(st.lists(st.floats(0.0, 5e4), max_size=50), st.floats(0.0, 5e4))
def test_what_leaves_is_never_before_now_nor_out_of_order(
    arrivals: list[float], now_s: float
) -> None:
    queue = ArrivalQueue()
    for index, arrival_s in enumerate(arrivals):
        queue.push(bytes([index % 256]), arrival_s, now_s)
    left = [queue.pop()[0] for _ in range(len(queue))]
    assert left == sorted(left) and all(time_s >= now_s for time_s in left)
