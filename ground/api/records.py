"""What the ground tells its clients about: samples, events, alarms, commands, the timeline.

The same records travel in replies and on the live feed, and the test kit hands them to tests
as they are: one definition of each. Each prints itself the way an operator reads it.
"""

from __future__ import annotations

from typing import Any, Literal, NamedTuple

import msgspec

from flightsw.icd import Scalar, Severity
from ground.api.display import fmt_value, mission_time
from ground.vocabulary import (
    AlarmSeverity,
    AlarmState,
    AlarmTransitionKind,
    CommandStatus,
    RuleState,
)


class Sample(NamedTuple):
    """One telemetry value and the mission time it was sampled on board (None: none yet)."""

    time_s: float | None
    value: Scalar | None

    def __str__(self) -> str:
        return f"{mission_time(self.time_s)}  {fmt_value(self.value)}"


class Event(msgspec.Struct, frozen=True):
    """An event report (TM[5,x]) as the ground received it; severity 1 (info) .. 4 (high)."""

    time_s: float  # generated on board
    subsystem: str
    name: str
    severity: Severity
    message: str = ""
    params: dict[str, Any] = msgspec.field(default_factory=dict)
    received_s: float = 0.0  # mission time it reached the ground (after light time)

    @property
    def full_name(self) -> str:
        return f"{self.subsystem}.{self.name}"

    def is_named(self, name: str) -> bool:
        """`name` is `subsystem.event` or just `event`."""
        return name == self.full_name if "." in name else name == self.name

    def __str__(self) -> str:
        text = f"{mission_time(self.time_s)}  [{self.severity}] {self.full_name}"
        return f"{text}: {self.message}" if self.message else text


class Alarm(msgspec.Struct, frozen=True, kw_only=True):
    """An alarm as the ground holds it now (or held it when it was read)."""

    name: str
    severity: AlarmSeverity
    state: AlarmState
    condition: str
    trigger_time_s: float
    trigger_value: Scalar | None
    most_severe_value: Scalar | None
    rule_state: RuleState
    current_value: Scalar | None
    violation_count: int
    acknowledged: bool
    ack_time_s: float | None = None
    ack_operator: str = ""
    ack_comment: str = ""
    shelved_until_s: float | None = None

    def __str__(self) -> str:
        return (
            f"{self.name} [{self.severity}, {self.state}] since "
            f"{mission_time(self.trigger_time_s)}: {self.condition} "
            f"(value {fmt_value(self.current_value)})"
        )


class AlarmEntry(msgspec.Struct, frozen=True, kw_only=True):
    """One step in an alarm's life (triggered, escalated, acknowledged, cleared, ...)."""

    time_s: float
    name: str
    kind: AlarmTransitionKind
    severity: AlarmSeverity
    condition: str
    value: Scalar | None
    operator: str = ""
    comment: str = ""

    def __str__(self) -> str:
        return (
            f"{mission_time(self.time_s)}  {self.name} {self.kind} [{self.severity}]: "
            f"{self.condition} (value {fmt_value(self.value)})"
        )


class Limits(msgspec.Struct, frozen=True, kw_only=True):
    """A limit rule's bands (COSMOS's four limits); null: no limit on that side in that colour."""

    red_low: float | None = None
    yellow_low: float | None = None
    yellow_high: float | None = None
    red_high: float | None = None


class RuleStatus(msgspec.Struct, frozen=True, kw_only=True):
    """A rule, where it stands now, and for a limit rule the bands it judges by.

    `limits` are the bands in force (the current mode's, if it has its own); `limits_by_mode`
    every mode's own bands.
    """

    name: str
    kind: str  # limit, delta, expected, staleness or combination
    parameter: str | None  # None for a combination
    severity: AlarmSeverity
    state: RuleState
    condition: str
    limits: Limits | None = None
    limits_by_mode: dict[str, Limits] = msgspec.field(default_factory=dict)


class Command(msgspec.Struct, frozen=True, kw_only=True):
    """A telecommand and how far its verification has come (`stages`: stage → mission time).

    `args` are as sent, octets shown as `<N octets>`; `code` and `error` are the on-board error
    code (docs/icd.md §5) and its name when a stage failed, `reason` says why in words.
    """

    id: int
    name: str
    args: dict[str, Any]
    apid: int
    seq: int
    sent_s: float
    status: CommandStatus
    stages: dict[CommandStatus, float]
    code: int = 0
    error: str = ""
    reason: str = ""
    operator: str = ""  # who sent it (the name the ground authenticated, or the client gave)

    @property
    def failed(self) -> bool:
        """Refused, failed on board, or timed out."""
        return self.status.unsuccessful

    def __str__(self) -> str:
        stages = ", ".join(f"{stage} {mission_time(t)}" for stage, t in self.stages.items())
        by = f" by {self.operator}" if self.operator else ""
        text = f"command {self.id} {self.name}{by} {self.status}"
        text += f" ({stages})" if stages else ""
        return f"{text}: {self.error} {self.reason}".rstrip() if self.failed else text


class AuditEntry(msgspec.Struct, frozen=True, kw_only=True):
    """Who asked the control API for what, when (mission time and UTC) and how it ended."""

    time_s: float
    utc: str
    operator: str
    role: str
    action: str
    request: str  # the request as JSON
    outcome: str

    def __str__(self) -> str:
        return f"{mission_time(self.time_s)} {self.utc} {self.operator} ({self.role}) {self.action}: {self.outcome}"


TimelineKind = Literal["event", "command", "verification", "alarm", "injection"]


class TimelineItem(msgspec.Struct, frozen=True):
    """One line of the run's timeline; `id` is the row's id in the archive table of its kind."""

    kind: TimelineKind
    time_s: float
    text: str
    id: int
