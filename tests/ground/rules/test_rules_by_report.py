"""Feeding a subsystem's report to the rule engine gives what feeding full names gives."""

from __future__ import annotations

from pathlib import Path

from ground.rules.engine import RuleEngine
from ground.rules.loader import load_rules

RULES = Path(__file__).resolve().parents[3] / "configs" / "rules" / "leo_smallsat.toml"


def test_a_report_by_subsystem_trips_the_same_rules_at_the_same_times_as_full_names() -> None:
    by_name, by_report = RuleEngine(load_rules(RULES)), RuleEngine(load_rules(RULES))
    soc = [0.9, 0.8, 0.45, 0.44, 0.2, 0.2, 0.2, 0.6, 0.7]
    volts = [33.0, 33.0, 31.0, 25.0, 25.0, 25.0, 32.0, 32.0, 32.0]
    named, reported = [], []
    for i, (s, v) in enumerate(zip(soc, volts, strict=True)):
        report = {"battery_soc": s, "bus_voltage_v": v, "array_enabled": True}
        named += by_name.update(10.0 * i, {f"power.{k}": x for k, x in report.items()})
        reported += by_report.update_report(10.0 * i, "power", report)
    assert named == reported
    assert {t.rule for t in named} >= {"battery_soc", "bus_voltage", "power_trouble"}
