"""The ground's work, without sockets: ingest, archive, rules, alarms, commanding and time.

The runtime feeds it frames and truth time and gives it two ways out (uplink and live feed);
everything here is plain method calls, so it is tested and benchmarked without a network.
"""

from __future__ import annotations

import logging
import struct
from collections.abc import Callable
from typing import Any

from flightsw.errors import FrameError
from flightsw.icd.messages import (
    EventReport,
    Housekeeping,
    Message,
    ParameterValues,
    PerformFunction,
    Ping,
    Pong,
    TimeReport,
    Verification,
)
from flightsw.icd.packet import Packet
from ground.alarms import AlarmManager, AlarmTransition
from ground.archive import Archive
from ground.channel import DelayLine, LightTime
from ground.commanding import CommandTracker, StageUpdate, TrackedCommand
from ground.dictionary import Dictionary
from ground.ingest import IngestChecks
from ground.rules import RuleEngine

log = logging.getLogger(__name__)

ARRIVAL = struct.Struct(">d")
Scalar = float | int | bool | str
Publish = Callable[[str, dict[str, Any]], None]
Uplink = Callable[[float, bytes], None]


class GroundService:
    """Everything mission control does with what comes down and what goes up."""

    def __init__(
        self,
        dictionary: Dictionary,
        archive: Archive,
        rules: RuleEngine,
        alarms: AlarmManager,
        light_time: LightTime,
        publish: Publish,
        uplink: Uplink,
    ) -> None:
        self.dictionary = dictionary
        self.archive = archive
        self.rules = rules
        self.alarms = alarms
        self.light_time = light_time
        self.publish = publish
        self.uplink = uplink
        self.names_by_apid = dictionary.names_by_apid
        self.checks = IngestChecks(self.names_by_apid)
        self.downlink = DelayLine()
        self.commands = CommandTracker()
        self.now_s = 0.0
        self.range_m: float | None = None
        self.latest: dict[str, tuple[float, Scalar]] = {}
        self.events_received = 0
        self.pongs: list[tuple[int, float]] = []
        self.last_frame_s: float | None = None

    # -- time ------------------------------------------------------------------------------------

    def one_way_light_time_s(self) -> float:
        return self.light_time.one_way_s(self.range_m)

    def advance(self, now_s: float, range_m: float | None = None) -> None:
        """Mission time has reached `now_s` (truth feed): deliver what is due, check what is late."""
        if range_m is not None:
            self.range_m = range_m
        if now_s < self.now_s:
            return
        self.now_s = now_s
        for in_flight in self.downlink.release(now_s):
            packet: Packet = in_flight.payload  # type: ignore[assignment]
            self._deliver(packet, in_flight.due_s)
        for update in self.commands.expire(now_s):
            self._stage(update)
        self._alarms(self.alarms.update(now_s, self.rules.tick(now_s)))

    # -- downlink --------------------------------------------------------------------------------

    def on_downlink_frame(self, frame: bytes) -> None:
        """A frame reached the antenna: check it now, deliver it after its light time."""
        try:
            packet = self.checks.parse(frame)
        except FrameError as error:
            self._refuse(frame, error, None)
            return
        due_s = packet.time_s + self.light_time.one_way_s(self.range_m)
        self.downlink.push(packet.time_s, due_s, (packet, frame))
        if due_s <= self.now_s:
            self.advance(self.now_s)

    def _refuse(self, frame: bytes, error: FrameError, packet: Packet | None) -> None:
        log.warning("downlink frame refused (%s): %s", error.reason, error.detail)
        self.archive.record_frame(
            self.now_s,
            frame,
            ok=False,
            reason=f"{error.reason}: {error.detail}",
            generated_s=packet.time_s if packet else None,
            apid=packet.apid if packet else None,
            seq=packet.seq if packet else None,
        )
        self.publish(
            "frame_refused", {"time_s": self.now_s, "reason": error.reason, "detail": error.detail}
        )

    def _deliver(self, item: tuple[Packet, bytes], received_s: float) -> None:
        packet, frame = item
        gap = self.checks.sequence(packet)
        if gap is not None:
            subsystem = self.names_by_apid.get(gap.apid, str(gap.apid))
            log.warning("sequence gap on %s: %d frames missing", subsystem, gap.missing)
            self.publish("gap", {"time_s": received_s, "apid": gap.apid, "missing": gap.missing})
        try:
            message = self.checks.body(packet)
        except FrameError as error:
            self._refuse(frame, error, packet)
            return
        self.last_frame_s = received_s
        self.archive.record_frame(
            received_s,
            frame,
            generated_s=packet.time_s,
            apid=packet.apid,
            seq=packet.seq,
            packet_type=int(packet.packet_type),
            service=packet.service,
            subtype=packet.subtype,
        )
        self._dispatch(packet, message, received_s)

    def _dispatch(self, packet: Packet, message: Message, received_s: float) -> None:
        match message:
            case Housekeeping(subsystem, params):
                self._housekeeping(subsystem, params, packet.time_s)
            case EventReport(severity, subsystem, name, text, params):
                self.events_received += 1
                self.archive.record_event(
                    packet.time_s, subsystem, name, severity, text, params, received_s=received_s
                )
                self.publish(
                    "event",
                    {"time_s": packet.time_s, "received_s": received_s, "subsystem": subsystem,
                     "name": name, "severity": severity, "message": text, "params": params},
                )  # fmt: skip
            case Verification():
                update = self.commands.on_verification(message, received_s)
                if update is not None:
                    self._stage(update)
            case Pong():
                self.pongs.append((packet.apid, received_s))
                self.publish("pong", {"apid": packet.apid, "time_s": received_s})
            case ParameterValues(subsystem, values):
                self._housekeeping(subsystem, values, packet.time_s)
            case TimeReport():
                pass  # the truth feed already gives the ground mission time

    def _housekeeping(self, subsystem: str, params: dict[str, Any], time_s: float) -> None:
        named = {f"{subsystem}.{name}": value for name, value in params.items()}
        self.archive.record_parameters(time_s, named)
        latest = self.latest
        for name, value in named.items():
            latest[name] = (time_s, value)
        self.publish("tm", {"time_s": time_s, "subsystem": subsystem, "params": params})
        transitions = self.rules.update(time_s, named)
        if transitions:
            self._alarms(self.alarms.update(time_s, transitions))

    def _alarms(self, transitions: list[AlarmTransition]) -> None:
        """Archive and publish alarm transitions (from rules or from an operator)."""
        for transition in transitions:
            data = transition.to_dict()
            self.archive.record_alarm(
                transition.time_s,
                transition.alarm,
                data["kind"],
                data["severity"],
                transition.condition,
                transition.value,
                operator=transition.operator or None,
                comment=transition.comment or None,
            )
            log.warning(
                "alarm %s %s (%s): %s",
                transition.alarm,
                data["kind"],
                data["severity"],
                transition.condition,
            )
            self.publish("alarm", {**data, "name": transition.alarm})

    # -- operator actions on alarms --------------------------------------------------------------

    def acknowledge(self, name: str, operator: str, comment: str = "") -> None:
        self._alarms(self.alarms.acknowledge(name, self.now_s, operator, comment))

    def shelve(self, name: str, duration_s: float, operator: str = "", comment: str = "") -> None:
        self._alarms(self.alarms.shelve(name, self.now_s, duration_s, operator, comment))

    # -- uplink ----------------------------------------------------------------------------------

    def send_command(
        self, full_name: str, args: dict[str, Any], source: str = "operator"
    ) -> TrackedCommand:
        """Validate, number, archive and uplink a subsystem command (TC[8,1])."""
        subsystem, _, checked = self.dictionary.validate(full_name, args)
        command = full_name.split(".", 1)[1]
        return self._send(
            full_name,
            self.dictionary.apids[subsystem],
            PerformFunction(command, checked),
            checked,
            source,
        )

    def send_ping(self, target: str = "executive", source: str = "operator") -> TrackedCommand:
        if target not in self.dictionary.apids:
            raise ValueError(
                f"no application {target!r} (known: {', '.join(self.dictionary.apids)})"
            )
        return self._send(f"{target}.ping", self.dictionary.apids[target], Ping(), {}, source)

    def _send(
        self, name: str, apid: int, message: Message, args: dict[str, Any], source: str
    ) -> TrackedCommand:
        one_way_s = self.one_way_light_time_s()
        seq, frame = self.commands.encode(apid, message)
        command_id = self.archive.record_command(
            self.now_s, name, args, apid=apid, seq=seq, status="sent", source=source
        )
        deadline_s = self.commands.deadline_s(self.now_s, 2 * one_way_s)
        tracked = TrackedCommand(command_id, name, args, apid, seq, self.now_s, deadline_s)
        self.commands.track(tracked)
        self.uplink(self.now_s + one_way_s, frame)
        self.publish("command", {**tracked.to_dict(), "stage": "sent", "time_s": self.now_s})
        log.info(
            "uplinked %s %s (apid %d seq %d), arrives onboard at %.3f s",
            name,
            args,
            apid,
            tracked.seq,
            self.now_s + one_way_s,
        )
        return tracked

    def _stage(self, update: StageUpdate) -> None:
        command = update.command
        self.archive.record_verification(
            command.id, update.time_s, update.stage, update.ok, update.code, update.reason
        )
        self.archive.update_command_status(command.id, command.status)
        self.publish(
            "command", {**command.to_dict(), "stage": update.stage, "time_s": update.time_s}
        )

    # -- faults ----------------------------------------------------------------------------------

    def record_injection(
        self, subsystem: str, fault: str, action: str, params: dict[str, Any]
    ) -> None:
        self.archive.record_injection(self.now_s, subsystem, fault, action, params)
        self.publish(
            "injection",
            {
                "time_s": self.now_s,
                "subsystem": subsystem,
                "fault": fault,
                "action": action,
                "params": params,
            },
        )

    # -- status ----------------------------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        return {
            "mission": self.dictionary.mission,
            "time_s": self.now_s,
            "one_way_light_time_s": self.one_way_light_time_s(),
            "range_m": self.range_m,
            "in_flight_down": len(self.downlink),
            "last_frame_s": self.last_frame_s,
            "ingest": self.checks.counters(),
            "events": self.events_received,
            "commands_pending": len(self.commands.pending()),
            "alarms_active": len(self.alarms.active()),
        }
