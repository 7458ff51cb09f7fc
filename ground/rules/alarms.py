"""Alarms: the operator-facing life of a rule violation (Yamcs / ISA-18.2).

An alarm is born when its rule leaves GREEN (the rule already applied persistence). It keeps
the severity, the triggering value and condition, the most severe value seen and a count of
violations. It clears only when it is acknowledged *and* its rule is back to GREEN: back to
GREEN unacknowledged it stays, as RTN_UNACKNOWLEDGED, until someone acknowledges it.

Two choices made for safety, both after ISA-18.2's intent:

- an escalation (a higher severity than the alarm has) un-acknowledges the alarm, since the
  operator acknowledged a milder condition;
- an escalation also ends a shelve, since the operator shelved a milder condition.

A shelve belongs to one alarm: if the alarm clears, the shelve goes with it.

Every change returns AlarmTransition values for the caller to archive and publish; the
manager does no I/O and never reads a clock.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace

from flightsw.icd import Scalar
from ground.errors import AlarmError
from ground.rules.engine import RuleTransition
from ground.vocabulary import AlarmSeverity, AlarmState, AlarmTransitionKind, RuleState

SHELVE_EXPIRED = "shelve expired"
ESCALATED_WHILE_SHELVED = "escalated while shelved"


@dataclass(frozen=True, slots=True)
class Alarm:
    """A snapshot of one alarm; the manager replaces it on every change."""

    name: str
    severity: AlarmSeverity
    condition: str
    trigger_time_s: float
    trigger_value: Scalar | None
    most_severe_value: Scalar | None
    rule_state: RuleState
    current_value: Scalar | None
    violation_count: int
    acknowledged: bool = False
    ack_time_s: float | None = None
    ack_operator: str = ""
    ack_comment: str = ""
    shelved_until_s: float | None = None

    @property
    def in_limits(self) -> bool:
        return self.rule_state is RuleState.GREEN

    @property
    def shelved(self) -> bool:
        return self.shelved_until_s is not None

    @property
    def state(self) -> AlarmState:
        if self.in_limits:
            return AlarmState.RTN_UNACKNOWLEDGED
        return AlarmState.ACKNOWLEDGED if self.acknowledged else AlarmState.UNACKNOWLEDGED


@dataclass(frozen=True, slots=True)
class AlarmTransition:
    """One step in an alarm's life, to archive and publish."""

    alarm: str
    time_s: float
    kind: AlarmTransitionKind
    severity: AlarmSeverity
    condition: str
    value: Scalar | None
    operator: str = ""
    comment: str = ""


def _step(
    alarm: Alarm,
    time_s: float,
    kind: AlarmTransitionKind,
    operator: str = "",
    comment: str = "",
    value: Scalar | None = None,
) -> AlarmTransition:
    shown = alarm.current_value if value is None else value
    return AlarmTransition(
        alarm.name, time_s, kind, alarm.severity, alarm.condition, shown, operator, comment
    )


class AlarmManager:
    """Turn rule transitions into alarms and carry out operators' acknowledgements and shelves."""

    def __init__(self) -> None:
        self._alarms: dict[str, Alarm] = {}
        self._shelved: set[str] = set()

    def get(self, name: str) -> Alarm | None:
        """The alarm of rule `name`, shelved or not, or None if it has none."""
        return self._alarms.get(name)

    def active(self) -> list[Alarm]:
        """Unshelved alarms, worst severity first, then oldest first."""
        shown = [alarm for alarm in self._alarms.values() if not alarm.shelved]
        return sorted(shown, key=lambda alarm: (-alarm.severity.rank, alarm.trigger_time_s))

    def shelved(self) -> list[Alarm]:
        """Shelved alarms, soonest expiry first."""
        hidden = [self._alarms[name] for name in self._shelved]
        return sorted(hidden, key=lambda alarm: alarm.shelved_until_s or 0.0)

    def update(
        self, time_s: float, transitions: Iterable[RuleTransition] = ()
    ) -> list[AlarmTransition]:
        """Expire shelves due by `time_s`, then apply the rule transitions in order."""
        out: list[AlarmTransition] = []
        if self._shelved:
            self._expire_shelves(time_s, out)
        for transition in transitions:
            self._apply(transition, out)
        return out

    def tick(self, time_s: float) -> list[AlarmTransition]:
        """Expire shelves due by `time_s`."""
        return self.update(time_s)

    def restore(self, alarms: Iterable[Alarm]) -> None:
        """Take up alarms as a ground left them (read back from its archive after a crash)."""
        for alarm in alarms:
            self._alarms[alarm.name] = alarm
            if alarm.shelved:
                self._shelved.add(alarm.name)

    def clear_all(self, time_s: float, comment: str) -> list[AlarmTransition]:
        """Clear every alarm, shelved or not, saying why in `comment`: the spacecraft whose
        values raised them is gone (another one flies), so nothing will return them."""
        out = [
            _step(alarm, time_s, AlarmTransitionKind.CLEARED, comment=comment)
            for alarm in sorted(self._alarms.values(), key=lambda a: a.trigger_time_s)
        ]
        self._alarms.clear()
        self._shelved.clear()
        return out

    def acknowledge(
        self, name: str, time_s: float, operator: str, comment: str = ""
    ) -> list[AlarmTransition]:
        """Acknowledge an alarm; one already back in limits clears at once.

        Acknowledging an acknowledged alarm does nothing (two consoles may race).

        Raises:
            AlarmError: if rule `name` has no alarm.
        """
        alarm = self._require(name)
        if alarm.acknowledged:
            return []
        alarm = replace(
            alarm, acknowledged=True, ack_time_s=time_s, ack_operator=operator, ack_comment=comment
        )
        out = [_step(alarm, time_s, AlarmTransitionKind.ACKNOWLEDGED, operator, comment)]
        if alarm.in_limits:
            self._remove(name)
            out.append(_step(alarm, time_s, AlarmTransitionKind.CLEARED, operator))
        else:
            self._alarms[name] = alarm
        return out

    def shelve(
        self, name: str, time_s: float, duration_s: float, operator: str = "", comment: str = ""
    ) -> list[AlarmTransition]:
        """Hide an alarm for `duration_s`; shelving again restarts the duration.

        Raises:
            AlarmError: if rule `name` has no alarm, or `duration_s` is not a positive number.
        """
        alarm = self._require(name)
        if not (duration_s > 0 and math.isfinite(duration_s)):
            raise AlarmError(f"shelve duration {duration_s} s must be a positive number of s")
        self._alarms[name] = replace(alarm, shelved_until_s=time_s + duration_s)
        self._shelved.add(name)
        return [_step(alarm, time_s, AlarmTransitionKind.SHELVED, operator, comment)]

    def unshelve(
        self, name: str, time_s: float, operator: str = "", comment: str = ""
    ) -> list[AlarmTransition]:
        """Show a shelved alarm again; an unshelved one is left alone.

        Raises:
            AlarmError: if rule `name` has no alarm.
        """
        alarm = self._require(name)
        if not alarm.shelved:
            return []
        return [self._unshelve(alarm, time_s, operator, comment)]

    def _require(self, name: str) -> Alarm:
        alarm = self._alarms.get(name)
        if alarm is None:
            raised = ", ".join(sorted(self._alarms)) or "none"
            raise AlarmError(f"no alarm {name!r} is raised (raised now: {raised})")
        return alarm

    def _remove(self, name: str) -> None:
        del self._alarms[name]
        self._shelved.discard(name)

    def _unshelve(
        self, alarm: Alarm, time_s: float, operator: str, comment: str
    ) -> AlarmTransition:
        self._alarms[alarm.name] = replace(alarm, shelved_until_s=None)
        self._shelved.discard(alarm.name)
        return _step(alarm, time_s, AlarmTransitionKind.UNSHELVED, operator, comment)

    def _expire_shelves(self, time_s: float, out: list[AlarmTransition]) -> None:
        due = [
            self._alarms[name]
            for name in sorted(self._shelved)
            if (self._alarms[name].shelved_until_s or 0.0) <= time_s
        ]
        for alarm in due:
            out.append(self._unshelve(alarm, time_s, "", SHELVE_EXPIRED))

    def _apply(self, transition: RuleTransition, out: list[AlarmTransition]) -> None:
        alarm = self._alarms.get(transition.rule)
        if transition.new_state is RuleState.GREEN:
            if alarm is not None:
                self._return(alarm, transition, out)
        elif alarm is None:
            self._trigger(transition, out)
        else:
            self._violate_again(alarm, transition, out)

    def _trigger(self, transition: RuleTransition, out: list[AlarmTransition]) -> None:
        alarm = Alarm(
            name=transition.rule,
            severity=_severity(transition),
            condition=transition.condition,
            trigger_time_s=transition.time_s,
            trigger_value=transition.value,
            most_severe_value=transition.value,
            rule_state=transition.new_state,
            current_value=transition.value,
            violation_count=1,
        )
        self._alarms[alarm.name] = alarm
        out.append(_step(alarm, transition.time_s, AlarmTransitionKind.TRIGGERED))

    def _return(self, alarm: Alarm, transition: RuleTransition, out: list[AlarmTransition]) -> None:
        alarm = replace(alarm, rule_state=RuleState.GREEN, current_value=transition.value)
        if alarm.acknowledged:
            self._remove(alarm.name)
            out.append(_step(alarm, transition.time_s, AlarmTransitionKind.CLEARED))
        else:
            self._alarms[alarm.name] = alarm
            out.append(_step(alarm, transition.time_s, AlarmTransitionKind.RETURNED))

    def _violate_again(
        self, alarm: Alarm, transition: RuleTransition, out: list[AlarmTransition]
    ) -> None:
        """A violation while the alarm lives: a new state, a re-trigger after RTN, or worse."""
        severity = _severity(transition)
        was_in_limits = alarm.in_limits
        alarm = replace(
            alarm,
            rule_state=transition.new_state,
            current_value=transition.value,
            violation_count=alarm.violation_count + 1,
        )
        escalated = severity > alarm.severity
        if escalated:
            alarm = replace(
                alarm,
                severity=severity,
                condition=transition.condition,
                most_severe_value=transition.value,
                acknowledged=False,
                ack_time_s=None,
                ack_operator="",
                ack_comment="",
            )
        self._alarms[alarm.name] = alarm
        time_s = transition.time_s
        if was_in_limits:
            out.append(_step(alarm, time_s, AlarmTransitionKind.TRIGGERED))
        elif escalated:
            out.append(_step(alarm, time_s, AlarmTransitionKind.ESCALATED))
        if escalated and alarm.shelved:
            out.append(self._unshelve(alarm, time_s, "", ESCALATED_WHILE_SHELVED))


def _severity(transition: RuleTransition) -> AlarmSeverity:
    # A violated state always has a severity; WATCH covers a rule that forgot to give one.
    return AlarmSeverity.WATCH if transition.severity is None else transition.severity
