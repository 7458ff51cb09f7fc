"""Message bodies of the onboard schedule (PUS 11) and onboard storage (PUS 15) services."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta, Struct, field

from flightsw.icd.fields import Apid, Count, Frame, MissionTime, Octet, Seconds, SequenceCount
from flightsw.icd.messages import Message, register
from flightsw.icd.packet import PacketType
from flightsw.icd.services import Service

ActivityId = Annotated[int, Meta(ge=1, extra={"words": "a whole number >= 1"})]
PartNumber = Annotated[int, Meta(ge=1, extra={"words": "a whole number >= 1"})]

# -- TC[11,x]: time-based schedule ---------------------------------------------------------------


class EnableSchedule(Message, frozen=True):
    """TC[11,1]: release activities when their time comes."""

    SERVICE = Service.SCHEDULING
    SUBTYPE = 1
    DIRECTION = PacketType.TC


class DisableSchedule(Message, frozen=True):
    """TC[11,2]: keep activities but release none (those due meanwhile wait)."""

    SERVICE = Service.SCHEDULING
    SUBTYPE = 2
    DIRECTION = PacketType.TC


class ResetSchedule(Message, frozen=True):
    """TC[11,3]: delete every activity."""

    SERVICE = Service.SCHEDULING
    SUBTYPE = 3
    DIRECTION = PacketType.TC


class InsertActivity(Message, frozen=True):
    """TC[11,4]: release the whole telecommand `tc` (a complete frame) at `release_s`."""

    SERVICE = Service.SCHEDULING
    SUBTYPE = 4
    DIRECTION = PacketType.TC
    release_s: MissionTime
    tc: Frame


class DeleteActivity(Message, frozen=True):
    """TC[11,5]: delete one activity by its id."""

    SERVICE = Service.SCHEDULING
    SUBTYPE = 5
    DIRECTION = PacketType.TC
    id: ActivityId


class TimeShiftSchedule(Message, frozen=True):
    """TC[11,15]: move every activity by `shift_s` (negative: earlier)."""

    SERVICE = Service.SCHEDULING
    SUBTYPE = 15
    DIRECTION = PacketType.TC
    shift_s: Seconds


class ReportSchedule(Message, frozen=True):
    """TC[11,9]: report every activity (answered by TM[11,10])."""

    SERVICE = Service.SCHEDULING
    SUBTYPE = 9
    DIRECTION = PacketType.TC


class ScheduledActivity(Struct, frozen=True):
    """One activity of a schedule report: its id, release time and what it will run."""

    id: ActivityId
    release_s: MissionTime
    apid: Apid
    seq: SequenceCount
    service: Octet
    subtype: Octet


class ScheduleReport(Message, frozen=True):
    """TM[11,10]: the schedule: `enabled`, and per activity id, release_s, apid, seq, what."""

    SERVICE = Service.SCHEDULING
    SUBTYPE = 10
    DIRECTION = PacketType.TM
    enabled: bool
    activities: list[ScheduledActivity] = field(default_factory=list)


# -- TC/TM[15,x]: onboard storage ----------------------------------------------------------------


class DumpStore(Message, frozen=True):
    """TC[15,9]: downlink what the recorder holds between `start_s` and `end_s` (mission time)."""

    SERVICE = Service.STORAGE
    SUBTYPE = 9
    DIRECTION = PacketType.TC
    start_s: Seconds
    end_s: Seconds


class DeleteStore(Message, frozen=True):
    """TC[15,11]: delete what the recorder holds from before `before_s`."""

    SERVICE = Service.STORAGE
    SUBTYPE = 11
    DIRECTION = PacketType.TC
    before_s: Seconds


class ReportStore(Message, frozen=True):
    """TC[15,12]: report the recorder's fill state (answered by TM[15,13])."""

    SERVICE = Service.STORAGE
    SUBTYPE = 12
    DIRECTION = PacketType.TC


class StoreStatus(Message, frozen=True):
    """TM[15,13]: frames held, capacity, frames overwritten since start, time span held."""

    SERVICE = Service.STORAGE
    SUBTYPE = 13
    DIRECTION = PacketType.TM
    stored: Count
    capacity: Count
    overwritten: Count
    oldest_s: MissionTime | None = None
    newest_s: MissionTime | None = None


class StoredFrames(Message, frozen=True):
    """TM[15,16]: recorded frames played back, each a complete TM frame as it was first sent.

    `part` counts from 1 to `parts` within one dump, so the ground knows when a dump is whole.
    """

    SERVICE = Service.STORAGE
    SUBTYPE = 16
    DIRECTION = PacketType.TM
    part: PartNumber
    parts: PartNumber
    frames: list[Frame] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.part > self.parts:
            raise ValueError(f"part — {self.part} is after the last part, {self.parts}")


for _cls in (EnableSchedule, DisableSchedule, ResetSchedule, InsertActivity, DeleteActivity,
             TimeShiftSchedule, ReportSchedule, ScheduleReport, DumpStore, DeleteStore, ReportStore,
             StoreStatus, StoredFrames):  # fmt: skip
    register(_cls)
