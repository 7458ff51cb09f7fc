"""The ground's own objects (alarms, transitions, rules, archive rows) as the control API's records."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from flightsw.icd import Severity
from ground.api import Alarm, AlarmEntry, Event, Limits, RuleStatus, TimelineItem
from ground.archive.schema import AlarmRecord, EventRecord
from ground.rules.alarms import Alarm as ActiveAlarm
from ground.rules.alarms import AlarmTransition
from ground.rules.engine import Rule
from ground.rules.kinds import LimitBands, LimitRule
from ground.vocabulary import AlarmSeverity, AlarmTransitionKind


def alarm_entry(transition: AlarmTransition) -> AlarmEntry:
    """A step of an alarm's life as it happens (the live feed's `alarm`)."""
    return AlarmEntry(
        time_s=transition.time_s,
        name=transition.alarm,
        kind=transition.kind,
        severity=transition.severity,
        condition=transition.condition,
        value=transition.value,
        operator=transition.operator,
        comment=transition.comment,
    )


def rule_status(rule: Rule) -> RuleStatus:
    """A rule as the control API's `rules` shows it: its state, and a limit rule's bands."""
    limits = by_mode = None
    if isinstance(rule, LimitRule):
        limits = _limits(rule.active_bands)
        by_mode = {mode: _limits(bands) for mode, bands in rule.limits_by_mode.items()}
    return RuleStatus(
        name=rule.name,
        kind=rule.kind,
        parameter=rule.parameter,
        severity=rule.severity,
        state=rule.state,
        condition=rule.condition(),
        limits=limits,
        limits_by_mode=by_mode or {},
    )


def rules_judged(rules: Sequence[Rule]) -> str:
    """The rules as the archive keeps them (meta `RULES_JUDGED`): JSON, a rule record each."""
    return msgspec.json.encode([rule_status(rule) for rule in rules]).decode()


def _limits(bands: LimitBands) -> Limits:
    return Limits(
        red_low=bands.red_low,
        yellow_low=bands.yellow_low,
        yellow_high=bands.yellow_high,
        red_high=bands.red_high,
    )


def archived_alarm_entry(row: AlarmRecord) -> AlarmEntry:
    """A step of an alarm's life as the archive has it (`alarm_log`)."""
    return AlarmEntry(
        time_s=row.time_s,
        name=row.name,
        kind=AlarmTransitionKind(row.kind),
        severity=AlarmSeverity(row.severity),
        condition=row.condition,
        value=row.value,
        operator=row.operator or "",
        comment=row.comment or "",
    )


def alarm_record(alarm: ActiveAlarm) -> Alarm:
    """An active alarm as it stands."""
    return Alarm(
        name=alarm.name,
        severity=alarm.severity,
        state=alarm.state,
        condition=alarm.condition,
        trigger_time_s=alarm.trigger_time_s,
        trigger_value=alarm.trigger_value,
        most_severe_value=alarm.most_severe_value,
        rule_state=alarm.rule_state,
        current_value=alarm.current_value,
        violation_count=alarm.violation_count,
        acknowledged=alarm.acknowledged,
        ack_time_s=alarm.ack_time_s,
        ack_operator=alarm.ack_operator,
        ack_comment=alarm.ack_comment,
        shelved_until_s=alarm.shelved_until_s,
    )


def archived_event(row: EventRecord) -> Event:
    """An event as the archive has it; one archived before reception times were kept is
    taken to have arrived when it was raised."""
    received_s = row.time_s if row.received_s is None else row.received_s
    return Event(
        row.time_s,
        row.subsystem,
        row.name,
        Severity(row.severity),
        row.message or "",
        row.params or {},
        received_s,
    )


def timeline_items(rows: list[dict[str, Any]]) -> list[TimelineItem]:
    """The archive's timeline rows, checked as they become records."""
    return msgspec.convert(rows, list[TimelineItem])
