"""The radio channel between ground and spacecraft, both directions, in mission time.

Light time is the one effect modelled so far: a frame that leaves at `t` arrives at
`t + one-way light time`, the light time being fixed by the config or taken from the true range
the spacecraft publishes on its truth feed. Delay is a queue keyed on delivery time, never a sleep,
so the channel is right at any clock rate and when stepped.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

from flightsw.config_section import Section
from flightsw.constants import SPEED_OF_LIGHT_M_S


@dataclass(frozen=True, slots=True)
class LightTime:
    """One-way light time: `fixed_s`, or range / c when the model is `range` and a range is known."""

    model: str
    fixed_s: float

    def one_way_s(self, range_m: float | None) -> float:
        if self.model == "range" and range_m is not None:
            return range_m / SPEED_OF_LIGHT_M_S
        return self.fixed_s


@dataclass(frozen=True, slots=True)
class InFlight:
    """Something on its way: when it left, when it arrives, and what it is (a parsed packet)."""

    sent_s: float
    due_s: float
    payload: object


class DelayLine:
    """Frames in flight in one direction, released in order once mission time reaches them.

    Frames enter in the order they were sent; with a light time that changes slowly (always
    slower than light) they are also due in that order, so a deque is enough.
    """

    def __init__(self) -> None:
        self._queue: deque[InFlight] = deque()
        self.entered = 0
        self.released = 0

    def __len__(self) -> int:
        return len(self._queue)

    def push(self, sent_s: float, due_s: float, payload: object) -> None:
        self._queue.append(InFlight(sent_s, due_s, payload))
        self.entered += 1

    def release(self, now_s: float) -> Iterator[InFlight]:
        """Yield, in order, every frame due at or before `now_s`."""
        queue = self._queue
        while queue and queue[0].due_s <= now_s + 1e-9:
            self.released += 1
            yield queue.popleft()

    def next_due_s(self) -> float | None:
        return self._queue[0].due_s if self._queue else None


@dataclass(frozen=True, slots=True)
class Blackout:
    """A mission-time window in which nothing gets through, in either direction."""

    start_s: float
    end_s: float

    def covers(self, time_s: float) -> bool:
        return self.start_s <= time_s < self.end_s


class Blackouts:
    """The blackout windows of a run: from the config, and added by the operator while it flies."""

    def __init__(self, windows: list[Blackout] | None = None) -> None:
        self.windows = sorted(windows or [], key=lambda w: w.start_s)
        self.lost_down = 0
        self.lost_up = 0

    def add(self, start_s: float, end_s: float) -> Blackout:
        if not end_s > start_s:
            raise ValueError(f"a blackout must end after it starts ({start_s:g} .. {end_s:g} s)")
        window = Blackout(start_s, end_s)
        self.windows = sorted([*self.windows, window], key=lambda w: w.start_s)
        return window

    def covers(self, time_s: float) -> bool:
        return any(window.covers(time_s) for window in self.windows)


def read_blackouts(channel: Section) -> Blackouts:
    """`blackouts_s = [[start, end], ...]` from a config's `[link.channel]` table."""
    windows = []
    for index, window in enumerate(channel.data.get("blackouts_s", [])):
        if (
            not isinstance(window, list)
            or len(window) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in window)
            or not window[1] > window[0]
        ):
            raise channel.error(
                f"blackouts_s[{index}]",
                f"expected [start_s, end_s] with end after start, found {window!r}",
            )
        windows.append(Blackout(float(window[0]), float(window[1])))
    return Blackouts(windows)
