"""Rule kinds and the rule engine: states, persistence, staleness, modes, combinations."""

from __future__ import annotations

import math

import pytest

from flightsw.icd.dictionary import Scalar
from ground.errors import RuleError
from ground.rules.engine import AlarmSeverity, Rule, RuleEngine, RuleState, RuleTransition
from ground.rules.kinds import (
    CombinationRule,
    DeltaRule,
    ExpectedRule,
    LimitBands,
    LimitRule,
    StalenessRule,
)
from ground.rules.parameter_rule import RuleOptions

GREEN = RuleState.GREEN

AVIONICS_BANDS = LimitBands(red_low=-20.0, yellow_low=-10.0, yellow_high=45.0, red_high=55.0)


def avionics_rule(
    persistence: int = 1,
    yellow_severity: AlarmSeverity | None = None,
    stale_after_s: float | None = None,
) -> LimitRule:
    return LimitRule(
        "avionics_temp",
        AlarmSeverity.CRITICAL,
        "thermal.avionics_temp_c",
        AVIONICS_BANDS,
        yellow_severity=yellow_severity,
        options=RuleOptions(persistence=persistence, stale_after_s=stale_after_s),
    )


def soc_rule(persistence: int = 1) -> LimitRule:
    return LimitRule(
        "battery_soc",
        AlarmSeverity.CRITICAL,
        "power.battery_soc",
        LimitBands(red_low=0.2),
        options=RuleOptions(persistence=persistence),
    )


def feed(
    engine: RuleEngine, parameter: str, values: list[Scalar], start_s: float = 0.0
) -> list[RuleTransition]:
    """One sample a second; every transition seen on the way."""
    seen: list[RuleTransition] = []
    for i, value in enumerate(values):
        seen += engine.update(start_s + i, {parameter: value})
    return seen


# --- limit ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("temp_c", "state"),
    [
        (-25.0, RuleState.RED_LOW),
        (-20.0, RuleState.YELLOW_LOW),  # equal to a limit is inside it (COSMOS)
        (-15.0, RuleState.YELLOW_LOW),
        (-10.0, GREEN),
        (20.0, GREEN),
        (45.0, GREEN),
        (50.0, RuleState.YELLOW_HIGH),
        (55.0, RuleState.YELLOW_HIGH),
        (60.0, RuleState.RED_HIGH),
    ],
)
def test_limit_rule_classifies_a_value_into_its_band(temp_c: float, state: RuleState) -> None:
    engine = RuleEngine([avionics_rule()])
    engine.update(0.0, {"thermal.avionics_temp_c": temp_c})
    assert engine.states() == {"avionics_temp": state}


def test_red_takes_the_rule_severity_and_yellow_one_level_milder() -> None:
    engine = RuleEngine([avionics_rule()])
    (yellow,) = engine.update(0.0, {"thermal.avionics_temp_c": 50.0})
    (red,) = engine.update(1.0, {"thermal.avionics_temp_c": 60.0})
    assert yellow.severity is AlarmSeverity.DISTRESS
    assert red.severity is AlarmSeverity.CRITICAL


def test_yellow_severity_can_be_given_explicitly() -> None:
    engine = RuleEngine([avionics_rule(yellow_severity=AlarmSeverity.WATCH)])
    (yellow,) = engine.update(0.0, {"thermal.avionics_temp_c": 50.0})
    assert yellow.severity is AlarmSeverity.WATCH


def test_a_limit_with_only_one_side_leaves_the_other_side_unbounded() -> None:
    engine = RuleEngine([soc_rule()])
    assert engine.update(0.0, {"power.battery_soc": 1.0}) == []
    (transition,) = engine.update(1.0, {"power.battery_soc": 0.1})
    assert transition.new_state is RuleState.RED_LOW


def test_limit_state_changes_only_after_persistence_samples_in_a_row() -> None:
    engine = RuleEngine([avionics_rule(persistence=3)])
    assert feed(engine, "thermal.avionics_temp_c", [60.0, 60.0]) == []
    (transition,) = engine.update(2.0, {"thermal.avionics_temp_c": 61.0})
    assert (transition.old_state, transition.new_state) == (GREEN, RuleState.RED_HIGH)
    assert transition.time_s == 2.0
    assert transition.value == 61.0


def test_one_sample_back_in_the_current_state_restarts_the_persistence_count() -> None:
    engine = RuleEngine([avionics_rule(persistence=3)])
    assert feed(engine, "thermal.avionics_temp_c", [60.0, 60.0, 20.0, 60.0, 60.0]) == []
    assert engine.states()["avionics_temp"] is GREEN


def test_persistence_counts_any_band_outside_the_current_state_and_takes_the_latest() -> None:
    engine = RuleEngine([avionics_rule(persistence=3)])
    (transition,) = feed(engine, "thermal.avionics_temp_c", [50.0, 60.0, 60.0])
    assert transition.new_state is RuleState.RED_HIGH


def test_returning_to_green_also_needs_persistence() -> None:
    engine = RuleEngine([avionics_rule(persistence=2)])
    feed(engine, "thermal.avionics_temp_c", [60.0, 60.0])
    assert engine.update(2.0, {"thermal.avionics_temp_c": 20.0}) == []
    (transition,) = engine.update(3.0, {"thermal.avionics_temp_c": 20.0})
    assert transition.new_state is GREEN
    assert transition.severity is None


def test_values_a_limit_cannot_compare_are_ignored() -> None:
    engine = RuleEngine([soc_rule()])
    assert engine.update(0.0, {"power.battery_soc": "n/a"}) == []
    assert engine.update(1.0, {"power.battery_soc": float("nan")}) == []
    assert engine.states()["battery_soc"] is GREEN


def test_numpy_scalars_are_judged_like_floats() -> None:
    numpy = pytest.importorskip("numpy")
    engine = RuleEngine([soc_rule()])
    (transition,) = engine.update(0.0, {"power.battery_soc": numpy.float32(0.1)})
    assert transition.new_state is RuleState.RED_LOW


def test_limit_rule_describes_its_bands_and_the_band_crossed() -> None:
    rule = avionics_rule(persistence=3)
    assert rule.condition() == (
        "thermal.avionics_temp_c outside [-10, 45] (yellow), outside [-20, 55] (red) for 3 samples"
    )
    assert (
        rule.condition(RuleState.YELLOW_HIGH)
        == "thermal.avionics_temp_c > 45 (yellow) for 3 samples"
    )
    assert soc_rule(persistence=2).condition(RuleState.RED_LOW) == (
        "power.battery_soc < 0.2 (red) for 2 samples"
    )


def test_a_transition_quotes_the_condition_that_was_crossed() -> None:
    engine = RuleEngine([avionics_rule()])
    (transition,) = engine.update(0.0, {"thermal.avionics_temp_c": 60.0})
    assert transition.condition == "thermal.avionics_temp_c > 55 (red)"


def test_a_transition_converts_to_plain_types() -> None:
    engine = RuleEngine([avionics_rule()])
    (transition,) = engine.update(7.5, {"thermal.avionics_temp_c": 60.0})
    assert transition.to_dict() == {
        "rule": "avionics_temp",
        "time_s": 7.5,
        "old_state": "GREEN",
        "new_state": "RED_HIGH",
        "value": 60.0,
        "severity": "critical",
        "condition": "thermal.avionics_temp_c > 55 (red)",
    }


@pytest.mark.parametrize(
    ("bands", "key"),
    [
        (LimitBands(), "avionics_temp.red_low"),
        (LimitBands(red_low=0.0, yellow_low=-1.0), "avionics_temp.yellow_low"),
        (LimitBands(red_high=50.0, yellow_high=60.0), "avionics_temp.yellow_high"),
        (LimitBands(yellow_low=10.0, yellow_high=5.0), "avionics_temp.yellow_high"),
    ],
)
def test_limit_rule_refuses_bands_that_cannot_work(bands: LimitBands, key: str) -> None:
    with pytest.raises(RuleError) as caught:
        LimitRule("avionics_temp", AlarmSeverity.WARNING, "thermal.avionics_temp_c", bands)
    assert caught.value.key == key


def test_rules_refuse_a_persistence_below_one() -> None:
    with pytest.raises(RuleError, match=r"\[battery_soc.persistence\]"):
        soc_rule(persistence=0)


@pytest.mark.parametrize(
    ("options", "key", "reason"),
    [
        (RuleOptions(persistence=0), "persistence", "persistence 0 must be at least 1"),
        (RuleOptions(stale_after_s=0.0), "stale_after_s", "stale_after_s 0.0 must be > 0"),
        (RuleOptions(stale_after_s=math.inf), "stale_after_s", "stale_after_s inf must be > 0"),
        (RuleOptions(modes=frozenset()), "modes", "modes is empty; leave it out to run in"),
    ],
)
def test_every_rule_kind_refuses_options_that_cannot_work_with_the_key_and_reason(
    options: RuleOptions, key: str, reason: str
) -> None:
    kinds = [
        lambda: LimitRule(
            "r", AlarmSeverity.WATCH, "a.b", LimitBands(red_low=0.0), options=options
        ),
        lambda: DeltaRule("r", AlarmSeverity.WATCH, "a.b", 1.0, options=options),
        lambda: ExpectedRule("r", AlarmSeverity.WATCH, "a.b", 1, options=options),
        lambda: StalenessRule("r", AlarmSeverity.WATCH, "a.b", options=options),
    ]
    for build in kinds:
        with pytest.raises(RuleError) as caught:
            build()
        assert caught.value.key == f"r.{key}"
        assert caught.value.reason.startswith(reason)


def test_a_staleness_rule_needs_stale_after_s() -> None:
    with pytest.raises(RuleError, match=r"\[r.stale_after_s\] a staleness rule needs"):
        StalenessRule("r", AlarmSeverity.WATCH, "a.b", options=RuleOptions())


def test_a_rule_keeps_its_options_and_its_description() -> None:
    options = RuleOptions(persistence=3, description="the battery running down")
    rule = LimitRule(
        "soc", AlarmSeverity.WATCH, "power.battery_soc", LimitBands(red_low=0.2), options=options
    )
    assert (rule.options, rule.description) == (options, "the battery running down")


# --- modes ----------------------------------------------------------------------------------


def mode_dependent_soc_rule() -> LimitRule:
    return LimitRule(
        "battery_soc",
        AlarmSeverity.CRITICAL,
        "power.battery_soc",
        LimitBands(red_low=0.2),
        limits_by_mode={"safe": LimitBands(red_low=0.1)},
    )


def test_per_mode_limits_apply_while_the_spacecraft_is_in_that_mode() -> None:
    engine = RuleEngine([mode_dependent_soc_rule()])
    assert engine.update(0.0, {"fdir.mode": "safe", "power.battery_soc": 0.15}) == []
    (transition,) = engine.update(1.0, {"fdir.mode": "nominal", "power.battery_soc": 0.15})
    assert transition.new_state is RuleState.RED_LOW


def test_a_packet_is_judged_by_the_mode_it_reports_whatever_the_key_order() -> None:
    engine = RuleEngine([mode_dependent_soc_rule()])
    assert engine.update(0.0, {"power.battery_soc": 0.15, "fdir.mode": "safe"}) == []


def test_the_condition_names_the_mode_whose_limits_apply() -> None:
    rule = mode_dependent_soc_rule()
    RuleEngine([rule]).update(0.0, {"fdir.mode": "safe", "power.battery_soc": 0.05})
    assert rule.condition(rule.state) == "power.battery_soc < 0.1 (red) in mode safe"


def test_a_rule_limited_to_some_modes_rests_at_green_outside_them() -> None:
    pump = ExpectedRule(
        "pump_on",
        AlarmSeverity.DISTRESS,
        "thermal.pump_on",
        True,
        options=RuleOptions(modes=frozenset({"nominal"})),
    )
    engine = RuleEngine([pump])
    (violated,) = engine.update(0.0, {"fdir.mode": "nominal", "thermal.pump_on": False})
    assert violated.new_state is RuleState.VIOLATED
    (back,) = engine.update(1.0, {"fdir.mode": "safe", "thermal.pump_on": False})
    assert back.new_state is GREEN
    assert engine.update(2.0, {"thermal.pump_on": False}) == []


# --- delta ----------------------------------------------------------------------------------


def test_delta_rule_flags_a_step_between_consecutive_samples() -> None:
    rule = DeltaRule("bus_jump", AlarmSeverity.WARNING, "power.bus_voltage_v", 1.5)
    engine = RuleEngine([rule])
    assert feed(engine, "power.bus_voltage_v", [28.0, 28.5, 29.0]) == []
    (transition,) = engine.update(3.0, {"power.bus_voltage_v": 31.0})
    assert transition.new_state is RuleState.VIOLATED
    assert transition.condition == "power.bus_voltage_v changes by more than 1.5 per sample"


def test_delta_rule_per_second_divides_by_the_time_between_samples() -> None:
    rule = DeltaRule("bus_jump", AlarmSeverity.WARNING, "power.bus_voltage_v", 1.0, per_second=True)
    engine = RuleEngine([rule])
    engine.update(0.0, {"power.bus_voltage_v": 28.0})
    assert engine.update(10.0, {"power.bus_voltage_v": 33.0}) == []  # 0.5 V/s
    (transition,) = engine.update(11.0, {"power.bus_voltage_v": 35.0})  # 2 V/s
    assert transition.new_state is RuleState.VIOLATED


def test_delta_per_second_waits_for_time_to_advance_before_judging() -> None:
    rule = DeltaRule("bus_jump", AlarmSeverity.WARNING, "power.bus_voltage_v", 1.0, per_second=True)
    engine = RuleEngine([rule])
    engine.update(0.0, {"power.bus_voltage_v": 28.0})
    assert engine.update(0.0, {"power.bus_voltage_v": 28.5}) == []
    # The rate runs from the first sample at 0 s: 1.05 V/s (from the second it would be 0.93).
    (transition,) = engine.update(4.0, {"power.bus_voltage_v": 32.2})
    assert transition.new_state is RuleState.VIOLATED


def test_delta_rule_applies_persistence() -> None:
    rule = DeltaRule(
        "bus_jump",
        AlarmSeverity.WARNING,
        "power.bus_voltage_v",
        1.0,
        options=RuleOptions(persistence=2),
    )
    engine = RuleEngine([rule])
    assert feed(engine, "power.bus_voltage_v", [28.0, 30.0, 30.0]) == []
    (transition,) = feed(engine, "power.bus_voltage_v", [32.0, 34.0], start_s=3.0)
    assert transition.time_s == 4.0


# --- expected -------------------------------------------------------------------------------


def test_expected_rule_wants_one_value() -> None:
    rule = ExpectedRule(
        "pump_on",
        AlarmSeverity.DISTRESS,
        "thermal.pump_on",
        True,
        options=RuleOptions(persistence=2),
    )
    engine = RuleEngine([rule])
    assert feed(engine, "thermal.pump_on", [True, False]) == []
    (transition,) = engine.update(2.0, {"thermal.pump_on": False})
    assert transition.condition == "thermal.pump_on != true for 2 samples"
    assert transition.value is False


def test_expected_rule_accepts_any_value_of_a_set() -> None:
    rule = ExpectedRule("mode", AlarmSeverity.WATCH, "fdir.mode", ["nominal", "safe"])
    engine = RuleEngine([rule])
    assert feed(engine, "fdir.mode", ["nominal", "safe"]) == []
    (transition,) = engine.update(2.0, {"fdir.mode": "survival"})
    assert transition.condition == 'fdir.mode not in {"nominal", "safe"}'


# --- staleness ------------------------------------------------------------------------------


def signal_rule() -> StalenessRule:
    return StalenessRule(
        "signal_stale",
        AlarmSeverity.WARNING,
        "comms.signal_dbm",
        options=RuleOptions(stale_after_s=30.0),
    )


def test_staleness_rule_goes_stale_when_no_sample_arrives_for_too_long() -> None:
    engine = RuleEngine([signal_rule()])
    engine.update(0.0, {"comms.signal_dbm": -90.0})
    assert engine.tick(30.0) == []
    (transition,) = engine.tick(30.5)
    assert transition.new_state is RuleState.STALE
    assert transition.condition == "no update of comms.signal_dbm for 30 s"
    assert engine.tick(60.0) == []


def test_a_fresh_sample_ends_staleness_at_once() -> None:
    engine = RuleEngine([signal_rule()])
    engine.update(0.0, {"comms.signal_dbm": -90.0})
    engine.tick(31.0)
    (transition,) = engine.update(32.0, {"comms.signal_dbm": -91.0})
    assert (transition.old_state, transition.new_state) == (RuleState.STALE, GREEN)


def test_a_parameter_never_received_goes_stale_after_the_engine_starts() -> None:
    engine = RuleEngine([signal_rule()])
    engine.update(100.0, {"power.battery_soc": 0.9})
    assert engine.tick(129.0) == []
    assert [t.new_state for t in engine.tick(131.0)] == [RuleState.STALE]


def test_a_limit_rule_with_stale_after_s_goes_stale_and_says_so() -> None:
    rule = avionics_rule(stale_after_s=10.0)
    engine = RuleEngine([rule])
    engine.update(0.0, {"thermal.avionics_temp_c": 20.0})
    (transition,) = engine.tick(11.0)
    assert transition.new_state is RuleState.STALE
    assert transition.severity is AlarmSeverity.DISTRESS
    assert transition.condition == "no update of thermal.avionics_temp_c for 10 s"


def test_garbage_values_do_not_keep_a_limit_rule_fresh() -> None:
    engine = RuleEngine([avionics_rule(stale_after_s=10.0)])
    engine.update(0.0, {"thermal.avionics_temp_c": 20.0})
    engine.update(9.0, {"thermal.avionics_temp_c": "ERR"})
    assert [t.new_state for t in engine.tick(11.0)] == [RuleState.STALE]


# --- combinations ---------------------------------------------------------------------------


def runaway_engine(operator: str = "all") -> RuleEngine:
    pump = ExpectedRule("pump_on", AlarmSeverity.DISTRESS, "thermal.pump_on", True)
    runaway = CombinationRule(
        "thermal_runaway", AlarmSeverity.SEVERE, operator, ["avionics_temp", "pump_on"]
    )
    return RuleEngine([runaway, avionics_rule(), pump])


def test_all_combination_is_violated_only_when_every_operand_is() -> None:
    engine = runaway_engine("all")
    engine.update(0.0, {"thermal.avionics_temp_c": 60.0})
    assert engine.states()["thermal_runaway"] is GREEN
    changed = engine.update(1.0, {"thermal.pump_on": False})
    assert [t.rule for t in changed] == ["pump_on", "thermal_runaway"]
    assert changed[1].severity is AlarmSeverity.SEVERE
    assert changed[1].condition == "all(avionics_temp, pump_on)"


def test_any_combination_is_violated_when_one_operand_is() -> None:
    engine = runaway_engine("any")
    changed = engine.update(0.0, {"thermal.avionics_temp_c": 50.0})
    assert [t.rule for t in changed] == ["avionics_temp", "thermal_runaway"]
    changed = engine.update(1.0, {"thermal.avionics_temp_c": 20.0})
    assert [t.new_state for t in changed] == [GREEN, GREEN]


def test_not_combination_holds_while_its_operand_is_green_from_the_start() -> None:
    watchdog = CombinationRule("no_alarm_ever", AlarmSeverity.WATCH, "not", ["signal_stale"])
    engine = RuleEngine([signal_rule(), watchdog])
    (transition,) = engine.update(0.0, {"comms.signal_dbm": -90.0})
    assert transition.rule == "no_alarm_ever"
    assert transition.condition == "not(signal_stale)"
    assert [t.rule for t in engine.tick(40.0)] == ["signal_stale", "no_alarm_ever"]


def test_combinations_of_combinations_follow_their_operands_in_order() -> None:
    inner = CombinationRule("power_trouble", AlarmSeverity.CRITICAL, "any", ["battery_soc"])
    outer = CombinationRule("anything", AlarmSeverity.WARNING, "any", ["power_trouble"])
    engine = RuleEngine([outer, inner, soc_rule()])
    changed = engine.update(0.0, {"power.battery_soc": 0.1})
    assert [t.rule for t in changed] == ["battery_soc", "power_trouble", "anything"]


def test_a_stale_operand_counts_as_violated() -> None:
    any_stale = CombinationRule("link_doubt", AlarmSeverity.WARNING, "any", ["signal_stale"])
    engine = RuleEngine([signal_rule(), any_stale])
    engine.update(0.0, {"comms.signal_dbm": -90.0})
    assert [t.rule for t in engine.tick(31.0)] == ["signal_stale", "link_doubt"]


@pytest.mark.parametrize(
    ("rules", "reason"),
    [
        ([soc_rule(), soc_rule()], "duplicate rule name"),
        ([CombinationRule("c", AlarmSeverity.WATCH, "any", ["nothing"])], "names no rule"),
        (
            [
                CombinationRule("a", AlarmSeverity.WATCH, "any", ["b"]),
                CombinationRule("b", AlarmSeverity.WATCH, "not", ["a"]),
            ],
            "cycle: a -> b -> a",
        ),
    ],
)
def test_engine_refuses_inconsistent_rule_sets(rules: list[Rule], reason: str) -> None:
    with pytest.raises(RuleError, match=reason):
        RuleEngine(rules)


# --- engine ---------------------------------------------------------------------------------


def test_engine_runs_only_the_rules_that_read_the_updated_parameters() -> None:
    engine = RuleEngine([soc_rule(), avionics_rule()])
    engine.update(0.0, {"power.battery_soc": 0.1, "navigation.altitude_km": 400.0})
    assert engine.states() == {"battery_soc": RuleState.RED_LOW, "avionics_temp": GREEN}


def test_several_rules_may_read_the_same_parameter() -> None:
    jump = DeltaRule("soc_jump", AlarmSeverity.WATCH, "power.battery_soc", 0.5)
    engine = RuleEngine([soc_rule(), jump])
    engine.update(0.0, {"power.battery_soc": 0.9})
    changed = engine.update(1.0, {"power.battery_soc": 0.1})
    assert {t.rule for t in changed} == {"battery_soc", "soc_jump"}
