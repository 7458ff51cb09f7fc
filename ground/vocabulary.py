"""The words the ground and its clients share: alarm severities and states, command statuses.

They sit below every ground package, beside `errors` and `dictionary`: the rules and the
commanding speak them, and so do the control API's messages, which a client reads without
importing the service that produced them. Each is a `StrEnum`, so on the wire and in the
archive it is the lower-case word an operator reads (`critical`, `timed_out`, `blocked`).

Terms follow Yamcs / ISA-18.2 for alarms and OpenC3 COSMOS for limit states.
"""

from __future__ import annotations

from enum import StrEnum

SPACECRAFT_SILENT = "spacecraft_silent"
"""The alarm, and the ground's event, raised when the spacecraft falls silent."""
SPACECRAFT_HEARD = "spacecraft_heard"
"""The ground's event when a silent spacecraft is heard again (its alarm returns)."""


class AlarmSeverity(StrEnum):
    """Alarm severity, Yamcs names, ordered by `rank` so that `max()` gives the worst."""

    WATCH = "watch"
    WARNING = "warning"
    DISTRESS = "distress"
    CRITICAL = "critical"
    SEVERE = "severe"

    @property
    def red(self) -> bool:
        """Shown red (distress and worse); watch and warning are yellow."""
        return self.rank >= _SEVERITY_ORDER.index(AlarmSeverity.DISTRESS) + 1

    @property
    def rank(self) -> int:
        """1 (watch) .. 5 (severe)."""
        return _SEVERITY_ORDER.index(self) + 1

    @property
    def label(self) -> str:
        """The lower-case name used in rule files and on the wire."""
        return self.value

    def one_lower(self) -> AlarmSeverity:
        """The next milder severity (WATCH stays WATCH); a yellow band's default."""
        return _SEVERITY_ORDER[max(self.rank - 2, 0)]

    @classmethod
    def parse(cls, text: str) -> AlarmSeverity:
        """Read a severity name in any case; raise ValueError naming the accepted ones."""
        try:
            return cls(text.lower())
        except ValueError:
            names = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {text!r}; use one of {names}") from None

    # Ordered by rank, not alphabetically: `critical` is worse than `watch`.
    def __lt__(self, other: object) -> bool:
        return self.rank < _rank_of(other)

    def __le__(self, other: object) -> bool:
        return self.rank <= _rank_of(other)

    def __gt__(self, other: object) -> bool:
        return self.rank > _rank_of(other)

    def __ge__(self, other: object) -> bool:
        return self.rank >= _rank_of(other)


_SEVERITY_ORDER = tuple(AlarmSeverity)


def _rank_of(other: object) -> int:
    if not isinstance(other, AlarmSeverity):
        raise TypeError(f"an alarm severity compares only with another, not with {other!r}")
    return other.rank


class RuleState(StrEnum):
    """Where a rule stands; every state but GREEN counts as a violation."""

    GREEN = "GREEN"
    YELLOW_LOW = "YELLOW_LOW"
    YELLOW_HIGH = "YELLOW_HIGH"
    RED_LOW = "RED_LOW"
    RED_HIGH = "RED_HIGH"
    VIOLATED = "VIOLATED"  # rules without bands: delta, expected, combination
    STALE = "STALE"  # no fresh sample for longer than the rule allows

    @property
    def violated(self) -> bool:
        return self is not RuleState.GREEN


class AlarmState(StrEnum):
    """Where an alarm stands for the operator (shelving is a separate flag)."""

    UNACKNOWLEDGED = "UNACKNOWLEDGED"  # in violation, nobody has acknowledged it
    ACKNOWLEDGED = "ACKNOWLEDGED"  # in violation, acknowledged
    RTN_UNACKNOWLEDGED = "RTN_UNACKNOWLEDGED"  # returned to normal, waiting for an acknowledgement


class AlarmTransitionKind(StrEnum):
    """What happened to an alarm: one step of its life, as the alarm log records it."""

    TRIGGERED = "triggered"
    ESCALATED = "escalated"
    ACKNOWLEDGED = "acknowledged"
    SHELVED = "shelved"
    UNSHELVED = "unshelved"
    RETURNED = "returned"
    CLEARED = "cleared"


class CommandStatus(StrEnum):
    """A command's life on the ground, and the names of the stages it passes.

    QUEUED while the command queue holds it (or SCHEDULED while it waits on board for its
    release time), SENT when it leaves, then ACCEPTED, STARTED (PROGRESS) and COMPLETED, or
    FAILED with the on-board error code, as TM[1,x] reports come down; TIMED_OUT when a stage
    does not come within its window; REFUSED when the ground will not send it at all;
    INTERRUPTED when the ground stopped following it: the ground crashed and came back, or the
    spacecraft it went to was replaced (what came of it, if anything, is in the frames).
    """

    QUEUED = "queued"
    SCHEDULED = "scheduled"
    REFUSED = "refused"
    SENT = "sent"
    ACCEPTED = "accepted"
    STARTED = "started"
    PROGRESS = "progress"
    COMPLETED = "completed"
    FAILED = "failed"
    TIMED_OUT = "timed_out"
    INTERRUPTED = "interrupted"

    @property
    def final(self) -> bool:
        """Nothing more will be heard of a command in this status."""
        return self in _FINAL_STATUSES

    @property
    def unsuccessful(self) -> bool:
        """The command will not complete: refused, failed on board, timed out or interrupted."""
        return self in _UNSUCCESSFUL_STATUSES


_UNSUCCESSFUL_STATUSES = frozenset(
    (
        CommandStatus.FAILED,
        CommandStatus.TIMED_OUT,
        CommandStatus.REFUSED,
        CommandStatus.INTERRUPTED,
    )
)
_FINAL_STATUSES = _UNSUCCESSFUL_STATUSES | {CommandStatus.COMPLETED}


class QueueState(StrEnum):
    """The command queue, after Yamcs: passes commands on, holds them, or refuses them."""

    ENABLED = "enabled"
    BLOCKED = "blocked"
    DISABLED = "disabled"
