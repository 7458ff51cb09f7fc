"""Telemetry points: a report reads each declared point once, in order, with the declared kind."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fakes import CounterModel, CounterState

from flightsw.config.mission import load_mission
from flightsw.icd.dictionary import ParamSpec
from flightsw.subsystems.base import Subsystem
from flightsw.subsystems.registry import build_models
from flightsw.subsystems.telemetry import point, read_points, specs

ROOT = Path(__file__).resolve().parents[3]
SHIPPED = sorted((ROOT / "configs").glob("*.toml"))
KINDS: dict[str, type] = {"float": float, "int": int, "bool": bool, "str": str}
TICKS = 60  # long enough for every shipped model to see the others' publications


@dataclass(frozen=True)
class Reading:
    doubled: float


class DoublingCounter(CounterModel):
    """A counter whose points read a view of the state rather than the state itself."""

    telemetry_points = (
        point("count", "", "seconds counted", lambda r: r.doubled / 2.0),
        point("twice", "", "twice the seconds counted", lambda r: r.doubled),
    )

    def telemetry_source(self, state: CounterState) -> Reading:
        return Reading(2.0 * state.count)


def test_a_report_reads_every_point_in_the_order_declared() -> None:
    points = (
        point("b", "", "second letter", lambda s: s["b"]),
        point("a", "", "first letter", lambda s: s["a"], "int"),
    )
    assert list(read_points(points, {"a": 1, "b": 2.5}).items()) == [("b", 2.5), ("a", 1)]


def test_the_ground_is_told_each_points_spec_and_nothing_more() -> None:
    points = (point("soc", "", "state of charge", lambda s: 0.5),)
    assert specs(points) == (ParamSpec("soc", "", "state of charge", "float"),)


def test_a_model_reads_its_points_through_its_telemetry_source() -> None:
    model = DoublingCounter()
    assert model.housekeeping(CounterState(count=3.0)) == {"count": 3.0, "twice": 6.0}
    assert [spec.name for spec in model.telemetry] == ["count", "twice"]


def flown_states(models: list[Subsystem[Any]]) -> list[dict[str, Any]]:
    """Each model's state at the start and after every tick of a flight without actors."""
    states = {m.name: m.initial_state() for m in models}
    published: dict[str, Any] = {}
    history = [dict(states)]
    for tick in range(TICKS):
        for m in models:
            states[m.name] = m.step(states[m.name], float(tick), 1.0, published).state
            published.update(m.publish(states[m.name]))
        history.append(dict(states))
    return history


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_value_reported_has_the_kind_its_spec_declares(path: Path) -> None:
    models = build_models(load_mission(path))
    wrong = {
        (m.name, spec.name, type(value).__name__, spec.kind)
        for states in flown_states(models)
        for m in models
        for spec, value in zip(m.telemetry, m.housekeeping(states[m.name]).values(), strict=True)
        if type(value) is not KINDS[spec.kind]
    }
    assert wrong == set()


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_no_two_parameters_of_a_subsystem_share_a_name(path: Path) -> None:
    """A report is keyed by name: a second point of the same name would hide the first."""
    for model in build_models(load_mission(path)):
        names = [spec.name for spec in model.telemetry]
        assert len(names) == len(set(names)), model.name
