"""The control API's replies: one per request, each with `ok`, and the one refusal.

On the wire a reply is a msgpack map whose first key is `ok`: true with the reply's fields, or
false with `error`, what was wrong and what to do, in the ground's words (`Refusal`).
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

from flightsw.icd import FaultSpec, Scalar, ScheduleReport, StoreStatus
from ground.api.records import (
    Alarm,
    AlarmEntry,
    AuditEntry,
    Command,
    Event,
    RuleStatus,
    Sample,
    TimelineItem,
)
from ground.api.status import GroundStatus
from ground.vocabulary import QueueState


class Reply(msgspec.Struct, frozen=True, kw_only=True):
    """What every answer has: `ok`, true."""

    ok: Literal[True] = True


class Refusal(msgspec.Struct, frozen=True, kw_only=True):
    """A request the ground did not carry out, and why (the reply to any request)."""

    ok: Literal[False] = False
    error: str
    reason: str = "declined"
    """The word the ground counts the refusal under (`ground.api.wire.CONTROL_REASONS`): why a
    request did not decode, `forbidden`, `revoked`, `declined` or `defect`."""


class Done(Reply, frozen=True, kw_only=True):
    """Carried out; nothing to tell (ack, shelve, shutdown)."""


class StatusReply(Reply, frozen=True, kw_only=True):
    status: GroundStatus


class DictionaryReply(Reply, frozen=True, kw_only=True):
    """The flight dictionary as the spacecraft serves it (docs/icd.md §9)."""

    dictionary: dict[str, Any]


class CommandReply(Reply, frozen=True, kw_only=True):
    """A command the ground sent, queued, refused or looked up."""

    command: Command


class CommandsReply(Reply, frozen=True, kw_only=True):
    commands: list[Command]


class QueueReply(Reply, frozen=True, kw_only=True):
    """The command queue after the request: its state, what it holds, what it just released."""

    state: QueueState
    held: list[Command]
    released: list[Command]


class TlmReply(Reply, frozen=True, kw_only=True):
    """The latest value of a parameter and its on-board time; both None if none has come."""

    name: str
    time_s: float | None
    value: Scalar | None

    @property
    def sample(self) -> Sample:
        return Sample(self.time_s, self.value)


class HistoryReply(Reply, frozen=True, kw_only=True):
    """Archived samples of a parameter, oldest first, of one segment of the run."""

    name: str
    samples: list[Sample]
    segment: int = 1


class EventsReply(Reply, frozen=True, kw_only=True):
    events: list[Event]
    segment: int = 1


class AlarmsReply(Reply, frozen=True, kw_only=True):
    """The active (unshelved) alarms, worst first, then oldest first."""

    alarms: list[Alarm]


class AlarmLogReply(Reply, frozen=True, kw_only=True):
    alarm_log: list[AlarmEntry]
    segment: int = 1


class RulesReply(Reply, frozen=True, kw_only=True):
    """Every rule of the mission, in the rules file's order, and where it stands."""

    rules: list[RuleStatus]


class FaultsReply(Reply, frozen=True, kw_only=True):
    """The fault catalogue by `subsystem.fault`."""

    faults: dict[str, FaultSpec]


class TimelineReply(Reply, frozen=True, kw_only=True):
    timeline: list[TimelineItem]
    segment: int = 1


class AuditReply(Reply, frozen=True, kw_only=True):
    audit: list[AuditEntry]
    segment: int = 1


class ExportReply(Reply, frozen=True, kw_only=True):
    """A page of an export: CSV text (its header on the first page), its rows, and whether
    more follow (ask again with `offset` moved on by `rows`)."""

    csv: str
    rows: int
    more: bool


class BlackoutReply(Reply, frozen=True, kw_only=True):
    """The blackout window now on the channel (mission s)."""

    start_s: float
    end_s: float


class ReceivedSchedule(msgspec.Struct, frozen=True):
    """The latest TM[11,10] schedule report and the mission time it reached the ground."""

    time_s: float
    report: ScheduleReport


class ReceivedStoreStatus(msgspec.Struct, frozen=True):
    """The latest TM[15,13] store status and the mission time it reached the ground."""

    time_s: float
    report: StoreStatus


class ReportsReply(Reply, frozen=True, kw_only=True):
    """The latest on-board reports the ground has received (None: none yet)."""

    schedule: ReceivedSchedule | None = None
    store: ReceivedStoreStatus | None = None


class TimeReply(Reply, frozen=True, kw_only=True):
    """The mission time at which the spacecraft did it (inject, clear, crash, pause, resume)."""

    time_s: float


class StepReply(Reply, frozen=True, kw_only=True):
    """A step done: the spacecraft's mission time after it, and the ground's status once every
    frame of the step is in."""

    time_s: float
    ground: GroundStatus


class RateReply(Reply, frozen=True, kw_only=True):
    rate: float


class TruthReply(Reply, frozen=True, kw_only=True):
    """The simulation's true state of a subsystem, as plain data (no telemetry shows it)."""

    time_s: float
    state: dict[str, Any]


class ResetReply(Reply, frozen=True, kw_only=True):
    """A new run has begun: its name and its archive."""

    run_name: str
    archive: str
