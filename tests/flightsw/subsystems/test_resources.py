"""Resource accounting: use rates, time remaining, sentinels and low-consumable events."""

from __future__ import annotations

import math
from typing import Any

import pytest

from flightsw.config.mission_context import MissionContext
from flightsw.config.section import Section
from flightsw.errors import ConfigError
from flightsw.icd.services import Severity
from flightsw.physics.constants import DAY_S
from flightsw.subsystems.events import Event
from flightsw.subsystems.resources import (
    NOT_DEPLETING,
    UNKNOWN,
    ResourcesModel,
    ResourcesState,
)
from flightsw.subsystems.topics import (
    LIFE_SUPPORT,
    POWER,
    PROPULSION,
    LifeSupportStatus,
    PowerStatus,
    PropulsionStatus,
)

CONTEXT = MissionContext("test", 0.0, seed=1)
O2_KG_PER_CREW_DAY = 0.84  # NASA RP-1324 (BVAD 2004: 0.835)
CREW = 3
TOLERANCE_KG_DAY = 1e-6
TOLERANCE_DAYS = 1e-4
STEP_S = 60.0


def model(**keys: Any) -> ResourcesModel:
    return ResourcesModel.from_config(Section(keys, "test.toml", "subsystems.resources"), CONTEXT)


def life(o2_kg: float, water_kg: float = 100.0) -> LifeSupportStatus:
    return LifeSupportStatus(101.3, 21.0, 0.4, o2_kg, water_kg, CREW, 2.52, 10.0)


def breathe(
    m: ResourcesModel, state: ResourcesState, o2_kg: float, steps: int
) -> tuple[ResourcesState, float, list[Event]]:
    """Three crew use O2 at 0.84 kg/day each for `steps` minutes; returns what is left."""
    use_kg_s = CREW * O2_KG_PER_CREW_DAY / DAY_S
    events: list[Event] = []
    for k in range(steps):
        outcome = m.step(state, k * STEP_S, STEP_S, {LIFE_SUPPORT: life(o2_kg)})
        state, o2_kg = outcome.state, o2_kg - use_kg_s * STEP_S
        events.extend(outcome.events)
    return state, o2_kg, events


def test_three_crew_use_2_52_kg_of_o2_a_day_and_25_2_kg_lasts_ten_days() -> None:
    m = model()
    state, _, _ = breathe(
        m, m.initial_state(), 25.2 + CREW * O2_KG_PER_CREW_DAY * STEP_S / DAY_S, 2
    )
    hk = m.housekeeping(state)
    assert hk["o2_rate_kg_day"] == pytest.approx(2.52, abs=TOLERANCE_KG_DAY)
    assert hk["o2_days_remaining"] == pytest.approx(10.0, abs=TOLERANCE_DAYS)


def test_the_rate_is_a_moving_average_with_the_configured_time_constant() -> None:
    # The use stops: after one τ the average keeps e^-1 of the old rate (37 %).
    m = model(rate_time_constant_s=3600.0)
    state, o2_kg, _ = breathe(m, m.initial_state(), 25.0, 3)
    # The first of these steps still sees the last minute of use; 60 more minutes are τ.
    for k in range(61):
        state = m.step(state, k * STEP_S, STEP_S, {LIFE_SUPPORT: life(o2_kg)}).state
    rate = m.housekeeping(state)["o2_rate_kg_day"]
    assert rate == pytest.approx(2.52 * math.exp(-1.0), rel=1e-9)


def test_a_consumable_that_is_not_used_reports_the_not_depleting_sentinel() -> None:
    m = model()
    state = m.initial_state()
    for k in range(3):
        inputs = {PROPULSION: PropulsionStatus(40.0, 50.0, 2000.0, False, False, 150.0, 0)}
        state = m.step(state, k * STEP_S, STEP_S, inputs).state
    hk = m.housekeeping(state)
    assert (hk["propellant_kg"], hk["propellant_days_remaining"]) == (40.0, NOT_DEPLETING)


def test_consumables_without_a_source_are_unknown() -> None:
    # An uncrewed satellite: no life support or propulsion on the bus.
    m = model()
    state = m.step(m.initial_state(), 0.0, STEP_S, {POWER: PowerStatus(28.0, 0.5, ())}).state
    hk = m.housekeeping(state)
    assert math.isnan(hk["o2_kg"]) and hk["o2_days_remaining"] == UNKNOWN  # type: ignore[arg-type]
    assert hk["energy_wh"] == pytest.approx(50.0)  # 0.5 × the default 100 Wh


def test_a_draining_battery_reports_its_power_and_hours_left() -> None:
    # 100 Wh battery losing 1 % per 60 s = 1 Wh/min = 60 W; at 50 Wh it lasts 50/60 h.
    m = model(battery_capacity_wh=100.0)
    state = m.initial_state()
    for k, soc in enumerate((0.51, 0.50)):
        state = m.step(state, k * STEP_S, STEP_S, {POWER: PowerStatus(28.0, soc, ())}).state
    hk = m.housekeeping(state)
    assert hk["energy_rate_w"] == pytest.approx(60.0, rel=1e-9)
    assert hk["energy_hours_remaining"] == pytest.approx(50.0 / 60.0, rel=1e-9)


def test_falling_below_a_threshold_raises_one_event_per_crossing() -> None:
    # 2.52 kg/day: 7.3 days of O2 start above the 7-day threshold and fall below in ~7 h.
    m = model()
    state, o2_kg, events = breathe(m, m.initial_state(), 7.3 * 2.52, 60 * 12)
    names = [(e.name, e.severity) for e in events]
    assert names == [("o2_low", Severity.LOW)]
    assert m.housekeeping(state)["warnings_active"] == 1
    state, _, more = breathe(m, state, o2_kg, 60)
    assert more == []


def test_the_lowest_threshold_is_medium_severity() -> None:
    m = model(thresholds={"o2_days": [1.0]})
    _, _, events = breathe(m, m.initial_state(), 2.52 * 1.01, 60 * 2)
    assert [(e.name, e.severity) for e in events] == [("o2_low", Severity.MEDIUM)]


def test_resupply_re_arms_the_threshold() -> None:
    m = model(thresholds={"o2_days": [1.0]})
    state, _, first = breathe(m, m.initial_state(), 2.52 * 1.01, 60)
    state, _, refilled = breathe(m, state, 2.52 * 5.0, 60 * 4)  # a jump up: rate negative
    state, _, again = breathe(m, state, 2.52 * 1.001, 60 * 4)
    assert len(first) == 1 and refilled == [] and len(again) == 1


def test_an_unknown_threshold_key_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="nitrogen_days"):
        model(thresholds={"nitrogen_days": [3.0]})
