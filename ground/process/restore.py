"""A ground that picks its run up again takes back from the archive what it needs to go on.

Everything the ground decides from is in the archive, committed up to the last second before
the crash (WAL, one commit per mission second): what it cannot read back it rebuilds.

- Sequence counts: each APID expects the frame after its last archived one, so what was lost
  meanwhile shows as a gap (the recorder's dump fills it).
- Latest values: each subsystem's last reports, for `tlm` and the live view.
- Rule states: the last `REPORTS_PER_SUBSYSTEM` reports of each subsystem go through the rules
  again (modes, persistence, deltas), their transitions thrown away: they were archived the
  first time. Staleness clocks start again at the resumption, as at a ground's start: silence
  while the ground was down is the ground's, not the spacecraft's.
- Alarms: the alarm log, folded transition by transition, gives every alarm as the operator
  last saw it. A shelve's end is not archived, so a shelved alarm shows again (said in the
  log). Where a rule and its alarm disagree (the crash lost the last second's transitions), the
  rule's state wins through an ordinary transition, archived now.
- Commands: the archive numbers the next telecommand of each APID (a late verification must not
  be taken for a new command's), and every command still waiting for word is INTERRUPTED: the
  ground no longer follows it; what came of it is in the frames.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from flightsw.icd import Scalar
from ground.archive.schema import AlarmRecord
from ground.process.service import GroundService
from ground.rules.alarms import Alarm, AlarmTransition
from ground.rules.engine import RuleTransition
from ground.vocabulary import AlarmSeverity, AlarmTransitionKind, CommandStatus, RuleState

log = logging.getLogger(__name__)

REPORTS_PER_SUBSYSTEM = 20  # covers any rule's persistence (a count of samples) many times
UNSHELVED = "the ground picked its run up again; a shelve's end is not archived, so it shows"
INTERRUPTED = "the ground stopped before its last verification came down"
_FINAL = frozenset(status.value for status in CommandStatus if status.final)


@dataclass(frozen=True, slots=True)
class Restored:
    """What a resumed ground took back from its archive."""

    segment: int
    reports: int  # housekeeping reports run through the rules again
    subsystems: int  # with their latest values back
    alarms: int  # active alarms taken up
    unshelved: int
    reconciled: int  # alarm transitions made where a rule and its alarm disagreed
    interrupted: int  # commands marked INTERRUPTED

    def describe(self) -> str:
        return (
            f"restored segment {self.segment}: latest values of {self.subsystems} subsystems, "
            f"rule states from {self.reports} reports, {self.alarms} active alarms "
            f"({self.unshelved} shelved ones shown again, {self.reconciled} transitions to "
            f"match the rules), {self.interrupted} pending commands interrupted"
        )


def restore(service: GroundService, now_s: float) -> Restored:
    """Take up the run `service.archive` holds, at mission time `now_s` (the spacecraft's)."""
    service.now_s = now_s
    segment = service.archive.segment
    last = service.archive.last_frames(segment)
    service.checks.continue_from({apid: seq for apid, (seq, _) in last.items()})
    reports = service.archive.recent_reports(segment, REPORTS_PER_SUBSYSTEM)
    for time_s, subsystem, params in reports:
        _latest(service, time_s, subsystem, params)
        service.rules.update_report(time_s, subsystem, params)
    for rule in service.rules.rules:
        if rule.watches_staleness:
            rule.arm(now_s)
    alarms = fold_alarm_log(service.archive.alarms(segment=segment))
    service.alarms.restore(alarms.values())
    unshelved = []
    for alarm in alarms.values():
        if alarm.shelved:
            unshelved += service.alarms.unshelve(alarm.name, now_s, comment=UNSHELVED)
    service.record_alarms(unshelved)
    reconciled = _reconcile(service, now_s)
    service.record_alarms(reconciled)
    interrupted = _interrupt_commands(service, now_s)
    restored = Restored(
        segment=segment,
        reports=len(reports),
        subsystems=len(service.latest_reports),
        alarms=len(service.alarms.active()) + len(service.alarms.shelved()),
        unshelved=len(unshelved),
        reconciled=len(reconciled),
        interrupted=interrupted,
    )
    log.info("%s", restored.describe())
    return restored


def _latest(
    service: GroundService, time_s: float, subsystem: str, params: dict[str, Scalar]
) -> None:
    """Keep a report as the latest values, as ingest does (a partial one updates, not replaces)."""
    old = service.latest_reports.get(subsystem)
    if old is not None and not params.keys() >= old[1].keys():
        answered = service.answered.setdefault(subsystem, {})
        answered.update((param, (time_s, value)) for param, value in params.items())
    else:
        service.latest_reports[subsystem] = (time_s, params)
        service.answered.pop(subsystem, None)


def fold_alarm_log(rows: list[AlarmRecord]) -> dict[str, Alarm]:
    """Every alarm alive at the end of an alarm log, as the operator last saw it.

    A violated alarm's rule state is not archived, only that it was violated: it is taken up as
    VIOLATED, and `_reconcile` puts the rule's own state in.
    """
    alarms: dict[str, Alarm] = {}
    for row in rows:
        kind = AlarmTransitionKind(row.kind)
        alarm = alarms.get(row.name)
        if kind is AlarmTransitionKind.CLEARED:
            alarms.pop(row.name, None)
        elif alarm is None:
            if kind is AlarmTransitionKind.TRIGGERED:
                alarms[row.name] = _triggered(row)
        else:
            alarms[row.name] = _next(alarm, kind, row)
    return alarms


def _triggered(row: AlarmRecord) -> Alarm:
    return Alarm(
        name=row.name,
        severity=AlarmSeverity(row.severity),
        condition=row.condition,
        trigger_time_s=row.time_s,
        trigger_value=row.value,
        most_severe_value=row.value,
        rule_state=RuleState.VIOLATED,
        current_value=row.value,
        violation_count=1,
    )


def _next(alarm: Alarm, kind: AlarmTransitionKind, row: AlarmRecord) -> Alarm:
    """The alarm after one more step of its life (as `AlarmManager` made it)."""
    match kind:
        case AlarmTransitionKind.TRIGGERED:  # again, after it had returned
            return replace(alarm, rule_state=RuleState.VIOLATED, current_value=row.value,
                           violation_count=alarm.violation_count + 1)  # fmt: skip
        case AlarmTransitionKind.ESCALATED:
            return replace(
                alarm,
                severity=AlarmSeverity(row.severity),
                condition=row.condition,
                most_severe_value=row.value,
                rule_state=RuleState.VIOLATED,
                current_value=row.value,
                acknowledged=False,
                ack_time_s=None,
                ack_operator="",
                ack_comment="",
            )
        case AlarmTransitionKind.ACKNOWLEDGED:
            return replace(alarm, acknowledged=True, ack_time_s=row.time_s,
                           ack_operator=row.operator or "", ack_comment=row.comment or "")  # fmt: skip
        case AlarmTransitionKind.SHELVED:  # until when is not archived: shown again on restore
            return replace(alarm, shelved_until_s=row.time_s)
        case AlarmTransitionKind.UNSHELVED:
            return replace(alarm, shelved_until_s=None)
        case AlarmTransitionKind.RETURNED:
            return replace(alarm, rule_state=RuleState.GREEN, current_value=row.value)
    return alarm


def _reconcile(service: GroundService, now_s: float) -> list[AlarmTransition]:
    """Make rules and alarms agree: a rule violated with no alarm (or a returned one) raises it
    now; an alarm violated whose rule is GREEN again keeps its rule violated until the next
    sample says otherwise (a staleness alarm's rule, whose state the reports do not carry)."""
    manager = service.alarms
    transitions: list[AlarmTransition] = []
    for rule in service.rules.rules:
        alarm = manager.get(rule.name)
        archived_violated = alarm is not None and not alarm.in_limits
        if rule.state.violated and not archived_violated:
            value: Scalar | None = None if alarm is None else alarm.current_value
            change = RuleTransition(rule.name, now_s, RuleState.GREEN, rule.state, value,
                                    rule.severity_of(rule.state), rule.condition(rule.state))  # fmt: skip
            transitions += manager.update(now_s, [change])
        elif archived_violated and alarm is not None:
            if rule.state.violated:
                manager.restore([replace(alarm, rule_state=rule.state)])
            else:
                rule.state = RuleState.VIOLATED
    return transitions


def _interrupt_commands(service: GroundService, now_s: float) -> int:
    """Number on from the archive's last telecommand of each APID; interrupt the pending ones."""
    archive = service.archive
    next_seq: dict[int, int] = {}
    interrupted = 0
    for command in sorted(archive.commands(), key=lambda c: c.id):
        if command.apid is not None and command.seq is not None and command.seq >= 0:
            next_seq[command.apid] = command.seq + 1
        if command.status not in _FINAL:
            archive.update_command_status(command.id, CommandStatus.INTERRUPTED)
            archive.record_verification(
                command.id, now_s, CommandStatus.INTERRUPTED, False, None, INTERRUPTED
            )
            interrupted += 1
    service.commands.continue_numbering(next_seq)
    return interrupted
