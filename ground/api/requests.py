"""The control API's requests: one frozen struct per op, its arguments typed and ranged.

On the wire a request is a msgpack map: `op` names it (the struct's tag) and the other keys are
its fields; a field with a default may be left out, an unknown one is refused. Each request
names the reply it gets (`Request[ReplyType]`, read back as `reply_type`), so a client's
`call(GetTelemetry(...))` is typed as returning a `TlmReply`, and the role it needs (`needs`):
reading is an observer's, commanding an operator's, the simulator a test conductor's.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Generic, TypeVar, get_args

import msgspec
from msgspec import Meta

from flightsw.config import Role
from ground.api.replies import (
    AlarmLogReply,
    AlarmsReply,
    AuditReply,
    BlackoutReply,
    CommandReply,
    CommandsReply,
    DictionaryReply,
    Done,
    EventsReply,
    ExportReply,
    FaultsReply,
    HistoryReply,
    QueueReply,
    RateReply,
    Reply,
    ReportsReply,
    ResetReply,
    RulesReply,
    StatusReply,
    StepReply,
    TimelineReply,
    TimeReply,
    TlmReply,
    TruthReply,
)
from ground.api.values import (
    Arguments,
    CommandId,
    EventSeverity,
    MissionTimeS,
    Name,
    QualifiedName,
    Rate,
    RowNumber,
    RunName,
    Segment,
    ShelveS,
    StepS,
    Text,
    TimeBoundS,
)
from ground.vocabulary import QueueState

R = TypeVar("R", bound=Reply)


class Request(msgspec.Struct, Generic[R], frozen=True, tag_field="op", forbid_unknown_fields=True):
    """A control request; subclasses are tagged with their op and name their reply type."""

    reply_type: ClassVar[type[Any]]
    needs: ClassVar[Role] = Role.OBSERVER  # the least role that may make this request

    def role(self) -> Role:
        """The least role that may make this request (some depend on their arguments)."""
        return self.needs

    def changes(self) -> bool:
        """Whether carrying it out changes the mission (what only reads needs no more than an
        observer, but for the simulator's truth)."""
        return self.role() is not Role.OBSERVER

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for base in getattr(cls, "__orig_bases__", ()):
            if get_args(base):
                cls.reply_type = get_args(base)[0]

    @classmethod
    def op(cls) -> str:
        """The op this request is on the wire."""
        return str(cls.__struct_config__.tag)


# -- time and status -----------------------------------------------------------------------------


class GetStatus(Request[StatusReply], frozen=True, tag="status"):
    """Mission time, the link, ingest counters, alarm and command counts."""


class Step(Request[StepReply], frozen=True, tag="step"):
    """Let `seconds` of mission time pass on a stepped clock; answered once its telemetry is in."""

    needs: ClassVar[Role] = Role.TEST_CONDUCTOR

    seconds: StepS


class Pause(Request[TimeReply], frozen=True, tag="pause"):
    """Pause a realtime clock."""

    needs: ClassVar[Role] = Role.TEST_CONDUCTOR


class Resume(Request[TimeReply], frozen=True, tag="resume"):
    """Resume a paused realtime clock."""

    needs: ClassVar[Role] = Role.TEST_CONDUCTOR


class SetRate(Request[RateReply], frozen=True, tag="set_rate"):
    """Run a realtime clock at `rate` mission seconds per wall second."""

    needs: ClassVar[Role] = Role.TEST_CONDUCTOR

    rate: Rate


class Reset(Request[ResetReply], frozen=True, tag="reset"):
    """Fly a new spacecraft from the config (stepped) and archive from now on as `run_name`."""

    needs: ClassVar[Role] = Role.TEST_CONDUCTOR

    run_name: RunName


class Shutdown(Request[Done], frozen=True, tag="shutdown"):
    """Stop the ground, and with `spacecraft` the spacecraft first; with `ground` false, only
    the spacecraft (a launcher then stops the ground once the spacecraft's process is gone, so
    the ground takes in every frame it sent)."""

    needs: ClassVar[Role] = Role.TEST_CONDUCTOR

    spacecraft: bool = False
    ground: bool = True


# -- telemetry, events and the archive -----------------------------------------------------------


class GetDictionary(Request[DictionaryReply], frozen=True, tag="dictionary"):
    """The flight dictionary: subsystems, commands, parameters and faults."""


class GetTelemetry(Request[TlmReply], frozen=True, tag="tlm"):
    """The latest value of a parameter the ground has received."""

    name: QualifiedName


class GetHistory(Request[HistoryReply], frozen=True, tag="history"):
    """Archived samples of a parameter, in a closed time range (None: open on that side), of
    one segment of the run (None: the one flying now)."""

    name: QualifiedName
    start_s: TimeBoundS | None = None
    end_s: TimeBoundS | None = None
    segment: Segment | None = None


class GetEvents(Request[EventsReply], frozen=True, tag="events"):
    """Archived events at `min_severity` or worse, in a time range of on-board time, of one
    segment (None: the one flying now)."""

    min_severity: EventSeverity = 1
    start_s: TimeBoundS | None = None
    end_s: TimeBoundS | None = None
    segment: Segment | None = None


class GetTimeline(Request[TimelineReply], frozen=True, tag="timeline"):
    """Events, commands, verifications, alarms and injections, in time order, of one segment
    (None: the one flying now)."""

    start_s: TimeBoundS | None = None
    end_s: TimeBoundS | None = None
    segment: Segment | None = None


class GetAudit(Request[AuditReply], frozen=True, tag="audit"):
    """Who asked for what beyond reading, and every refusal, in a time range, of one operator
    if `operator` is given, of one segment (None: the one flying now)."""

    start_s: TimeBoundS | None = None
    end_s: TimeBoundS | None = None
    operator: Name | None = None
    segment: Segment | None = None


EXPORT_PAGE_ROWS = 10_000  # rows of an export page: well under a message's 1 MiB for most tables


class Export(Request[ExportReply], frozen=True, tag="export"):
    """A page of a table of the archive, or of a parameter (`subsystem.name`), as CSV text for
    the client to keep: the ground writes nothing outside its data folder for a client."""

    what: Name
    offset: RowNumber = 0  # the first row of the page
    limit: Annotated[int, Meta(ge=1, le=EXPORT_PAGE_ROWS)] = EXPORT_PAGE_ROWS


class GetReports(Request[ReportsReply], frozen=True, tag="reports"):
    """The latest on-board schedule report and store status the ground has received."""


# -- alarms --------------------------------------------------------------------------------------


class GetAlarms(Request[AlarmsReply], frozen=True, tag="alarms"):
    """The active (unshelved) alarms."""


class GetRules(Request[RulesReply], frozen=True, tag="rules"):
    """Every rule, its state now, and a limit rule's bands (for limit colours and lines)."""


class GetAlarmLog(Request[AlarmLogReply], frozen=True, tag="alarm_log"):
    """Every step of the alarms' lives in a time range, of one alarm if `name` is given, of one
    segment (None: the one flying now)."""

    start_s: TimeBoundS | None = None
    end_s: TimeBoundS | None = None
    name: Name | None = None
    segment: Segment | None = None


class Acknowledge(Request[Done], frozen=True, tag="ack"):
    """Acknowledge alarm `name`."""

    needs: ClassVar[Role] = Role.OPERATOR

    name: Name
    operator: Name = "operator"
    comment: Text = ""


class Shelve(Request[Done], frozen=True, tag="shelve"):
    """Hide alarm `name` for `duration_s` mission seconds."""

    needs: ClassVar[Role] = Role.OPERATOR

    name: Name
    duration_s: ShelveS
    operator: Name = "operator"
    comment: Text = ""


class Unshelve(Request[Done], frozen=True, tag="unshelve"):
    """Show shelved alarm `name` again before its shelve runs out (an unshelved one: nothing)."""

    needs: ClassVar[Role] = Role.OPERATOR

    name: Name
    operator: Name = "operator"
    comment: Text = ""


# -- commands ------------------------------------------------------------------------------------


class SendCommand(Request[CommandReply], frozen=True, tag="cmd"):
    """Validate and uplink `subsystem.command`; with `release_s`, time-tag it (TC[11,4]).

    A hazardous command needs `confirm`. `source` is archived with the command.
    """

    needs: ClassVar[Role] = Role.OPERATOR

    name: QualifiedName
    args: Arguments = msgspec.field(default_factory=dict)
    source: Name = "operator"
    release_s: MissionTimeS | None = None
    confirm: bool = False


class SendPing(Request[CommandReply], frozen=True, tag="ping"):
    """TC[17,1] to an application (`executive` or a subsystem)."""

    needs: ClassVar[Role] = Role.OPERATOR

    target: Name = "executive"


class GetCommand(Request[CommandReply], frozen=True, tag="command"):
    """A command's state and verification stages."""

    id: CommandId


class ListCommands(Request[CommandsReply], frozen=True, tag="commands"):
    """Every command of this run, refused ones too."""


class SetQueue(Request[QueueReply], frozen=True, tag="queue"):
    """Show the command queue; set its `state`, or `release` what a blocked queue holds."""

    state: QueueState | None = None
    release: bool = False

    def role(self) -> Role:
        changes = self.state is not None or self.release
        return Role.OPERATOR if changes else Role.OBSERVER


class RequestSchedule(Request[CommandReply], frozen=True, tag="schedule"):
    """Ask the spacecraft for its schedule (TC[11,9]; the TM[11,10] report lands in `reports`)."""

    needs: ClassVar[Role] = Role.OPERATOR


class DeleteScheduled(Request[CommandReply], frozen=True, tag="schedule_delete"):
    """Delete a time-tagged activity on board by its id (TC[11,5])."""

    needs: ClassVar[Role] = Role.OPERATOR

    id: CommandId


class DumpRecorder(Request[CommandReply], frozen=True, tag="dump"):
    """Play back what the on-board recorder holds from `start_s` to `end_s` (TC[15,9])."""

    needs: ClassVar[Role] = Role.OPERATOR

    start_s: MissionTimeS
    end_s: MissionTimeS


class RequestStoreStatus(Request[CommandReply], frozen=True, tag="store"):
    """Ask for the on-board recorder's status (TC[15,12]; TM[15,13] lands in `reports`)."""

    needs: ClassVar[Role] = Role.OPERATOR


class AddBlackout(Request[BlackoutReply], frozen=True, tag="blackout"):
    """No link, either way, from `start_s` to `end_s` (mission s)."""

    needs: ClassVar[Role] = Role.TEST_CONDUCTOR

    start_s: MissionTimeS
    end_s: MissionTimeS


# -- faults and the simulator --------------------------------------------------------------------


class GetFaults(Request[FaultsReply], frozen=True, tag="faults"):
    """The fault catalogue."""


class InjectFault(Request[TimeReply], frozen=True, tag="inject"):
    """Inject `subsystem`'s `fault` with `params` (the catalogue's)."""

    needs: ClassVar[Role] = Role.TEST_CONDUCTOR

    subsystem: Name
    fault: Name
    params: Arguments = msgspec.field(default_factory=dict)


class ClearFault(Request[TimeReply], frozen=True, tag="clear"):
    """Clear an injected fault."""

    needs: ClassVar[Role] = Role.TEST_CONDUCTOR

    subsystem: Name
    fault: Name


class Crash(Request[TimeReply], frozen=True, tag="crash"):
    """Make a subsystem's actor raise on its next tick (a supervision test hook)."""

    needs: ClassVar[Role] = Role.TEST_CONDUCTOR

    subsystem: Name


class GetTruth(Request[TruthReply], frozen=True, tag="truth"):
    """The simulation's true state of a subsystem."""

    needs: ClassVar[Role] = Role.TEST_CONDUCTOR

    subsystem: Name

    def changes(self) -> bool:
        return False  # a test conductor's reading


REQUEST_TYPES: tuple[type[Request[Any]], ...] = (
    GetStatus, Step, Pause, Resume, SetRate, Reset, Shutdown,
    GetDictionary, GetTelemetry, GetHistory, GetEvents, GetTimeline, GetAudit, Export, GetReports,
    GetAlarms, GetRules, GetAlarmLog, Acknowledge, Shelve, Unshelve,
    SendCommand, SendPing, GetCommand, ListCommands, SetQueue, RequestSchedule, DeleteScheduled,
    DumpRecorder, RequestStoreStatus, AddBlackout,
    GetFaults, InjectFault, ClearFault, Crash, GetTruth,
)  # fmt: skip
"""Every request the control API serves."""

REQUEST_BY_OP: dict[str, type[Request[Any]]] = {kind.op(): kind for kind in REQUEST_TYPES}
