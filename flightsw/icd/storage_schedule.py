"""Message bodies of the onboard schedule (PUS 11) and onboard storage (PUS 15) services."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flightsw.icd.messages import Message, register
from flightsw.icd.packet import PacketType
from flightsw.icd.services import Service

# -- TC[11,x]: time-based schedule ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EnableSchedule(Message):
    """TC[11,1]: release activities when their time comes."""

    SERVICE = Service.SCHEDULING
    SUBTYPE = 1
    DIRECTION = PacketType.TC


@dataclass(frozen=True, slots=True)
class DisableSchedule(Message):
    """TC[11,2]: keep activities but release none (those due meanwhile wait)."""

    SERVICE = Service.SCHEDULING
    SUBTYPE = 2
    DIRECTION = PacketType.TC


@dataclass(frozen=True, slots=True)
class ResetSchedule(Message):
    """TC[11,3]: delete every activity."""

    SERVICE = Service.SCHEDULING
    SUBTYPE = 3
    DIRECTION = PacketType.TC


@dataclass(frozen=True, slots=True)
class InsertActivity(Message):
    """TC[11,4]: release the whole telecommand `tc` (a complete frame) at `release_s`."""

    SERVICE = Service.SCHEDULING
    SUBTYPE = 4
    DIRECTION = PacketType.TC
    release_s: float
    tc: bytes


@dataclass(frozen=True, slots=True)
class DeleteActivity(Message):
    """TC[11,5]: delete one activity by its id."""

    SERVICE = Service.SCHEDULING
    SUBTYPE = 5
    DIRECTION = PacketType.TC
    id: int


@dataclass(frozen=True, slots=True)
class TimeShiftSchedule(Message):
    """TC[11,15]: move every activity by `shift_s` (negative: earlier)."""

    SERVICE = Service.SCHEDULING
    SUBTYPE = 15
    DIRECTION = PacketType.TC
    shift_s: float


@dataclass(frozen=True, slots=True)
class ReportSchedule(Message):
    """TC[11,9]: report every activity (answered by TM[11,10])."""

    SERVICE = Service.SCHEDULING
    SUBTYPE = 9
    DIRECTION = PacketType.TC


@dataclass(frozen=True, slots=True)
class ScheduleReport(Message):
    """TM[11,10]: the schedule: `enabled`, and per activity id, release_s, apid, seq, what."""

    SERVICE = Service.SCHEDULING
    SUBTYPE = 10
    DIRECTION = PacketType.TM
    enabled: bool
    activities: list[dict[str, Any]] = field(default_factory=list)


# -- TC/TM[15,x]: onboard storage ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DumpStore(Message):
    """TC[15,9]: downlink what the recorder holds between `start_s` and `end_s` (mission time)."""

    SERVICE = Service.STORAGE
    SUBTYPE = 9
    DIRECTION = PacketType.TC
    start_s: float
    end_s: float


@dataclass(frozen=True, slots=True)
class DeleteStore(Message):
    """TC[15,11]: delete what the recorder holds from before `before_s`."""

    SERVICE = Service.STORAGE
    SUBTYPE = 11
    DIRECTION = PacketType.TC
    before_s: float


@dataclass(frozen=True, slots=True)
class ReportStore(Message):
    """TC[15,12]: report the recorder's fill state (answered by TM[15,13])."""

    SERVICE = Service.STORAGE
    SUBTYPE = 12
    DIRECTION = PacketType.TC


@dataclass(frozen=True, slots=True)
class StoreStatus(Message):
    """TM[15,13]: frames held, capacity, frames overwritten since start, time span held."""

    SERVICE = Service.STORAGE
    SUBTYPE = 13
    DIRECTION = PacketType.TM
    stored: int
    capacity: int
    overwritten: int
    oldest_s: float | None = None
    newest_s: float | None = None


@dataclass(frozen=True, slots=True)
class StoredFrames(Message):
    """TM[15,16]: recorded frames played back, each a complete TM frame as it was first sent.

    `part` counts from 1 to `parts` within one dump, so the ground knows when a dump is whole.
    """

    SERVICE = Service.STORAGE
    SUBTYPE = 16
    DIRECTION = PacketType.TM
    part: int
    parts: int
    frames: list[bytes] = field(default_factory=list)


for _cls in (EnableSchedule, DisableSchedule, ResetSchedule, InsertActivity, DeleteActivity,
             TimeShiftSchedule, ReportSchedule, ScheduleReport, DumpStore, DeleteStore, ReportStore,
             StoreStatus, StoredFrames):  # fmt: skip
    register(_cls)
