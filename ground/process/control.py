"""The control API: what the console, scripts and tests may ask of the ground.

Requests and replies are the typed messages of `ground.api` (docs/icd.md, "Control API"), over
a ZeroMQ ROUTER socket. A request that does not decode is refused with what was wrong; each
request type has its handler, and whatever a handler raises becomes a refusal, so the ground
never stops for a bad request. Ops that need the spacecraft (step, inject, ...) are answered
once the spacecraft has answered, so a client simply waits for its reply.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

import msgspec

from flightsw.config import Operator
from flightsw.icd import (
    CommandError,
    DeleteActivity,
    DumpStore,
    FaultSpec,
    FrameError,
    RefusalReporter,
    ReportSchedule,
    ReportStore,
    simport,
)
from ground.api import (
    Acknowledge,
    AddBlackout,
    AlarmLogReply,
    AlarmsReply,
    AuditEntry,
    AuditReply,
    BlackoutAdded,
    BlackoutReply,
    ClearFault,
    CommandReply,
    CommandsReply,
    Crash,
    DeleteScheduled,
    DictionaryReply,
    Done,
    DumpRecorder,
    EventsReply,
    Export,
    ExportReply,
    FaultsReply,
    GetAlarmLog,
    GetAlarms,
    GetAudit,
    GetCommand,
    GetDictionary,
    GetEvents,
    GetFaults,
    GetHistory,
    GetReports,
    GetRules,
    GetStatus,
    GetTelemetry,
    GetTimeline,
    GetTruth,
    HistoryReply,
    InjectFault,
    ListCommands,
    Pause,
    QueueReply,
    RateReply,
    Refusal,
    Reply,
    ReportsReply,
    Request,
    RequestSchedule,
    RequestStoreStatus,
    Reset,
    ResetReply,
    Resume,
    RulesReply,
    Sample,
    SendCommand,
    SendPing,
    SetQueue,
    SetRate,
    Shelve,
    Shutdown,
    StatusReply,
    Step,
    StepReply,
    TimelineReply,
    TimeReply,
    TlmReply,
    TruthReply,
    Unshelve,
    decode_request,
)
from ground.errors import ControlError, GroundError
from ground.process.access import OPEN_API
from ground.process.authority import Respond, audited, forbidden, needs_audit
from ground.process.records import (
    alarm_record,
    archived_alarm_entry,
    archived_event,
    rule_status,
    timeline_items,
)
from ground.process.service import GroundService

Handler = Callable[[Any, Respond], None]
"""Carries out one type of request; answers through `respond`, now or once the spacecraft has."""
OnSimReply = Callable[[simport.SimReply], None]
"""Takes the spacecraft's typed answer to a sim-port request (docs/icd.md, "Sim port")."""
SimRequest = Callable[[simport.SimRequest, OnSimReply], None]
Stepper = Callable[[float, OnSimReply], None]
"""Steps the spacecraft and answers once every frame of the step is on the ground."""
OnReset = Callable[[ResetReply | Refusal], None]
Resetter = Callable[[str, OnReset], None]

Q = TypeVar("Q", bound=Request[Any])
R = TypeVar("R", bound=simport.SimReply)

log = logging.getLogger(__name__)


def immediate(answer: Callable[[Q], Reply]) -> Handler:
    """A handler for a request the ground answers at once, from what it holds."""

    def handle(request: Q, respond: Respond) -> None:
        respond(answer(request))

    return handle


def refusing(text: str) -> Handler:
    """A handler that refuses its request with `text`."""

    def refuse(request: Request[Any], respond: Respond) -> None:
        respond(Refusal(error=text))

    return refuse


class ControlApi:
    """Route control requests to the ground service, or through it to the spacecraft."""

    def __init__(
        self,
        service: GroundService,
        sim: SimRequest,
        step: Stepper,
        stop: Callable[[], None],
        reset: Resetter | None = None,
    ) -> None:
        self.service = service
        self.sim = sim
        self.step = step
        self.stop = stop
        self.reset = reset
        self.defects = RefusalReporter()  # a traceback per window, not per request
        self.caller = OPEN_API  # who asks what is being carried out (see `handle`)
        self.handlers: dict[type[Request[Any]], Handler] = {
            GetStatus: immediate(self._status),
            GetDictionary: immediate(self._dictionary),
            GetTelemetry: immediate(self._tlm),
            GetHistory: immediate(self._history),
            GetEvents: immediate(self._events),
            GetTimeline: immediate(self._timeline),
            GetAudit: immediate(self._audit),
            Export: immediate(self._export),
            GetReports: immediate(self._reports),
            GetAlarms: immediate(self._alarms),
            GetRules: immediate(self._rules),
            GetAlarmLog: immediate(self._alarm_log),
            Acknowledge: immediate(self._ack),
            Shelve: immediate(self._shelve),
            Unshelve: immediate(self._unshelve),
            SendCommand: immediate(self._cmd),
            SendPing: immediate(self._ping),
            GetCommand: immediate(self._command),
            ListCommands: immediate(self._commands),
            SetQueue: immediate(self._queue),
            RequestSchedule: immediate(self._schedule),
            DeleteScheduled: immediate(self._schedule_delete),
            DumpRecorder: immediate(self._dump),
            RequestStoreStatus: immediate(self._store),
            AddBlackout: immediate(self._blackout),
            GetFaults: immediate(self._faults),
            InjectFault: self._inject,
            ClearFault: self._clear,
            Crash: self._crash,
            GetTruth: self._truth,
            Step: self._step,
            Pause: self._pause,
            Resume: self._resume,
            SetRate: self._set_rate,
            Reset: self._reset,
            Shutdown: self._shutdown,
        }

    def handle(self, payload: bytes, respond: Respond, caller: Operator = OPEN_API) -> None:
        """Decode and carry out one request for `caller`; every outcome is a reply, never an
        exception. What goes beyond reading, and every refusal, is audited."""
        self.service.control_requests += 1
        record = self.service.record_audit
        try:
            request = decode_request(payload)
        except ControlError as error:
            self._refuse(error.reason, str(error), audited(record, caller, None, respond))
            return
        refusal = forbidden(caller, request)
        if refusal is not None:
            self._refuse("forbidden", refusal, audited(record, caller, request, respond))
            return
        if isinstance(request, Reset):
            # The run's archive ends with the reset: its row goes there, before it closes, and
            # the new run begins as a fresh one would.
            record(caller, request, f"asked: the run goes on as {request.run_name}")
        elif needs_audit(request):
            respond = audited(record, caller, request, respond)
        self.handle_request(request, respond, caller)

    def refuse_revoked(self, respond: Respond) -> None:
        """Refuse a request whose key was admitted but is no longer in the operators file."""
        self._refuse(
            "revoked",
            "your key has been revoked: it is no longer in the ground's operators file",
            respond,
        )

    def _refuse(self, reason: str, error: str, respond: Respond) -> None:
        self.service.control_refused[reason] += 1
        respond(Refusal(error=error, reason=reason))

    def handle_request(
        self, request: Request[Any], respond: Respond, caller: Operator = OPEN_API
    ) -> None:
        """Carry out a decoded request; a failure is answered, and a defect logged too."""
        self.caller = caller
        op = request.op()
        handler = self.handlers.get(type(request))
        if handler is None:
            self._refuse("declined", f"this ground does not serve {op!r}", respond)
            return
        try:
            handler(request, respond)
        except (GroundError, CommandError, FrameError, ValueError) as error:
            self._refuse("declined", str(error), respond)
        except Exception as error:  # a defect of the ground: say so, keep the archive running
            if self.defects.admit("defect", self.service.now_s):
                log.exception("control op %r failed", op)
            self._refuse(
                "defect",
                f"the ground failed to carry out {op!r} (a defect: "
                f"{type(error).__name__}); it keeps running, and its log has the traceback",
                respond,
            )

    # -- status and the archive ------------------------------------------------------------------

    def _status(self, request: GetStatus) -> StatusReply:
        return StatusReply(status=self.service.status())

    def _dictionary(self, request: GetDictionary) -> DictionaryReply:
        return DictionaryReply(dictionary=self.service.dictionary.raw)

    def _tlm(self, request: GetTelemetry) -> TlmReply:
        self.service.dictionary.check_parameter(request.name)
        latest = self.service.latest(request.name)
        if latest is None:
            return TlmReply(name=request.name, time_s=None, value=None)
        return TlmReply(name=request.name, time_s=latest[0], value=latest[1])

    def _segment(self, asked: int | None) -> int:
        """The segment a query answers from: the one asked for, else the one flying now."""
        return self.service.archive.segment if asked is None else asked

    def _history(self, request: GetHistory) -> HistoryReply:
        self.service.dictionary.check_parameter(request.name)
        segment = self._segment(request.segment)
        rows = self.service.archive.parameter_history(
            request.name, request.start_s, request.end_s, segment
        )
        return HistoryReply(
            name=request.name, samples=[Sample(t, v) for t, v in rows], segment=segment
        )

    def _events(self, request: GetEvents) -> EventsReply:
        segment = self._segment(request.segment)
        rows = self.service.archive.events(
            request.min_severity, request.start_s, request.end_s, segment=segment
        )
        return EventsReply(events=[archived_event(row) for row in rows], segment=segment)

    def _timeline(self, request: GetTimeline) -> TimelineReply:
        segment = self._segment(request.segment)
        rows = self.service.archive.timeline(request.start_s, request.end_s, segment)
        return TimelineReply(timeline=timeline_items(rows), segment=segment)

    def _audit(self, request: GetAudit) -> AuditReply:
        segment = self._segment(request.segment)
        rows = self.service.archive.audit(request.start_s, request.end_s, request.operator, segment)
        entries = [
            AuditEntry(
                time_s=row.time_s, utc=row.utc, operator=row.operator, role=row.role,
                action=row.action, request=row.request, outcome=row.outcome,
            )
            for row in rows
        ]  # fmt: skip
        return AuditReply(audit=entries, segment=segment)

    def _export(self, request: Export) -> ExportReply:
        text, rows, more = self.service.archive.export_page(
            request.what, request.offset, request.limit
        )
        return ExportReply(csv=text, rows=rows, more=more)

    def _reports(self, request: GetReports) -> ReportsReply:
        return ReportsReply(schedule=self.service.schedule_report, store=self.service.store_status)

    # -- alarms ----------------------------------------------------------------------------------

    def _alarms(self, request: GetAlarms) -> AlarmsReply:
        return AlarmsReply(alarms=[alarm_record(alarm) for alarm in self.service.alarms.active()])

    def _rules(self, request: GetRules) -> RulesReply:
        return RulesReply(rules=[rule_status(rule) for rule in self.service.rules.rules])

    def _alarm_log(self, request: GetAlarmLog) -> AlarmLogReply:
        """Every alarm transition (triggered, acknowledged, cleared, ...) in a time range."""
        segment = self._segment(request.segment)
        rows = self.service.archive.alarms(request.start_s, request.end_s, request.name, segment)
        return AlarmLogReply(alarm_log=[archived_alarm_entry(row) for row in rows], segment=segment)

    def _who(self, claimed: str) -> str:
        """The name archived for what the caller does: the one their key names, or on an open
        control API the one the client gave."""
        return claimed if self.caller is OPEN_API else self.caller.name

    def _ack(self, request: Acknowledge) -> Done:
        self.service.acknowledge(request.name, self._who(request.operator), request.comment)
        return Done()

    def _shelve(self, request: Shelve) -> Done:
        operator = self._who(request.operator)
        self.service.shelve(request.name, request.duration_s, operator, request.comment)
        return Done()

    def _unshelve(self, request: Unshelve) -> Done:
        self.service.unshelve(request.name, self._who(request.operator), request.comment)
        return Done()

    # -- commands --------------------------------------------------------------------------------

    def _cmd(self, request: SendCommand) -> CommandReply:
        tracked = self.service.commander.command(
            request.name,
            request.args,
            self._who(request.source),
            request.release_s,
            confirm=request.confirm,
        )
        return CommandReply(command=tracked.record())

    def _ping(self, request: SendPing) -> CommandReply:
        sent = self.service.commander.ping(request.target, self._who("operator"))
        return CommandReply(command=sent.record())

    def _command(self, request: GetCommand) -> CommandReply:
        command = self.service.commands.commands.get(request.id)
        if command is None:
            raise ControlError(
                f"no command with id {request.id} in memory; the archive has every command "
                "(export its `commands` table)"
            )
        return CommandReply(command=command.record())

    def _commands(self, request: ListCommands) -> CommandsReply:
        commands = self.service.commands.commands.values()
        return CommandsReply(commands=[command.record() for command in commands])

    def _queue(self, request: SetQueue) -> QueueReply:
        """Set the command queue's state, or `release` what it holds; show it either way."""
        commander = self.service.commander
        released = []
        if request.state is not None:
            released = commander.set_queue(request.state)
        elif request.release:
            released = commander.release()
        return QueueReply(
            state=commander.queue_state,
            held=[held.command.record() for held in commander.held],
            released=[command.record() for command in released],
        )

    def _schedule(self, request: RequestSchedule) -> CommandReply:
        sent = self.service.commander.service(
            "schedule_report", ReportSchedule(), self._who("operator")
        )
        return CommandReply(command=sent.record())

    def _schedule_delete(self, request: DeleteScheduled) -> CommandReply:
        sent = self.service.commander.service(
            "schedule_delete", DeleteActivity(request.id), self._who("operator")
        )
        return CommandReply(command=sent.record())

    def _dump(self, request: DumpRecorder) -> CommandReply:
        store_dump = DumpStore(request.start_s, request.end_s)
        return CommandReply(
            command=self.service.commander.service(
                "store_dump", store_dump, self._who("operator")
            ).record()
        )

    def _store(self, request: RequestStoreStatus) -> CommandReply:
        sent = self.service.commander.service("store_report", ReportStore(), self._who("operator"))
        return CommandReply(command=sent.record())

    def _blackout(self, request: AddBlackout) -> BlackoutReply:
        window = self.service.blackouts.add(request.start_s, request.end_s)
        self.service.publish(
            BlackoutAdded(time_s=self.service.now_s, start_s=window.start_s, end_s=window.end_s)
        )
        return BlackoutReply(start_s=window.start_s, end_s=window.end_s)

    # -- faults, through the sim port ------------------------------------------------------------

    def _faults(self, request: GetFaults) -> FaultsReply:
        faults = self.service.dictionary.faults
        return FaultsReply(
            faults={name: msgspec.convert(f, FaultSpec) for name, f in faults.items()}
        )

    def _inject(self, request: InjectFault, respond: Respond) -> None:
        subsystem, fault = request.subsystem, request.fault
        self.service.dictionary.check_fault(subsystem, fault)
        params = dict(request.params)

        def done(reply: simport.SimReply) -> None:
            def record() -> None:
                self.service.record_injection(subsystem, fault, "inject", params)

            self._settled(reply, respond, record)

        sent = simport.request("inject", subsystem=subsystem, fault=fault, params=params)
        self.sim(sent, done)

    def _clear(self, request: ClearFault, respond: Respond) -> None:
        subsystem, fault = request.subsystem, request.fault
        self.service.dictionary.check_fault(subsystem, fault)

        def done(reply: simport.SimReply) -> None:
            def record() -> None:
                self.service.record_injection(subsystem, fault, "clear", {})

            self._settled(reply, respond, record)

        self.sim(simport.request("clear", subsystem=subsystem, fault=fault), done)

    def _settled(
        self, reply: simport.SimReply, respond: Respond, record: Callable[[], None]
    ) -> None:
        """Once the frames a fault's injection made are on the ground, archive the injection
        (`record`) and answer.

        A step of zero seconds waits for them, as a step does for its own: otherwise they could
        be taken in before or during the next step, as it happens, judged with the link of that
        moment, and archived before or after the injection's row; a stepped run would not
        repeat. A realtime clock refuses the step, and the reply goes at once.
        """
        answer = _time_reply(reply)
        if isinstance(answer, Refusal):
            respond(answer)
            return

        def settled(_: simport.SimReply) -> None:
            record()
            respond(answer)

        self.step(0.0, settled)

    def _crash(self, request: Crash, respond: Respond) -> None:
        subsystem = request.subsystem

        def done(reply: simport.SimReply) -> None:
            answer = _time_reply(reply)
            if not isinstance(answer, Refusal):
                self.service.record_injection(subsystem, "software_crash", "inject", {})
            respond(answer)

        self.sim(simport.request("crash", subsystem=subsystem), done)

    def _truth(self, request: GetTruth, respond: Respond) -> None:
        def done(reply: simport.SimReply) -> None:
            respond(
                _from_sim(
                    reply,
                    simport.TruthReply,
                    lambda truth: TruthReply(time_s=truth.time_s, state=truth.state),
                )
            )

        self.sim(simport.request("truth", subsystem=request.subsystem), done)

    # -- the clock and the processes -------------------------------------------------------------

    def _step(self, request: Step, respond: Respond) -> None:
        def stepped(reply: simport.SimReply) -> None:
            respond(
                _from_sim(
                    reply,
                    simport.ClockReply,
                    lambda clock: StepReply(time_s=clock.time_s, ground=self.service.status()),
                )
            )

        self.step(request.seconds, stepped)

    def _pause(self, request: Pause, respond: Respond) -> None:
        self.sim(simport.PauseRequest(), lambda reply: respond(_time_reply(reply)))

    def _resume(self, request: Resume, respond: Respond) -> None:
        self.sim(simport.ResumeRequest(), lambda reply: respond(_time_reply(reply)))

    def _set_rate(self, request: SetRate, respond: Respond) -> None:
        def done(reply: simport.SimReply) -> None:
            respond(_from_sim(reply, simport.RateReply, lambda rate: RateReply(rate=rate.rate)))

        self.sim(simport.request("set_rate", rate=request.rate), done)

    def _reset(self, request: Reset, respond: Respond) -> None:
        if self.reset is None:
            raise ControlError("this ground cannot be reset")
        self.reset(request.run_name, respond)

    def _shutdown(self, request: Shutdown, respond: Respond) -> None:
        def done(_: object) -> None:
            respond(Done())
            if request.ground:
                self.stop()

        if request.spacecraft:
            self.sim(simport.ShutdownRequest(), done)
        else:
            done(None)


def _from_sim(
    reply: simport.SimReply, expected: type[R], answer: Callable[[R], Reply]
) -> Reply | Refusal:
    """The client's reply for what the spacecraft (or the runtime for it) answered: the
    refusal it gave, or `answer(reply)` when the reply is the one `expected`."""
    if isinstance(reply, expected):
        return answer(reply)
    if isinstance(reply, simport.Refused):
        return Refusal(error=reply.error)
    return Refusal(
        error=f"the spacecraft answered with a {type(reply).__name__}, not a {expected.__name__}"
    )


def _time_reply(reply: simport.SimReply) -> Reply | Refusal:
    return _from_sim(reply, simport.TimeReply, lambda done: TimeReply(time_s=done.time_s))
