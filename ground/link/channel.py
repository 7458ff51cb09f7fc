"""The radio channel between ground and spacecraft, both directions, in mission time.

Light time is the one effect modelled so far: a frame that leaves at `t` arrives at
`t + one-way light time`, the light time being fixed by the config or taken from the true range
the spacecraft publishes on its truth feed. Delay is a queue keyed on delivery time, never a sleep,
so the channel is right at any clock rate and when stepped.
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass

from flightsw.config import Section
from flightsw.icd import MAX_MISSION_TIME_S as MAX_TIME_S
from flightsw.physics.constants import SPEED_OF_LIGHT_M_S

MAX_BLACKOUTS = 1000  # windows in a config; each frame is checked against every one
MAX_RATE_BYTES_S = 1e10  # a data rate in a config: 80 Gbit/s, far above any space link (0: none)


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


IN_FLIGHT_FRAMES = 200_000
"""Frames a delay line holds at once: the largest mission sends tens of frames a second, and
Mars' longest light time is 22 minutes (about 40 000 frames on their way)."""


class DelayLine:
    """Frames in flight in one direction, released in order of arrival once mission time
    reaches them (frames due together leave in the order they entered).

    A heap, not a queue in sending order: a frame's time is read from the frame, and one whose
    claimed time lies ahead of the rest must not hold back the frames behind it. At most
    `capacity` frames are held; `push` says False when full.
    """

    def __init__(self, capacity: int = IN_FLIGHT_FRAMES) -> None:
        self.capacity = capacity
        self._heap: list[tuple[float, int, InFlight]] = []
        self._order = itertools.count()
        self.entered = 0
        self.released = 0

    def __len__(self) -> int:
        return len(self._heap)

    def push(self, sent_s: float, due_s: float, payload: object) -> bool:
        """Hold a frame until `due_s`; False (nothing held) if the line is full."""
        if len(self._heap) >= self.capacity:
            return False
        heapq.heappush(self._heap, (due_s, next(self._order), InFlight(sent_s, due_s, payload)))
        self.entered += 1
        return True

    def release(self, now_s: float) -> Iterator[InFlight]:
        """Yield, in order, every frame due at or before `now_s`."""
        heap = self._heap
        while heap and heap[0][0] <= now_s + 1e-9:
            self.released += 1
            yield heapq.heappop(heap)[2]

    def next_due_s(self) -> float | None:
        return self._heap[0][0] if self._heap else None

    def last_due_s(self) -> float | None:
        """When the last frame now in flight arrives (None: nothing in flight)."""
        return max((due_s for due_s, _, _ in self._heap), default=None)


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
    given = channel.value("blackouts_s", [])
    if not isinstance(given, list) or len(given) > MAX_BLACKOUTS:
        raise channel.error(
            "blackouts_s", f"expected a list of at most {MAX_BLACKOUTS} [start_s, end_s] windows"
        )
    windows = []
    for index, window in enumerate(given):
        if (
            not isinstance(window, list)
            or len(window) != 2
            or not all(
                isinstance(v, int | float) and not isinstance(v, bool) and 0 <= v <= MAX_TIME_S
                for v in window
            )
            or not window[1] > window[0]
        ):
            raise channel.error(
                f"blackouts_s[{index}]",
                f"expected [start_s, end_s] in mission seconds from 0 to {MAX_TIME_S:.0f}, "
                f"end after start, found {window!r:.80}",
            )
        windows.append(Blackout(float(window[0]), float(window[1])))
    return Blackouts(windows)


@dataclass(frozen=True, slots=True)
class Passage:
    """What the channel did to one frame: when it arrives, and its octets as they arrive."""

    due_s: float
    frame: bytes


@dataclass(frozen=True, slots=True)
class ChannelConfig:
    """`[link.channel]` of a mission config; every effect is off unless configured."""

    loss_probability: float = 0.0
    bit_error_rate: float = 0.0
    downlink_rate_bytes_s: float = 0.0  # 0: unlimited
    uplink_rate_bytes_s: float = 0.0
    require_station_visibility: bool = False
    seed: int = 0

    @classmethod
    def from_section(cls, section: Section, seed: int) -> ChannelConfig:
        return cls(
            loss_probability=section.float("loss_probability", 0.0, minimum=0.0, maximum=1.0),
            bit_error_rate=section.float("bit_error_rate", 0.0, minimum=0.0, maximum=1e-2),
            downlink_rate_bytes_s=section.float(
                "downlink_rate_bytes_s", 0.0, minimum=0.0, maximum=MAX_RATE_BYTES_S, unit="B/s"
            ),
            uplink_rate_bytes_s=section.float(
                "uplink_rate_bytes_s", 0.0, minimum=0.0, maximum=MAX_RATE_BYTES_S, unit="B/s"
            ),
            require_station_visibility=section.bool("require_station_visibility", False),
            seed=seed,
        )


class Direction:
    """One direction of the link: its losses, bit errors and a transmitter that sends at a rate.

    Random draws come from one seeded generator consumed frame by frame in sending order, which
    is the same in every stepped run; with no loss and no bit errors nothing is drawn at all.
    """

    def __init__(
        self, loss_probability: float, bit_error_rate: float, rate_bytes_s: float, seed: int
    ) -> None:
        self.loss_probability = loss_probability
        self.bit_error_rate = bit_error_rate
        self.rate_bytes_s = rate_bytes_s
        self.random = random.Random(seed)
        self.busy_until_s = -math.inf
        self.lost = 0
        self.corrupted = 0
        self.backlog_s = 0.0

    def transmit(self, sent_s: float, frame: bytes) -> tuple[float, bytes] | None:
        """When the last bit leaves and what arrives, or None when the frame is lost."""
        if self.loss_probability and self.random.random() < self.loss_probability:
            self.lost += 1
            return None
        if self.bit_error_rate:
            bits = 8 * len(frame)
            if self.random.random() < 1.0 - (1.0 - self.bit_error_rate) ** bits:
                frame = flip_bit(frame, self.random.randrange(bits))
                self.corrupted += 1
        if not self.rate_bytes_s:
            return sent_s, frame
        start_s = max(sent_s, self.busy_until_s)  # wait for the frames queued before it
        self.busy_until_s = start_s + len(frame) / self.rate_bytes_s
        self.backlog_s = self.busy_until_s - sent_s
        return self.busy_until_s, frame


def flip_bit(frame: bytes, bit: int) -> bytes:
    corrupted = bytearray(frame)
    corrupted[bit // 8] ^= 0x80 >> (bit % 8)
    return bytes(corrupted)


class Channel:
    """Both directions of the radio link, in mission time.

    A frame's fate depends on when it was sent and on the frames sent before it, never on when
    the ground happens to handle it, so a stepped run with the same seed repeats exactly: the
    same losses, the same corrupted frames, the same queueing delays.
    """

    def __init__(
        self,
        light_time: LightTime,
        blackouts: Blackouts | None = None,
        config: ChannelConfig | None = None,
    ) -> None:
        self.light_time = light_time
        self.blackouts = blackouts or Blackouts()
        self.config = config or ChannelConfig()
        c = self.config
        self.downlink = Direction(
            c.loss_probability, c.bit_error_rate, c.downlink_rate_bytes_s, c.seed * 2 + 1
        )
        self.uplink = Direction(
            c.loss_probability, c.bit_error_rate, c.uplink_rate_bytes_s, c.seed * 2 + 2
        )
        self.range_m: float | None = None
        self.station_visible = True
        self.signal = True  # the spacecraft's radio signal closes the link (truth)
        self.heard = True  # station in view and a signal: the downlink gets through
        self.last_contact_s: float | None = None
        self.lost_to_los = 0

    def one_way_s(self) -> float:
        return self.light_time.one_way_s(self.range_m)

    def restart(self) -> None:
        """Another spacecraft flies: forget what the truth said of the last one (range, view,
        signal) and what its transmitters had queued; losses and corruptions stay counted."""
        self.range_m = None
        self.station_visible = True
        self.signal = True
        self.heard = True
        self.last_contact_s = None
        for direction in (self.downlink, self.uplink):
            direction.busy_until_s = -math.inf
            direction.backlog_s = 0.0

    def awaiting_range(self) -> bool:
        """Light time comes from the range, and no range has come yet."""
        return self.light_time.model == "range" and self.range_m is None

    def update(
        self,
        now_s: float,
        range_m: float | None,
        station_visible: bool | None = None,
        downlink_closes: bool | None = None,
    ) -> str | None:
        """Truth from the spacecraft; "aos" or "los" when the signal is acquired or lost (the
        station's view changes, the transmitter stops or starts, the link budget opens or
        closes)."""
        if range_m is not None:
            self.range_m = range_m
        if station_visible is not None and self.config.require_station_visibility:
            self.station_visible = station_visible
        if downlink_closes is not None:
            self.signal = downlink_closes
        change = None
        heard = self.station_visible and self.signal
        if heard != self.heard:
            change = "aos" if heard else "los"
            self.heard = heard
        if self.in_contact(now_s):
            self.last_contact_s = now_s
        return change

    def in_contact(self, time_s: float) -> bool:
        return self.heard and not self.blackouts.covers(time_s)

    def down(self, sent_s: float, frame: bytes) -> Passage | None:
        """A telemetry frame sent at `sent_s`: its arrival on the ground, or None if lost."""
        if not self.heard:
            self.lost_to_los += 1  # no station in view or no signal; the recorder still has it
            return None
        sent = self.downlink.transmit(sent_s, frame)
        if sent is None:
            return None
        due_s = sent[0] + self.one_way_s()
        if self.blackouts.covers(due_s):
            self.blackouts.lost_down += 1
            return None
        return Passage(due_s, sent[1])

    def up(self, sent_s: float, frame: bytes) -> Passage | None:
        """A telecommand sent at `sent_s`: its arrival onboard, or None if lost."""
        if self.blackouts.covers(sent_s) or not self.station_visible:
            self.blackouts.lost_up += 1  # sent into a blackout: it never arrives, and times out
            return None
        sent = self.uplink.transmit(sent_s, frame)
        if sent is None:
            return None
        return Passage(sent[0] + self.one_way_s(), sent[1])

    def status(self) -> dict[str, object]:
        return {
            "one_way_light_time_s": self.one_way_s(),
            "range_m": self.range_m,
            "station_visible": self.station_visible,
            "signal": self.signal,
            "last_contact_s": self.last_contact_s,
            "lost_down": self.blackouts.lost_down + self.downlink.lost + self.lost_to_los,
            "lost_up": self.blackouts.lost_up + self.uplink.lost,
            "corrupted_down": self.downlink.corrupted,
            "corrupted_up": self.uplink.corrupted,
            "downlink_backlog_s": self.downlink.backlog_s,
            "blackouts": [[w.start_s, w.end_s] for w in self.blackouts.windows],
        }
