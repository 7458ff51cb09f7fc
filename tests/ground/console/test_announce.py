"""What the console says unasked, at each level."""

from __future__ import annotations

from flightsw.icd import Severity
from ground.api import AlarmChanged, AlarmEntry, Command, CommandStaged, Event, EventArrived
from ground.console.announce import GREEN, RED, YELLOW, Level, announcement
from ground.vocabulary import AlarmSeverity, AlarmTransitionKind, CommandStatus


def alarm(kind: AlarmTransitionKind, severity: AlarmSeverity) -> AlarmChanged:
    entry = AlarmEntry(
        time_s=3725.0, name="battery_soc", kind=kind, severity=severity,
        condition="power.battery_soc < 0.3 (red)", value=0.21, operator="",
    )  # fmt: skip
    return AlarmChanged(entry=entry)


def staged(stage: CommandStatus, reason: str = "") -> CommandStaged:
    command = Command(
        id=7, name="fdir.enter_safe_mode", args={}, apid=1, seq=1, sent_s=3700.0,
        status=stage, stages={stage: 3720.0}, reason=reason,
    )  # fmt: skip
    return CommandStaged(time_s=3720.0, stage=stage, command=command)


def event(severity: int) -> EventArrived:
    return EventArrived(event=Event(3600.0, "power", "eclipse_entry", Severity(severity), "dark"))


def test_an_alarm_is_said_in_its_colour_with_its_condition_and_value() -> None:
    said = announcement(alarm(AlarmTransitionKind.TRIGGERED, AlarmSeverity.CRITICAL), Level.ALL)
    assert said == (
        "T+3,725.0 s  alarm battery_soc triggered [critical]: power.battery_soc < 0.3 (red) "
        "(value 0.21)",
        RED,
    )
    warning = announcement(
        alarm(AlarmTransitionKind.TRIGGERED, AlarmSeverity.WARNING), Level.ALARMS
    )
    assert warning is not None and warning[1] == YELLOW
    cleared = announcement(alarm(AlarmTransitionKind.CLEARED, AlarmSeverity.CRITICAL), Level.ALL)
    assert cleared is not None and cleared[1] == GREEN


def test_a_command_is_said_when_it_ends_and_a_failure_even_at_alarms() -> None:
    assert announcement(staged(CommandStatus.ACCEPTED), Level.ALL) is None
    done = announcement(staged(CommandStatus.COMPLETED), Level.ALL)
    assert done is not None and "command #7 fdir.enter_safe_mode completed" in done[0]
    assert announcement(staged(CommandStatus.COMPLETED), Level.ALARMS) is None
    failed = announcement(staged(CommandStatus.FAILED, "BAD_ARGUMENT: mode"), Level.ALARMS)
    assert failed is not None and failed[0].endswith("failed: BAD_ARGUMENT: mode")
    assert failed[1] == RED


def test_events_below_low_severity_and_everything_when_off_stay_quiet() -> None:
    assert announcement(event(1), Level.ALL) is None
    said = announcement(event(2), Level.ALL)
    assert said is not None and "event power.eclipse_entry: dark" in said[0]
    assert announcement(event(4), Level.ALARMS) is None
    loud = alarm(AlarmTransitionKind.TRIGGERED, AlarmSeverity.SEVERE)
    assert announcement(loud, Level.OFF) is None
