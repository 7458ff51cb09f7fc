"""The onboard time-based schedule (PUS 11): time-tagged telecommands released at their time."""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from flightsw.errors import CommandError, FrameError
from flightsw.icd.errorcodes import ErrorCode
from flightsw.icd.margins import RELEASE_MARGIN_S
from flightsw.icd.packet import PacketType, decode
from flightsw.icd.storage_schedule import ScheduledActivity
from flightsw.time_grid import at_or_before

MAX_ACTIVITIES = 1000


@dataclass(frozen=True, order=True, slots=True)
class Activity:
    """A time-tagged telecommand waiting for its release time."""

    release_s: float
    id: int
    tc: bytes
    apid: int
    seq: int
    service: int
    subtype: int

    def describe(self) -> ScheduledActivity:
        return ScheduledActivity(
            self.id, self.release_s, self.apid, self.seq, self.service, self.subtype
        )


class Schedule:
    """Activities ordered by release time (ties by insertion), enabled or not."""

    def __init__(self) -> None:
        self._heap: list[Activity] = []
        self._next_id = 1
        self.enabled = True
        self.released = 0

    def __len__(self) -> int:
        return len(self._heap)

    def insert(self, release_s: float, tc: bytes, now_s: float) -> Activity:
        """Check and keep a time-tagged telecommand; raise CommandError(SCHEDULE_REJECTED) if not."""
        if release_s < now_s + RELEASE_MARGIN_S:
            raise CommandError(
                ErrorCode.SCHEDULE_REJECTED,
                f"release time {release_s:.3f} s is not at least {RELEASE_MARGIN_S:g} s after now ({now_s:.3f} s)",
            )
        if len(self._heap) >= MAX_ACTIVITIES:
            raise CommandError(
                ErrorCode.SCHEDULE_REJECTED, f"the schedule is full ({MAX_ACTIVITIES} activities)"
            )
        try:
            packet = decode(tc)
        except FrameError as error:
            raise CommandError(
                ErrorCode.SCHEDULE_REJECTED, f"the time-tagged command is malformed: {error}"
            ) from None
        if packet.packet_type is not PacketType.TC:
            raise CommandError(
                ErrorCode.SCHEDULE_REJECTED, "the time-tagged packet is not a telecommand"
            )
        activity = Activity(
            release_s, self._next_id, tc, packet.apid, packet.seq, packet.service, packet.subtype
        )
        self._next_id += 1
        heapq.heappush(self._heap, activity)
        return activity

    def delete(self, activity_id: int) -> None:
        kept = [a for a in self._heap if a.id != activity_id]
        if len(kept) == len(self._heap):
            raise CommandError(ErrorCode.BAD_ARGUMENT, f"no activity {activity_id} in the schedule")
        self._heap = kept
        heapq.heapify(self._heap)

    def reset(self) -> None:
        self._heap = []

    def shift(self, shift_s: float, now_s: float) -> None:
        if self._heap and min(a.release_s for a in self._heap) + shift_s < now_s + RELEASE_MARGIN_S:
            raise CommandError(
                ErrorCode.SCHEDULE_REJECTED,
                f"a shift of {shift_s:g} s would put an activity in the past",
            )
        self._heap = [
            Activity(a.release_s + shift_s, a.id, a.tc, a.apid, a.seq, a.service, a.subtype)
            for a in self._heap
        ]
        heapq.heapify(self._heap)

    def next_release_s(self) -> float | None:
        return self._heap[0].release_s if self._heap and self.enabled else None

    def pop_due(self, now_s: float) -> Activity | None:
        if self.enabled and self._heap and at_or_before(self._heap[0].release_s, now_s):
            self.released += 1
            return heapq.heappop(self._heap)
        return None

    def activities(self) -> list[Activity]:
        return sorted(self._heap)
