"""The flight software's own PUS services: the time-based schedule (11) and onboard storage (15)."""

from __future__ import annotations

from typing import Any

import pykka

from flightsw.config.mission import EXECUTIVE
from flightsw.errors import CommandError, Rejection
from flightsw.executive.dispatcher import Dispatcher
from flightsw.executive.messages import (
    OutgoingPacket,
    RecorderDelete,
    RecorderStatus,
    RecorderWindow,
)
from flightsw.executive.schedule import Schedule
from flightsw.executive.supervisor import ASK_TIMEOUT_S
from flightsw.icd.errorcodes import ErrorCode
from flightsw.icd.messages import MAX_BODY_OCTETS, Message
from flightsw.icd.packet import Packet
from flightsw.icd.services import Severity, Stage
from flightsw.icd.storage_schedule import (
    DeleteActivity,
    DeleteStore,
    DisableSchedule,
    DumpStore,
    EnableSchedule,
    InsertActivity,
    ReportSchedule,
    ReportStore,
    ResetSchedule,
    ScheduleReport,
    StoredFrames,
    StoreStatus,
    TimeShiftSchedule,
)
from flightsw.subsystems.events import event

DUMP_PART_OCTETS = MAX_BODY_OCTETS - 2_000  # room for the msgpack framing around the frames


class OnboardServices:
    """Handle TC[11,x] and TC[15,x] for the dispatcher, on the executive's thread."""

    def __init__(
        self, dispatcher: Dispatcher, schedule: Schedule, downlink: pykka.ActorRef[Any], now_s: Any
    ) -> None:
        self.schedule = schedule
        self.downlink = downlink
        self.now_s = now_s  # a callable: the executive's current mission time
        self.dumps = 0
        scheduling: tuple[type[Message], ...] = (
            EnableSchedule, DisableSchedule, ResetSchedule, InsertActivity, DeleteActivity,
            TimeShiftSchedule, ReportSchedule,
        )  # fmt: skip
        storage: tuple[type[Message], ...] = (DumpStore, DeleteStore, ReportStore)
        for message_type in scheduling:
            dispatcher.register(message_type, self.scheduling)
        for message_type in storage:
            dispatcher.register(message_type, self.storage)
        self.executive_apid = dispatcher.executive_apid

    def scheduling(self, packet: Packet, message: Message, time_s: float) -> list[OutgoingPacket]:
        schedule = self.schedule
        try:
            match message:
                case EnableSchedule():
                    schedule.enabled = True
                case DisableSchedule():
                    schedule.enabled = False
                case ResetSchedule():
                    schedule.reset()
                case InsertActivity(release_s, tc):
                    activity = schedule.insert(release_s, tc, time_s)
                    text = f"activity {activity.id} scheduled for {activity.release_s:.3f} s (APID {activity.apid} TC[{activity.service},{activity.subtype}])"
                    ev = event(
                        "activity_scheduled",
                        Severity.INFO,
                        text,
                        id=activity.id,
                        release_s=activity.release_s,
                    )
                    return [Dispatcher.event_packet(self.executive_apid, EXECUTIVE, ev, time_s)]
                case DeleteActivity(activity_id):
                    schedule.delete(activity_id)
                case TimeShiftSchedule(shift_s):
                    schedule.shift(shift_s, time_s)
                case ReportSchedule():
                    activities = [a.describe() for a in schedule.activities()]
                    return [
                        OutgoingPacket(
                            packet.apid, time_s, ScheduleReport(schedule.enabled, activities)
                        )
                    ]
        except CommandError as error:
            raise Rejection(Stage.START_FAILED, ErrorCode(error.code), error.reason) from None
        return []

    def storage(self, packet: Packet, message: Message, time_s: float) -> list[OutgoingPacket]:
        match message:
            case DumpStore(start_s, end_s):
                frames = self.downlink.ask(
                    RecorderWindow(start_s, end_s), block=True, timeout=ASK_TIMEOUT_S
                )
                self.dumps += 1
                return self._dump_packets(packet.apid, frames, time_s)
            case DeleteStore(before_s):
                deleted = self.downlink.ask(
                    RecorderDelete(before_s), block=True, timeout=ASK_TIMEOUT_S
                )
                text = f"{deleted} recorded frames from before {before_s:.1f} s deleted"
                return [
                    Dispatcher.event_packet(
                        self.executive_apid,
                        EXECUTIVE,
                        event("store_deleted", Severity.INFO, text),
                        time_s,
                    )
                ]
            case ReportStore():
                status = self.downlink.ask(RecorderStatus(), block=True, timeout=ASK_TIMEOUT_S)
                return [OutgoingPacket(packet.apid, time_s, StoreStatus(**status))]
        return []

    @staticmethod
    def _dump_packets(apid: int, frames: tuple[bytes, ...], time_s: float) -> list[OutgoingPacket]:
        """Pack recorded frames into as few TM[15,16] packets as fit the body limit."""
        parts: list[list[bytes]] = [[]]
        size = 0
        for frame in frames:
            if parts[-1] and size + len(frame) + 5 > DUMP_PART_OCTETS:
                parts.append([])
                size = 0
            parts[-1].append(frame)
            size += len(frame) + 5
        total = len(parts)
        return [
            OutgoingPacket(apid, time_s, StoredFrames(i, total, part), record=False)
            for i, part in enumerate(parts, start=1)
        ]
