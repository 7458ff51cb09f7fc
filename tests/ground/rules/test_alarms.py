"""Alarm life: trigger, escalate, acknowledge, shelve, return to normal, clear."""

from __future__ import annotations

import pytest

from ground.errors import AlarmError
from ground.rules.alarms import AlarmManager, AlarmState, AlarmTransition
from ground.rules.engine import AlarmSeverity, RuleEngine, RuleState, RuleTransition
from ground.rules.kinds import LimitBands, LimitRule
from ground.rules.parameter_rule import RuleOptions

RED = (RuleState.RED_HIGH, AlarmSeverity.CRITICAL, "thermal.avionics_temp_c > 55 (red)")
YELLOW = (RuleState.YELLOW_HIGH, AlarmSeverity.DISTRESS, "thermal.avionics_temp_c > 45 (yellow)")
GREEN = (RuleState.GREEN, None, "thermal.avionics_temp_c outside [-10, 45] (yellow)")


def rule_moved(
    time_s: float,
    to: tuple[RuleState, AlarmSeverity | None, str],
    value: float | None,
    old: RuleState = RuleState.GREEN,
) -> RuleTransition:
    state, severity, condition = to
    return RuleTransition("avionics_temp", time_s, old, state, value, severity, condition)


def kinds(transitions: list[AlarmTransition]) -> list[str]:
    """Kinds are a StrEnum, so they compare equal to their names."""
    return [t.kind for t in transitions]


@pytest.fixture
def alarms() -> AlarmManager:
    """A manager holding one yellow alarm, triggered at t = 10 s by 50 degC."""
    manager = AlarmManager()
    manager.update(10.0, [rule_moved(10.0, YELLOW, 50.0)])
    return manager


def test_an_alarm_triggers_when_its_rule_leaves_green() -> None:
    manager = AlarmManager()
    (transition,) = manager.update(10.0, [rule_moved(10.0, YELLOW, 50.0)])
    assert transition.kind == "triggered"
    assert transition.severity is AlarmSeverity.DISTRESS
    alarm = manager.get("avionics_temp")
    assert alarm is not None
    assert (alarm.trigger_time_s, alarm.trigger_value, alarm.violation_count) == (10.0, 50.0, 1)
    assert alarm.condition == "thermal.avionics_temp_c > 45 (yellow)"
    assert alarm.state is AlarmState.UNACKNOWLEDGED


def test_a_rule_returning_to_green_without_an_alarm_is_no_news() -> None:
    assert AlarmManager().update(0.0, [rule_moved(0.0, GREEN, 20.0)]) == []


def test_severity_escalates_from_yellow_to_red_with_the_most_severe_value(
    alarms: AlarmManager,
) -> None:
    (transition,) = alarms.update(12.0, [rule_moved(12.0, RED, 60.0, RuleState.YELLOW_HIGH)])
    assert transition.kind == "escalated"
    alarm = alarms.get("avionics_temp")
    assert alarm is not None
    assert (alarm.severity, alarm.most_severe_value, alarm.trigger_value) == (
        AlarmSeverity.CRITICAL,
        60.0,
        50.0,
    )
    assert alarm.condition == "thermal.avionics_temp_c > 55 (red)"
    assert alarm.violation_count == 2


def test_severity_never_drops_while_the_alarm_lives(alarms: AlarmManager) -> None:
    alarms.update(12.0, [rule_moved(12.0, RED, 60.0, RuleState.YELLOW_HIGH)])
    assert alarms.update(13.0, [rule_moved(13.0, YELLOW, 50.0, RuleState.RED_HIGH)]) == []
    alarm = alarms.get("avionics_temp")
    assert alarm is not None
    assert alarm.severity is AlarmSeverity.CRITICAL
    assert alarm.rule_state is RuleState.YELLOW_HIGH


def test_escalation_takes_back_an_acknowledgement(alarms: AlarmManager) -> None:
    alarms.acknowledge("avionics_temp", 11.0, "flight")
    alarms.update(12.0, [rule_moved(12.0, RED, 60.0, RuleState.YELLOW_HIGH)])
    alarm = alarms.get("avionics_temp")
    assert alarm is not None
    assert alarm.state is AlarmState.UNACKNOWLEDGED


def test_alarm_clears_only_when_acknowledged_and_back_in_limits(alarms: AlarmManager) -> None:
    (acknowledged,) = alarms.acknowledge("avionics_temp", 11.0, "flight", "heater stuck on")
    assert (acknowledged.kind, acknowledged.operator, acknowledged.comment) == (
        "acknowledged",
        "flight",
        "heater stuck on",
    )
    assert [a.state for a in alarms.active()] == [AlarmState.ACKNOWLEDGED]
    (cleared,) = alarms.update(20.0, [rule_moved(20.0, GREEN, 30.0, RuleState.YELLOW_HIGH)])
    assert cleared.kind == "cleared"
    assert alarms.get("avionics_temp") is None
    assert alarms.active() == []


def test_an_alarm_back_in_limits_unacknowledged_waits_for_an_acknowledgement(
    alarms: AlarmManager,
) -> None:
    (returned,) = alarms.update(20.0, [rule_moved(20.0, GREEN, 30.0, RuleState.YELLOW_HIGH)])
    assert returned.kind == "returned"
    alarm = alarms.get("avionics_temp")
    assert alarm is not None
    assert alarm.state is AlarmState.RTN_UNACKNOWLEDGED
    assert kinds(alarms.acknowledge("avionics_temp", 21.0, "flight")) == [
        "acknowledged",
        "cleared",
    ]
    assert alarms.get("avionics_temp") is None


def test_a_violation_after_returning_to_normal_triggers_the_same_alarm_again(
    alarms: AlarmManager,
) -> None:
    alarms.update(20.0, [rule_moved(20.0, GREEN, 30.0, RuleState.YELLOW_HIGH)])
    (again,) = alarms.update(25.0, [rule_moved(25.0, YELLOW, 49.0)])
    assert again.kind == "triggered"
    alarm = alarms.get("avionics_temp")
    assert alarm is not None
    assert (alarm.violation_count, alarm.trigger_time_s, alarm.state) == (
        2,
        10.0,
        AlarmState.UNACKNOWLEDGED,
    )


def test_acknowledging_twice_does_nothing_the_second_time(alarms: AlarmManager) -> None:
    alarms.acknowledge("avionics_temp", 11.0, "flight")
    assert alarms.acknowledge("avionics_temp", 11.5, "capcom") == []
    alarm = alarms.get("avionics_temp")
    assert alarm is not None
    assert alarm.ack_operator == "flight"


def test_a_shelved_alarm_is_hidden_until_its_shelve_expires(alarms: AlarmManager) -> None:
    (shelved,) = alarms.shelve("avionics_temp", 11.0, 60.0, "flight", "known, heater test")
    assert shelved.kind == "shelved"
    assert alarms.active() == []
    assert [a.name for a in alarms.shelved()] == ["avionics_temp"]
    assert alarms.tick(70.0) == []
    (expired,) = alarms.update(71.0, [])
    assert (expired.kind, expired.comment) == ("unshelved", "shelve expired")
    assert [a.name for a in alarms.active()] == ["avionics_temp"]


def test_an_operator_can_unshelve_before_expiry(alarms: AlarmManager) -> None:
    alarms.shelve("avionics_temp", 11.0, 60.0)
    (unshelved,) = alarms.unshelve("avionics_temp", 12.0, "flight")
    assert (unshelved.kind, unshelved.operator) == ("unshelved", "flight")
    assert alarms.unshelve("avionics_temp", 13.0) == []
    assert alarms.tick(100.0) == []


def test_a_shelved_alarm_still_follows_its_rule(alarms: AlarmManager) -> None:
    alarms.shelve("avionics_temp", 11.0, 60.0)
    alarms.acknowledge("avionics_temp", 12.0, "flight")
    (cleared,) = alarms.update(13.0, [rule_moved(13.0, GREEN, 30.0, RuleState.YELLOW_HIGH)])
    assert cleared.kind == "cleared"
    assert alarms.shelved() == []
    assert alarms.tick(100.0) == []


def test_escalation_ends_a_shelve(alarms: AlarmManager) -> None:
    alarms.shelve("avionics_temp", 11.0, 600.0)
    escalation = alarms.update(12.0, [rule_moved(12.0, RED, 60.0, RuleState.YELLOW_HIGH)])
    assert kinds(escalation) == ["escalated", "unshelved"]
    assert [a.name for a in alarms.active()] == ["avionics_temp"]


def test_operator_actions_on_an_unknown_alarm_are_refused() -> None:
    manager = AlarmManager()
    with pytest.raises(AlarmError, match=r"no alarm 'ghost' is raised \(raised now: none\)"):
        manager.acknowledge("ghost", 0.0, "flight")
    with pytest.raises(AlarmError):
        manager.shelve("ghost", 0.0, 10.0)
    with pytest.raises(AlarmError):
        manager.unshelve("ghost", 0.0)


@pytest.mark.parametrize("duration_s", [0.0, -5.0, float("inf"), float("nan")])
def test_a_shelve_needs_a_positive_finite_duration(alarms: AlarmManager, duration_s: float) -> None:
    with pytest.raises(AlarmError, match="must be a positive number"):
        alarms.shelve("avionics_temp", 11.0, duration_s)


def test_active_alarms_are_listed_worst_first_then_oldest_first() -> None:
    manager = AlarmManager()
    manager.update(
        5.0,
        [
            RuleTransition(
                "a", 1.0, RuleState.GREEN, RuleState.STALE, None, AlarmSeverity.WATCH, "x"
            ),
            RuleTransition(
                "b", 2.0, RuleState.GREEN, RuleState.RED_LOW, 1.0, AlarmSeverity.SEVERE, "y"
            ),
            RuleTransition(
                "c", 3.0, RuleState.GREEN, RuleState.VIOLATED, 1, AlarmSeverity.WATCH, "z"
            ),
        ],
    )
    assert [a.name for a in manager.active()] == ["b", "a", "c"]


def test_an_engine_and_a_manager_together_raise_and_clear_an_alarm() -> None:
    rule = LimitRule(
        "battery_soc",
        AlarmSeverity.CRITICAL,
        "power.battery_soc",
        LimitBands(red_low=0.2),
        options=RuleOptions(persistence=2),
    )
    engine, manager = RuleEngine([rule]), AlarmManager()
    published: list[AlarmTransition] = []
    for time_s, soc in enumerate([0.5, 0.15, 0.15, 0.3, 0.3]):
        published += manager.update(time_s, engine.update(time_s, {"power.battery_soc": soc}))
        if time_s == 2:
            published += manager.acknowledge("battery_soc", time_s, "flight")
    assert [(t.kind, t.time_s) for t in published] == [
        ("triggered", 2),
        ("acknowledged", 2),
        ("cleared", 4),
    ]
    assert published[0].condition == "power.battery_soc < 0.2 (red) for 2 samples"
