"""The relay's numbering: what a client gets after a position, and what it missed."""

from __future__ import annotations

import msgspec

from ground.api import LinkChanged
from ground.web.relay import FeedRelay


def relay_with(count: int, keep: int = 100) -> FeedRelay:
    relay = FeedRelay("tcp://127.0.0.1:1", None, keep)  # never started: fed by hand
    for number in range(1, count + 1):
        relay.keep(LinkChanged(time_s=float(number), change="aos", text=""))
    return relay


def times(events: list[bytes]) -> list[float]:
    return [msgspec.json.decode(event)["time_s"] for event in events]


def test_events_after_a_position_come_in_order_up_to_the_limit() -> None:
    relay = relay_with(10)
    batch = relay.after(3, limit=4)
    assert times(batch.events) == [4.0, 5.0, 6.0, 7.0]
    assert batch.position == 7 and batch.missed == 0
    rest = relay.after(batch.position, limit=100)
    assert times(rest.events) == [8.0, 9.0, 10.0] and rest.position == 10
    assert relay.after(10, limit=100).events == []


def test_a_client_back_after_the_kept_window_is_told_what_it_missed() -> None:
    relay = relay_with(12, keep=5)  # positions 8 to 12 are kept
    batch = relay.after(2, limit=100)
    assert batch.missed == 5  # 3 to 7
    assert times(batch.events) == [8.0, 9.0, 10.0, 11.0, 12.0] and batch.position == 12
