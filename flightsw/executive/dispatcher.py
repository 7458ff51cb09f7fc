"""Telecommand routing and verification: every TC gets its TM[1,x] stages.

The dispatcher runs on the executive's thread, between ticks, so that a command's effect lands
at a definite point in mission time and the telemetry it causes comes out in a fixed order.
"""

from __future__ import annotations

import logging
from collections import Counter, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flightsw.config.mission import EXECUTIVE
from flightsw.errors import CommandError, FrameError, Rejection
from flightsw.executive.messages import (
    CommandReport,
    ExecuteCommand,
    GetHousekeeping,
    OutgoingPacket,
    SetHousekeepingPeriod,
)
from flightsw.executive.supervisor import Supervisor
from flightsw.executive.tc_security import TcAuthenticator
from flightsw.icd.dictionary import CommandSpec
from flightsw.icd.errorcodes import ErrorCode
from flightsw.icd.fields import TEXT_CHARS
from flightsw.icd.messages import (
    EventReport,
    Message,
    ParameterValues,
    PerformFunction,
    Ping,
    Pong,
    ReadParameters,
    SetReportInterval,
    Verification,
    decode_body,
)
from flightsw.icd.packet import Packet, PacketType, decode
from flightsw.icd.rekey import ACTIVATE_KEY, AUTHENTICATED_COMMANDS
from flightsw.icd.reporting import RefusalReporter
from flightsw.icd.services import Severity, Stage
from flightsw.subsystems.base import Request
from flightsw.subsystems.events import Event, event

log = logging.getLogger(__name__)

ACK_ACCEPTANCE = 0b1000
ACK_START = 0b0100
ACK_COMPLETION = 0b0001

# Handlers for the flight software's own services, registered by the executive (schedule, storage…)
ServiceHandler = Callable[[Packet, Message, float], "list[OutgoingPacket]"]


COMMAND_LOG_LENGTH = 500
MAX_REQUEST_DEPTH = 3


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One command carried out onboard, kept in the onboard command log."""

    time_s: float
    source: str  # "ground" or what asked for it (an FDIR action, the schedule)
    command: str
    ok: bool
    reason: str = ""


class Dispatcher:
    """Decode, check and route telecommands; report each verification stage."""

    def __init__(self, apids: dict[str, int], supervisor: Supervisor, executive_apid: int) -> None:
        self.supervisor = supervisor
        self.executive_apid = executive_apid
        self.names_by_apid = {apid: name for name, apid in apids.items()}
        self.service_handlers: dict[type[Message], ServiceHandler] = {}
        # Every refused frame is counted by reason; an event (and a log line) goes for the first
        # of each reason in a window, then one summary per window (flightsw.icd.reporting).
        self.refusals = RefusalReporter()
        self.failures = Counter[str]()  # by error code name
        # Each refused telecommand gets its TM[1,x]; the log says the first of each error code
        # in a window and then how many more, so a flood of them cannot fill the disk.
        self.failure_log = RefusalReporter()
        self.accepted = 0
        self.completed = 0
        self.failed = 0
        self.log: deque[LogEntry] = deque(maxlen=COMMAND_LOG_LENGTH)
        self.onboard_commands = 0
        # Set when telecommands must be authenticated ([security] authenticate).
        self.authenticator: TcAuthenticator | None = None

    def perform(
        self, requests: tuple[Request, ...], time_s: float, source: str, depth: int = 0
    ) -> list[OutgoingPacket]:
        """Carry out what subsystems asked for: onboard commands (FDIR actions) and reboots.

        A command may ask for more (safe mode's steps); `depth` bounds the chain so that a
        misconfigured action that triggers itself cannot loop.
        """
        out: list[OutgoingPacket] = []
        for request in requests:
            apid = self.apid_of(request.target)
            if request.target not in self.supervisor.members:
                text = f"{source} asked for {request.kind} of unknown subsystem {request.target}"
                out.append(
                    self.event_packet(
                        self.executive_apid,
                        EXECUTIVE,
                        event("onboard_request_refused", Severity.MEDIUM, text),
                        time_s,
                    )
                )
                continue
            if request.kind == "restart":
                out.append(
                    self.event_packet(
                        apid,
                        request.target,
                        self.supervisor.reboot(request.target, f"requested by {source}"),
                        time_s,
                    )
                )
                continue
            name = f"{request.target}.{request.name}"
            if depth >= MAX_REQUEST_DEPTH:
                report = CommandReport(
                    ok=False, reason=f"chain of onboard commands deeper than {MAX_REQUEST_DEPTH}"
                )
            else:
                report = self._onboard_command(request, time_s)
            self.onboard_commands += 1
            self.log.append(LogEntry(time_s, source, name, report.ok, report.reason))
            severity = Severity.INFO if report.ok else Severity.MEDIUM
            outcome = "done" if report.ok else f"failed: {report.reason}"
            text = f"onboard command {name} {dict(request.args) or ''} from {source} {outcome}".replace(
                "  ", " "
            )
            out.append(
                self.event_packet(
                    self.executive_apid,
                    EXECUTIVE,
                    event(
                        "onboard_command", severity, text, command=name, source=source, ok=report.ok
                    ),
                    time_s,
                )
            )
            out.extend(self.event_packet(apid, request.target, e, time_s) for e in report.events)
            out.extend(self.perform(report.requests, time_s, name, depth + 1))
        return out

    def _onboard_command(self, request: Request, time_s: float) -> CommandReport:
        try:
            self.supervisor.members[request.target].model.command_spec(request.name).validate(
                dict(request.args)
            )
        except CommandError as error:
            return CommandReport(ok=False, code=error.code, reason=error.reason)
        return self.supervisor.command(
            request.target, ExecuteCommand(request.name, request.args, time_s)
        )

    def apid_of(self, name: str) -> int:
        for apid, known in self.names_by_apid.items():
            if known == name:
                return apid
        return self.executive_apid

    def register(self, message_type: type[Message], handler: ServiceHandler) -> None:
        self.service_handlers[message_type] = handler

    def handle_uplinked(self, frame: bytes, time_s: float) -> list[OutgoingPacket]:
        """A frame off the uplink: opened and checked first when telecommands are
        authenticated (its MAC, then its sequence number), then handled as any frame."""
        if self.authenticator is not None:
            try:
                frame = self.authenticator.open(frame)
            except FrameError as error:
                return self.reject_frame(error.reason, error.detail, time_s)
        return self.handle_frame(frame, time_s)

    def handle_frame(
        self, frame: bytes, time_s: float, source: str = "ground"
    ) -> list[OutgoingPacket]:
        """Turn one uplinked frame into the telemetry it causes (never raises for bad input)."""
        try:
            packet = decode(frame)
        except FrameError as error:
            return self.reject_frame(error.reason, error.detail, time_s)
        if packet.packet_type is not PacketType.TC:
            return self.reject_frame(
                "not_a_telecommand", f"a TM packet (APID {packet.apid}) came up the uplink", time_s
            )
        return self.handle_packet(packet, time_s, source)

    def handle_packet(
        self, packet: Packet, time_s: float, source: str = "ground"
    ) -> list[OutgoingPacket]:
        out: list[OutgoingPacket] = []
        name = f"{self.names_by_apid.get(packet.apid, packet.apid)} TC[{packet.service},{packet.subtype}]"
        report_apid = packet.apid if packet.apid in self.names_by_apid else self.executive_apid
        try:
            message, target = self._accept(packet)
            if isinstance(message, PerformFunction):
                name = f"{target}.{message.command}"
            if packet.ack_flags & ACK_ACCEPTANCE:
                out.append(self._verification(report_apid, packet, Stage.ACCEPTED, time_s))
            self.accepted += 1
            if packet.ack_flags & ACK_START:
                out.append(self._verification(report_apid, packet, Stage.STARTED, time_s))
            out.extend(self._execute(packet, message, target, time_s))
            if packet.ack_flags & ACK_COMPLETION:
                out.append(self._verification(report_apid, packet, Stage.COMPLETED, time_s))
            self.completed += 1
            self.log.append(LogEntry(time_s, source, name, True))
        except Rejection as rejection:
            self.failed += 1
            self.log.append(LogEntry(time_s, source, name, False, rejection.reason))
            code_name = rejection.code.name.lower()
            self.failures[code_name] += 1
            if self.failure_log.admit(code_name, time_s):
                log.info("TC apid=%d seq=%d refused: %s", packet.apid, packet.seq, rejection.reason)
            out.append(
                self._verification(
                    report_apid, packet, rejection.stage, time_s, rejection.code, rejection.reason
                )
            )
        return out

    def _accept(self, packet: Packet) -> tuple[Message, str]:
        target = self.names_by_apid.get(packet.apid)
        if target is None:
            known = ", ".join(f"{n}={a}" for a, n in sorted(self.names_by_apid.items()))
            raise Rejection(
                Stage.ACCEPT_FAILED,
                ErrorCode.ILLEGAL_APID,
                f"no application on APID {packet.apid} (known: {known})",
            )
        try:
            message = decode_body(packet)
        except FrameError as error:
            code = (
                ErrorCode.UNKNOWN_SERVICE
                if error.reason == "unknown_service"
                else ErrorCode.BAD_BODY
            )
            raise Rejection(Stage.ACCEPT_FAILED, code, error.detail) from None
        if isinstance(message, PerformFunction):
            try:
                self._command_spec(target, message.command).validate(message.args)
            except CommandError as error:
                raise Rejection(Stage.ACCEPT_FAILED, ErrorCode(error.code), error.reason) from None
        return message, target

    def _command_spec(self, target: str, command: str) -> CommandSpec:
        """The spec of `target`'s command `command`; Rejection or CommandError if none."""
        if target == EXECUTIVE:
            return self._executive_spec(command)
        if target not in self.supervisor.members:
            raise Rejection(
                Stage.ACCEPT_FAILED,
                ErrorCode.UNKNOWN_COMMAND,
                f"{target} takes no TC[8,1] commands",
            )
        return self.supervisor.members[target].model.command_spec(command)

    def _executive_spec(self, command: str) -> CommandSpec:
        """The executive's command `command`, or Rejection: it has none by that name."""
        commands = AUTHENTICATED_COMMANDS if self.authenticator is not None else ()
        for spec in commands:
            if spec.name == command:
                return spec
        known = ", ".join(spec.name for spec in commands) or "none"
        raise Rejection(
            Stage.ACCEPT_FAILED,
            ErrorCode.UNKNOWN_COMMAND,
            f"the executive has no command {command!r} (its commands: {known})",
        )

    def _executive_command(
        self, apid: int, command: str, args: Mapping[str, Any], time_s: float
    ) -> list[OutgoingPacket]:
        """Carry out one of the executive's own commands (flightsw.icd.rekey)."""
        assert command == ACTIVATE_KEY.name and self.authenticator is not None  # as accepted
        spi = int(args["spi"])
        try:
            self.authenticator.activate(spi)
        except KeyError:
            known = ", ".join(str(k) for k in sorted(self.authenticator.keys))
            raise Rejection(
                Stage.START_FAILED,
                ErrorCode.BAD_ARGUMENT,
                f"no key with SPI {spi} onboard (its keys: {known})",
            ) from None
        except FrameError as error:  # the choice could not be stored: it is not made
            raise Rejection(
                Stage.COMPLETION_FAILED, ErrorCode.EXECUTION_FAILED, error.detail
            ) from None
        log.warning("rekey: telecommands are taken under SPI %d only from now on", spi)
        activated = event(
            "tc_key_activated",
            Severity.MEDIUM,
            f"telecommands are taken under SPI {spi} only from now on",
            spi=spi,
        )
        return [self.event_packet(apid, EXECUTIVE, activated, time_s)]

    def _execute(
        self, packet: Packet, message: Message, target: str, time_s: float
    ) -> list[OutgoingPacket]:
        apid = packet.apid
        match message:
            case Ping():
                return [OutgoingPacket(apid, time_s, Pong())]
            case PerformFunction(command, args) if target == EXECUTIVE:
                return self._executive_command(apid, command, args, time_s)
            case PerformFunction(command, args):
                report = self.supervisor.command(
                    target, ExecuteCommand(command, tuple(args.items()), time_s)
                )
                events = [self.event_packet(apid, target, e, time_s) for e in report.events]
                events.extend(self.perform(report.requests, time_s, f"{target}.{command}"))
                if not report.ok:
                    raise Rejection(
                        Stage.COMPLETION_FAILED,
                        ErrorCode(report.code or ErrorCode.EXECUTION_FAILED),
                        report.reason,
                    )
                return events
            case SetReportInterval(period_s):  # its range is the message's (docs/icd.md)
                if target not in self.supervisor.members:
                    raise Rejection(
                        Stage.START_FAILED,
                        ErrorCode.BAD_ARGUMENT,
                        f"{target} has no housekeeping period to set; address a subsystem APID",
                    )
                self.supervisor.members[target].hk_period_s = period_s
                self.supervisor.ask(target, SetHousekeepingPeriod(period_s))
                return []
            case ReadParameters(names):
                if target not in self.supervisor.members:
                    raise Rejection(
                        Stage.START_FAILED,
                        ErrorCode.NOT_ALLOWED,
                        f"{target} has no parameters to read",
                    )
                values = dict(self.supervisor.ask(target, GetHousekeeping()))
                unknown = [n for n in names if n not in values]
                if unknown:
                    raise Rejection(
                        Stage.START_FAILED,
                        ErrorCode.BAD_ARGUMENT,
                        f"unknown parameters {', '.join(unknown)}",
                    )
                chosen = {n: values[n] for n in names} if names else values
                return [OutgoingPacket(apid, time_s, ParameterValues(target, chosen))]
        handler = self.service_handlers.get(type(message))
        if handler is None:
            raise Rejection(
                Stage.ACCEPT_FAILED,
                ErrorCode.UNKNOWN_SERVICE,
                f"TC[{packet.service},{packet.subtype}] has no handler",
            )
        return handler(packet, message, time_s)

    def _verification(
        self,
        apid: int,
        packet: Packet,
        stage: Stage,
        time_s: float,
        code: int = 0,
        reason: str = "",
    ) -> OutgoingPacket:
        # A reason quoting what came up (unknown names, say) is clipped to what the ICD carries.
        clipped = reason[:TEXT_CHARS]
        return OutgoingPacket(
            apid, time_s, Verification(int(stage), packet.apid, packet.seq, int(code), clipped)
        )

    @property
    def frames_refused(self) -> Counter[str]:
        """Uplink frames refused, by reason (docs/icd.md, "Frames refused")."""
        return self.refusals.counts

    def reject_frame(self, reason: str, detail: str, time_s: float) -> list[OutgoingPacket]:
        """Count a refused uplink frame; a `tc_frame_refused` event if it is reported in full."""
        if not self.refusals.admit(reason, time_s):
            return []
        log.warning("uplink frame refused (%s): %s", reason, detail)
        refused = event(
            "tc_frame_refused",
            Severity.LOW,
            f"uplink frame refused: {reason}: {detail}",
            reason=reason,
        )
        return [self.event_packet(self.executive_apid, EXECUTIVE, refused, time_s)]

    def refusal_summaries(self, time_s: float) -> list[OutgoingPacket]:
        """At a tick: the summary of a refusal window that has closed, if some were held back."""
        failures = self.failure_log.summary(time_s)
        if failures is not None:
            log.info("telecommands refused: %s", failures.text())
        summary = self.refusals.summary(time_s)
        if summary is None:
            return []
        log.warning("uplink frames refused: %s", summary.text())
        summarised = event(
            "tc_frame_refusals",
            Severity.LOW,
            f"uplink frames refused: {summary.text()}",
            refused=summary.total,
            window_s=summary.end_s - summary.start_s,
            **dict(summary.by_reason),
        )
        return [self.event_packet(self.executive_apid, EXECUTIVE, summarised, time_s)]

    @staticmethod
    def event_packet(apid: int, subsystem: str, ev: Event, time_s: float) -> OutgoingPacket:
        return OutgoingPacket(
            apid,
            time_s,
            EventReport(
                int(ev.severity), subsystem, ev.name, ev.message[:TEXT_CHARS], ev.params_dict()
            ),
        )
