"""Uplinked frames waiting for their arrival time: a bounded queue ordered by arrival.

The ground's envelope says when a frame reaches the antenna (docs/icd.md, "Transport"). The
rules, so that no envelope can block or swamp the telecommands after it:

- an arrival before mission time now is *clamped* to now, and counted (`late`): a realtime
  ground's clock follows the spacecraft's by a moment, so its frames can be due a little in the
  past, and they are still the operator's commands; refusing them would lose real commands,
  and handling them now keeps every frame at or after the last one taken;
- an arrival more than `MAX_AHEAD_S` after now is refused (`arrival_too_far`): no light time
  and transmitter backlog come near it, and a frame kept that long is a slot taken;
- at most `QUEUE_FRAMES` frames and `QUEUE_OCTETS` octets wait at once (`uplink_full`).

A NaN, ±inf or negative arrival never gets here (`flightsw.icd.envelope` refuses it), which is
what keeps the heap's order total.
"""

from __future__ import annotations

import heapq
import itertools

from flightsw.errors import FrameError
from flightsw.icd.margins import MAX_AHEAD_S

QUEUE_FRAMES = 20_000
"""Frames waiting for their arrival at once: far above what a light time of commands holds."""
QUEUE_OCTETS = 32 << 20
"""Octets waiting at once (32 MiB): 500 frames of the largest size, or a software image's
worth of chunks."""


class ArrivalQueue:
    """Frames keyed on arrival time, then on the order they came in (uplink order on ties)."""

    def __init__(self, frames: int = QUEUE_FRAMES, octets: int = QUEUE_OCTETS) -> None:
        self.max_frames = frames
        self.max_octets = octets
        self._heap: list[tuple[float, int, bytes]] = []
        self._order = itertools.count()
        self.octets = 0
        self.late = 0  # arrivals clamped to now

    def __len__(self) -> int:
        return len(self._heap)

    def push(self, frame: bytes, arrival_s: float, now_s: float) -> None:
        """Queue `frame` to arrive at `arrival_s` (clamped to `now_s`); FrameError if refused."""
        if arrival_s > now_s + MAX_AHEAD_S:
            raise FrameError(
                "arrival_too_far",
                f"arrival at {arrival_s:.6g} s is more than {MAX_AHEAD_S:g} s after mission "
                f"time {now_s:.6g} s",
            )
        if len(self._heap) >= self.max_frames or self.octets + len(frame) > self.max_octets:
            raise FrameError(
                "uplink_full",
                f"{len(self._heap)} frames ({self.octets} octets) already wait for their "
                f"arrival; at most {self.max_frames} frames and {self.max_octets} octets",
            )
        if arrival_s < now_s:
            arrival_s = now_s
            self.late += 1
        heapq.heappush(self._heap, (arrival_s, next(self._order), frame))
        self.octets += len(frame)

    def next_s(self) -> float | None:
        """When the next frame arrives; None if none waits."""
        return self._heap[0][0] if self._heap else None

    def pop(self) -> tuple[float, bytes]:
        """The next frame to arrive and its arrival time."""
        arrival_s, _, frame = heapq.heappop(self._heap)
        self.octets -= len(frame)
        return arrival_s, frame
