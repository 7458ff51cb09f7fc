"""What a plot draws over its samples: the limits the ground judged by, alarm spans, commands and
faults; and a figure for every subsystem, in the dictionary's units."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ground.archive.schema import RULES_JUDGED
from ground.archive.store import Archive
from ground.plots.figures import _Context, _marks, _pyplot, plot_parameters, plot_run
from ground.plots.groups import GROUPS, Panel, dictionary_parameters, groups_for
from ground.plots.marks import AlarmSpan, Limit, Marks
from ground.process.records import rules_judged
from ground.rules.kinds import LimitBands, LimitRule, StalenessRule
from ground.rules.parameter_rule import RuleOptions
from ground.vocabulary import AlarmSeverity

DICTIONARY = {
    "subsystems": [
        {"name": "power", "telemetry": [
            {"name": "battery_soc", "unit": "", "kind": "float"},
            {"name": "bus_voltage_v", "unit": "V", "kind": "float"},
        ]},
        {"name": "propulsion", "telemetry": [
            {"name": "tank_pressure_kpa", "unit": "kPa", "kind": "float"},
            {"name": "bottle_pressure_kpa", "unit": "kPa", "kind": "float"},
            {"name": "propellant_kg", "unit": "kg", "kind": "float"},
            {"name": "thrusting", "unit": "", "kind": "bool"},
        ]},
    ]
}  # fmt: skip


@pytest.fixture
def archive_path(tmp_path: Path) -> Path:
    """An hour of power and propulsion reports, judged by two rules, one alarm, one command and
    one fault."""
    archive = Archive.create(tmp_path, "marks", {"mission": "test-sat"})
    bands = LimitBands(red_low=27.0, yellow_low=29.0, yellow_high=34.0, red_high=34.6)
    rules = [
        LimitRule(
            "bus_voltage", AlarmSeverity.CRITICAL, "power.bus_voltage_v", bands,
            limits_by_mode={"safe": LimitBands(red_low=26.0)},
            options=RuleOptions(mode_parameter="fdir.mode"),
        ),
        StalenessRule(
            "soc_stale", AlarmSeverity.WARNING, "power.battery_soc",
            options=RuleOptions(stale_after_s=60.0),
        ),
    ]  # fmt: skip
    archive.set_meta(RULES_JUDGED, rules_judged(rules))
    archive.set_meta("dictionary", json.dumps(DICTIONARY))
    for step in range(61):
        time_s = 60.0 * step
        archive.record_housekeeping(
            time_s, "power", {"battery_soc": 0.9, "bus_voltage_v": 31.0 - step / 10}
        )
        archive.record_housekeeping(
            time_s,
            "propulsion",
            {"tank_pressure_kpa": 1700.0, "bottle_pressure_kpa": 20900.0 - step,
             "propellant_kg": 25.0, "thrusting": False},
        )  # fmt: skip
    archive.record_alarm(1200.0, "bus_voltage", "triggered", "warning", "bus < 29 V (yellow)", 28.9)
    archive.record_alarm(1500.0, "bus_voltage", "escalated", "critical", "bus < 27 V (red)", 26.9)
    archive.record_alarm(1800.0, "bus_voltage", "returned", "critical", "bus < 27 V (red)", 29.5)
    archive.record_alarm(3000.0, "soc_stale", "triggered", "warning", "no sample for 60 s", None)
    archive.record_command(600.0, "navigation.set_attitude_mode", {"mode": "nadir"})
    archive.record_injection(900.0, "power", "cell_failure", "inject")
    archive.close()
    return tmp_path / "marks.sqlite"


def test_the_limits_alarm_spans_and_moments_of_a_run(archive_path: Path) -> None:
    with Archive.open(archive_path) as archive:
        marks = Marks.read(archive, None, None, 1)
    assert marks.limits_of(["power.bus_voltage_v"]) == [
        Limit(27.0, "red", "bus_voltage red_low"),
        Limit(29.0, "yellow", "bus_voltage yellow_low"),
        Limit(34.0, "yellow", "bus_voltage yellow_high"),
        Limit(34.6, "red", "bus_voltage red_high"),
        Limit(26.0, "red", "bus_voltage red_low in safe", mode="safe"),
    ]
    assert marks.limits_of(["power.battery_soc"]) == []  # a staleness rule has no bands
    assert marks.alarms_of(["power.bus_voltage_v"]) == [
        AlarmSpan(1200.0, 1800.0, "bus_voltage", red=True)  # escalated to critical
    ]
    assert marks.alarms_of(["power.battery_soc"]) == [
        AlarmSpan(3000.0, None, "soc_stale", red=False)  # still raised at the end
    ]
    assert [(m.time_s, m.kind) for m in marks.moments] == [(600.0, "command"), (900.0, "fault")]


def test_an_alarm_raised_before_the_range_is_shaded_from_its_start(archive_path: Path) -> None:
    with Archive.open(archive_path) as archive:
        marks = Marks.read(archive, 1400.0, 2400.0, 1)
        later = Marks.read(archive, 2000.0, None, 1)
    assert marks.alarms_of(["power.bus_voltage_v"]) == [
        AlarmSpan(1400.0, 1800.0, "bus_voltage", red=True)
    ]
    assert later.alarms_of(["power.bus_voltage_v"]) == []  # it ended before the range


def test_an_archive_without_judged_rules_has_no_limits(tmp_path: Path) -> None:
    with Archive.create(tmp_path, "bare", {"mission": "test-sat"}) as archive:
        archive.record_housekeeping(0.0, "power", {"bus_voltage_v": 30.0})
        marks = Marks.read(archive, None, None, 1)
    assert marks.limits == {} and marks.alarms == {} and marks.moments == []


def test_every_subsystem_that_recorded_numbers_gets_a_figure_by_unit() -> None:
    known = [
        "power.battery_soc", "propulsion.tank_pressure_kpa", "propulsion.bottle_pressure_kpa",
        "propulsion.propellant_kg", "propulsion.thrusting",
    ]  # fmt: skip
    groups = groups_for(known, dictionary_parameters(json.dumps(DICTIONARY)))
    assert [g.key for g in groups] == [g.key for g in GROUPS] + ["propulsion"]
    propulsion = groups[-1]
    assert [(p.ylabel, p.patterns) for p in propulsion.panels] == [
        ("kPa", ("propulsion.tank_pressure_kpa", "propulsion.bottle_pressure_kpa")),
        ("kg", ("propulsion.propellant_kg",)),
    ]  # booleans are not plotted


def test_a_run_plots_every_subsystem_and_named_parameters_take_the_dictionarys_unit(
    archive_path: Path, tmp_path: Path
) -> None:
    written = plot_run(archive_path, tmp_path / "figures")
    assert sorted(path.stem.rsplit("-", 1)[1] for path in written) == ["power", "propulsion"]
    figure = plot_parameters(archive_path, ["power.bus_voltage_v"], tmp_path / "bus.png")
    assert figure.read_bytes()[:4] == b"\x89PNG"


def test_limit_lines_and_alarm_spans_are_drawn_on_their_parameters_panel(
    archive_path: Path,
) -> None:
    plt = _pyplot()
    with Archive.open(archive_path) as archive:
        context = _Context.read(archive, None, None, None)
    figure, ax = plt.subplots()
    try:
        _marks(ax, Panel("Bus", ("power.bus_voltage_v",), "V"), ["power.bus_voltage_v"], context)
        horizontal = sorted(line.get_ydata()[0] for line in ax.get_lines() if _flat(line))
        assert horizontal == [26.0, 27.0, 29.0, 34.0, 34.6]  # safe mode's own red low too
        vertical = sorted(line.get_xdata()[0] for line in ax.get_lines() if not _flat(line))
        assert vertical == [600.0 / 3600.0, 900.0 / 3600.0]  # the command, the fault (hours)
        assert len(ax.patches) == 1  # the alarm span
    finally:
        plt.close(figure)


def _flat(line: object) -> bool:
    ydata = line.get_ydata()  # type: ignore[attr-defined]
    return bool(ydata[0] == ydata[-1] and line.get_xdata()[0] != line.get_xdata()[-1])  # type: ignore[attr-defined]
