"""Reading rule files: the example file loads, and bad files are refused with file, key, reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from ground.errors import RuleError
from ground.rules.engine import AlarmSeverity, RuleEngine, RuleState
from ground.rules.kinds import (
    CombinationRule,
    DeltaRule,
    ExpectedRule,
    LimitBands,
    LimitRule,
    StalenessRule,
)
from ground.rules.loader import load_rules

EXAMPLE = Path(__file__).parents[3] / "configs" / "rules" / "leo_smallsat.toml"

LIMIT = """
[[rule]]
name = "battery_soc"
kind = "limit"
severity = "critical"
parameter = "power.battery_soc"
red_low = 0.2
yellow_low = 0.3
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.toml"
    path.write_text(text)
    return path


def refusal(tmp_path: Path, text: str) -> RuleError:
    path = write(tmp_path, text)
    with pytest.raises(RuleError) as caught:
        load_rules(path)
    assert caught.value.path == str(path)
    return caught.value


def test_the_example_file_loads_every_rule_kind() -> None:
    rules = load_rules(EXAMPLE)
    kinds = {type(rule) for rule in rules}
    assert kinds == {LimitRule, DeltaRule, ExpectedRule, StalenessRule, CombinationRule}
    RuleEngine(rules)  # and forms a consistent set


def test_the_example_battery_rule_reads_as_written() -> None:
    rules = {rule.name: rule for rule in load_rules(EXAMPLE)}
    battery = rules["battery_soc"]
    assert isinstance(battery, LimitRule)
    assert battery.bands == LimitBands(red_low=0.3, yellow_low=0.5)
    assert battery.limits_by_mode == {"safe": LimitBands(red_low=0.15, yellow_low=0.25)}
    assert (battery.severity, battery.yellow_severity) == (
        AlarmSeverity.CRITICAL,
        AlarmSeverity.WARNING,
    )
    assert (battery.persistence, battery.stale_after_s) == (2, 120.0)


def test_per_mode_limits_inherit_the_keys_they_do_not_give(tmp_path: Path) -> None:
    text = LIMIT + "[rule.limits.safe]\nred_low = 0.1\n"
    (rule,) = load_rules(write(tmp_path, text))
    assert isinstance(rule, LimitRule)
    assert rule.limits_by_mode["safe"] == LimitBands(red_low=0.1, yellow_low=0.3)


def test_loaded_rules_run_in_the_engine(tmp_path: Path) -> None:
    engine = RuleEngine(load_rules(write(tmp_path, LIMIT)))
    (transition,) = engine.update(0.0, {"power.battery_soc": 0.25})
    assert transition.new_state is RuleState.YELLOW_LOW
    assert transition.severity is AlarmSeverity.DISTRESS


def test_a_refusal_reads_file_key_reason(tmp_path: Path) -> None:
    error = refusal(tmp_path, LIMIT.replace('"limit"', '"limits"'))
    assert str(error).startswith(f"{tmp_path / 'rules.toml'}: [rule.battery_soc.kind] ")
    assert "unknown kind 'limits'" in error.reason


@pytest.mark.parametrize(
    ("text", "key", "reason"),
    [
        (LIMIT.replace('parameter = "power.battery_soc"\n', ""), "parameter", "is missing"),
        (LIMIT.replace("yellow_low = 0.3", "yellow_low = 0.1"), "yellow_low", "inside the red"),
        (LIMIT + "persistence = 0\n", "persistence", "at least 1"),
        (LIMIT + "persistence = true\n", "persistence", "expected int"),
        (LIMIT + "red_hihg = 9.0\n", "red_hihg", "unknown key"),
        (LIMIT.replace('"critical"', '"bad"'), "severity", "unknown severity 'bad'"),
        (LIMIT.replace("0.2", '"0.2"'), "red_low", "expected int or float"),
        (
            LIMIT + 'modes = ["nominal"]\n[rule.limits.safe]\nred_low = 0.1\n',
            "limits.safe",
            "not in modes",
        ),
        (LIMIT + "[rule.limits.safe]\nred_low = 0.5\n", "limits.safe.yellow_low", "inside the red"),
        (LIMIT + "[rule.limits.safe]\nred = 0.5\n", "limits.safe.red", "unknown key"),
    ],
)
def test_bad_limit_rules_are_refused(tmp_path: Path, text: str, key: str, reason: str) -> None:
    error = refusal(tmp_path, text)
    assert error.key == f"rule.battery_soc.{key}"
    assert reason in error.reason


def test_a_delta_rule_needs_a_known_per(tmp_path: Path) -> None:
    text = """
[[rule]]
name = "jump"
kind = "delta"
severity = "warning"
parameter = "power.bus_voltage_v"
max_delta = 1.5
per = "minute"
"""
    assert refusal(tmp_path, text).key == "rule.jump.per"


def test_a_staleness_rule_needs_its_duration(tmp_path: Path) -> None:
    text = """
[[rule]]
name = "signal_stale"
kind = "staleness"
severity = "warning"
parameter = "comms.signal_dbm"
"""
    error = refusal(tmp_path, text)
    assert (error.key, error.reason) == ("rule.signal_stale.stale_after_s", "is missing")


def combination(name: str, operator: str, operands: str) -> str:
    return (
        f'\n[[rule]]\nname = "{name}"\nkind = "combination"\nseverity = "warning"\n'
        f'operator = "{operator}"\noperands = {operands}\n'
    )


@pytest.mark.parametrize(
    ("text", "key", "reason"),
    [
        (
            LIMIT + combination("c", "any", '["battery_soc", "ghost"]'),
            "rule.c.operands",
            "'ghost' names no rule",
        ),
        (LIMIT + combination("c", "xor", '["battery_soc"]'), "rule.c.operator", "unknown operator"),
        (LIMIT + combination("c", "not", '["battery_soc", "c"]'), "rule.c.operands", "one operand"),
        (LIMIT + LIMIT, "rule.battery_soc.name", "duplicate rule name"),
        (
            LIMIT
            + combination("a", "any", '["b"]')
            + combination("b", "all", '["a", "battery_soc"]'),
            "rule.a.operands",
            "cycle: a -> b -> a",
        ),
    ],
)
def test_bad_rule_sets_are_refused(tmp_path: Path, text: str, key: str, reason: str) -> None:
    error = refusal(tmp_path, text)
    assert error.key == key
    assert reason in error.reason


def test_a_rule_without_a_name_is_refused_by_its_position(tmp_path: Path) -> None:
    error = refusal(tmp_path, LIMIT + '\n[[rule]]\nkind = "limit"\n')
    assert (error.key, error.reason) == ("rule[1].name", "is missing")


def test_an_unknown_top_level_key_is_refused(tmp_path: Path) -> None:
    assert refusal(tmp_path, 'mode_param = "fdir.mode"\n' + LIMIT).key == "mode_param"


def test_a_file_without_rules_is_refused(tmp_path: Path) -> None:
    assert refusal(tmp_path, "# nothing yet\n").key == "rule"


def test_a_file_that_is_not_toml_is_refused_as_a_whole(tmp_path: Path) -> None:
    error = refusal(tmp_path, "[[rule]\nname = ")
    assert (error.key, error.reason[:14]) == ("-", "not valid TOML")


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match=r"\[-\] no such file"):
        load_rules(tmp_path / "absent.toml")


@pytest.mark.parametrize(
    ("text", "key", "reason"),
    [
        (LIMIT + "red_hihg = 9.0\n", "rule.battery_soc.red_hihg", "unknown key for a limit rule; did you mean red_high?"),
        (LIMIT.replace('"limit"', '"limt"'), "rule.battery_soc.kind", "unknown kind 'limt'; did you mean limit?"),
        ('mode_paramter = "fdir.mode"\n' + LIMIT, "mode_paramter", "unknown key for a rule file; did you mean mode_parameter?"),
        (LIMIT.replace("0.2", "nan"), "rule[0].red_low", "expected a finite number, found nan"),
        (LIMIT + "stale_after_s = 1e9\n", "rule.battery_soc.stale_after_s", "expected a number from 0 to 2.592e+06 s, found 1e+09"),
        (LIMIT + "persistence = 100000\n", "rule.battery_soc.persistence", "expected at most 10000 samples"),
        (LIMIT.replace('"battery_soc"', f'"{"b" * 65}"'), "rule[0].name", "expected at most 64 characters, found 65"),
    ],
)  # fmt: skip
def test_misspellings_and_values_out_of_range_are_refused_with_the_closest_name(
    tmp_path: Path, text: str, key: str, reason: str
) -> None:
    error = refusal(tmp_path, text)
    assert (error.key, error.reason) == (key, reason)


def test_a_binary_rule_file_is_refused_as_binary(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_bytes(b"\x00\x01\x02" * 100)
    with pytest.raises(RuleError) as caught:
        load_rules(path)
    assert (caught.value.key, caught.value.reason) == (
        "-",
        "is a binary file (it holds NUL bytes), not a rule file",
    )
