"""Propulsion: rocket equation, burns over ticks, pressurant and faults."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pytest

from flightsw.config.mission_context import MissionContext
from flightsw.config.section import Section
from flightsw.errors import CommandError, ConfigError, FaultError
from flightsw.icd.errorcodes import ErrorCode
from flightsw.icd.services import Severity
from flightsw.physics.constants import (
    GAS_CONSTANT_J_MOL_K,
    STANDARD_GRAVITY_M_S2,
    ZERO_CELSIUS_K,
)
from flightsw.subsystems.events import Event
from flightsw.subsystems.navigation.model import BURN, BurnApplied, NavigationModel
from flightsw.subsystems.propulsion.model import (
    PropulsionConfig,
    PropulsionModel,
    PropulsionState,
    burn_direction,
    delta_v_m_s,
    mass_flow_kg_s,
    propellant_for_delta_v_kg,
)
from flightsw.subsystems.topics import (
    NAVIGATION,
    POWER,
    PROPULSION,
    THERMAL,
    LoadDemand,
    NavigationFix,
    PowerStatus,
    PropulsionStatus,
    ThermalStatus,
    load_topic,
)

CONTEXT = MissionContext("test", 1_700_000_000.0, seed=7)
TOLERANCE_M_S = 1e-6
TOLERANCE_KG = 1e-6
TOLERANCE_KPA = 0.01
POSITION_M = (7_000_000.0, 0.0, 0.0)
VELOCITY_M_S = (0.0, 7546.0, 0.0)
FIX = NavigationFix(0.0, POSITION_M, VELOCITY_M_S, 621_863.0, 1.0, 1.0, 0.0, "sun", True, 1e6)
INPUTS: dict[str, Any] = {NAVIGATION: FIX}


def run(
    model: PropulsionModel,
    state: PropulsionState,
    seconds: int,
    inputs: Mapping[str, Any] = INPUTS,
    start_s: float = 0.0,
) -> tuple[PropulsionState, list[Event], list[BurnApplied]]:
    """Step one second at a time, collecting events and the burns published to navigation."""
    events: list[Event] = []
    burns: list[BurnApplied] = []
    for i in range(seconds):
        outcome = model.step(state, start_s + i, 1.0, inputs)
        state = outcome.state
        events.extend(outcome.events)
        burn = model.publish(state).get(BURN)
        if burn is not None:
            burns.append(burn)
    return state, events, burns


def armed(model: PropulsionModel) -> PropulsionState:
    """The initial state after one tick (so a fix is known) and an arm command."""
    state, _, _ = run(model, model.initial_state(), 1)
    return model.execute(state, "arm", {}).state


def big_engine() -> PropulsionModel:
    """The rocket-equation example: 1000 kg with 200 kg of propellant at Isp 300 s.

    From docs/references.md#orbits-and-light-time.
    """
    return PropulsionModel(
        CONTEXT,
        PropulsionConfig(
            dry_mass_kg=800.0,
            propellant_kg=200.0,
            propellant_capacity_kg=200.0,
            tank_volume_m3=0.25,
            thrust_n=400.0,
            isp_s=300.0,
            bottle_volume_m3=0.05,
        ),
    )


def names(events: list[Event]) -> list[str]:
    return [e.name for e in events]


def test_rocket_equation_matches_the_reference_example() -> None:
    # docs/references.md#orbits-and-light-time: Isp 300 s, 1000 kg -> 800 kg gives Δv ≈ 656.5 m/s.
    assert delta_v_m_s(300.0, 1000.0, 800.0) == pytest.approx(656.5, abs=0.05)
    assert propellant_for_delta_v_kg(300.0, 1000.0, 656.48) == pytest.approx(200.0, abs=0.01)


def test_mass_flow_is_thrust_over_isp_times_g0() -> None:
    # g0 = 9.80665 m/s², standard gravity (docs/references.md#physics-constants).
    assert mass_flow_kg_s(22.0, 220.0) == pytest.approx(22.0 / (220.0 * 9.80665), rel=1e-12)


def test_default_tank_starts_at_the_regulated_pressure() -> None:
    model = PropulsionModel.from_config(Section({}, "test.toml", "subsystems.propulsion"), CONTEXT)
    hk = model.housekeeping(model.initial_state())
    assert hk["tank_pressure_kpa"] == pytest.approx(1500.0, abs=TOLERANCE_KPA)
    assert hk["bottle_pressure_kpa"] == pytest.approx(20_000.0, abs=TOLERANCE_KPA)
    assert hk["spacecraft_mass_kg"] == pytest.approx(200.0)


def test_a_tank_too_small_for_its_propellant_is_refused() -> None:
    section = Section({"tank_volume_m3": 0.01}, "test.toml", "subsystems.propulsion")
    with pytest.raises(ConfigError, match="tank_volume_m3"):
        PropulsionModel.from_config(section, CONTEXT)


def test_a_delta_v_burn_delivers_its_delta_v_over_ticks_by_the_rocket_equation() -> None:
    model = big_engine()
    state = armed(model)
    state = model.execute(state, "burn_dv", {"delta_v_m_s": 600.0, "direction": "prograde"}).state
    state, events, burns = run(model, state, 2000, start_s=1.0)
    assert "burn_completed" in names(events)
    total = np.sum([b.delta_v_m_s for b in burns], axis=0)
    assert np.linalg.norm(total) == pytest.approx(600.0, abs=TOLERANCE_M_S)
    assert state.delta_v_total_m_s == pytest.approx(600.0, abs=TOLERANCE_M_S)
    used_kg = 200.0 - state.propellant_kg
    assert used_kg == pytest.approx(1000.0 * -math.expm1(-600.0 / (300.0 * 9.80665)), abs=1e-6)
    # One BurnApplied per tick, each at its own time, so navigation applies every one once.
    times = [b.time_s for b in burns]
    assert len(set(times)) == len(times)


def test_a_duration_burn_burns_mass_flow_times_duration() -> None:
    model = PropulsionModel(CONTEXT)
    state = armed(model)
    state = model.execute(state, "burn_duration", {"duration_s": 10.0, "direction": "normal"}).state
    state, events, burns = run(model, state, 15, start_s=1.0)
    flow_kg_s = 22.0 / (220.0 * STANDARD_GRAVITY_M_S2)
    assert 20.0 - state.propellant_kg == pytest.approx(10.0 * flow_kg_s, abs=TOLERANCE_KG)
    assert len(burns) == 10
    done = [e for e in events if e.name == "burn_completed"]
    assert done[0].severity == Severity.INFO


def test_a_burn_commanded_between_ticks_fires_from_its_command_time() -> None:
    model = PropulsionModel(CONTEXT)
    state = armed(model)  # one tick done: the clock stands at T+1 s
    args = {"duration_s": 10.0, "direction": "normal"}
    state = model.execute_at(state, "burn_duration", args, 1.25).state  # a quarter into a tick
    state, events, _ = run(model, state, 1, start_s=1.0)  # the tick from T+1 to T+2
    flow_kg_s = 22.0 / (220.0 * STANDARD_GRAVITY_M_S2)
    assert 20.0 - state.propellant_kg == pytest.approx(0.75 * flow_kg_s, abs=TOLERANCE_KG)
    state, events, _ = run(model, state, 10, start_s=2.0)
    done = [e for e in events if e.name == "burn_completed"]
    assert dict(done[0].params)["duration_s"] == pytest.approx(10.0, abs=1e-9)  # to T+11.25
    assert 20.0 - state.propellant_kg == pytest.approx(10.0 * flow_kg_s, abs=TOLERANCE_KG)


def test_directions_are_the_orbit_frame_axes() -> None:
    def along(direction: str) -> list[float]:
        return list(burn_direction(direction, POSITION_M, VELOCITY_M_S))

    assert along("prograde") == pytest.approx([0.0, 1.0, 0.0])
    assert along("retrograde") == pytest.approx([0.0, -1.0, 0.0])
    assert along("normal") == pytest.approx([0.0, 0.0, 1.0])  # along r × v
    assert along("antinormal") == pytest.approx([0.0, 0.0, -1.0])
    assert along("radial") == pytest.approx([1.0, 0.0, 0.0])
    assert along("antiradial") == pytest.approx([-1.0, 0.0, 0.0])


def test_a_retrograde_burn_is_published_against_the_velocity() -> None:
    model = PropulsionModel(CONTEXT)
    state = armed(model)
    state = model.execute(state, "burn_dv", {"delta_v_m_s": 0.5, "direction": "retrograde"}).state
    _, _, burns = run(model, state, 1, start_s=1.0)
    assert burns[0].delta_v_m_s[1] < 0.0
    assert burns[0].delta_v_m_s[0] == pytest.approx(0.0)


def test_burning_unarmed_is_not_allowed() -> None:
    model = PropulsionModel(CONTEXT)
    state, _, _ = run(model, model.initial_state(), 1)
    with pytest.raises(CommandError) as refused:
        model.execute(state, "burn_dv", {"delta_v_m_s": 1.0, "direction": "prograde"})
    assert refused.value.code == ErrorCode.NOT_ALLOWED


def test_a_burn_beyond_the_propellant_is_not_allowed() -> None:
    model = PropulsionModel(CONTEXT)  # 200 kg with 20 kg of propellant: ≈ 227 m/s at most
    with pytest.raises(CommandError) as refused:
        model.execute(armed(model), "burn_dv", {"delta_v_m_s": 300.0, "direction": "prograde"})
    assert refused.value.code == ErrorCode.NOT_ALLOWED


def test_burn_arguments_are_checked_by_the_dictionary() -> None:
    spec = PropulsionModel(CONTEXT).command_spec("burn_dv")
    for bad in ({"delta_v_m_s": 0.0}, {"delta_v_m_s": 1.0, "direction": "up"}):
        with pytest.raises(CommandError) as refused:
            spec.validate(bad)
        assert refused.value.code == ErrorCode.BAD_ARGUMENT


def test_arming_an_unpowered_propulsion_is_not_allowed() -> None:
    model = PropulsionModel(CONTEXT)
    off = {**INPUTS, POWER: PowerStatus(28.0, 0.8, (("propulsion", False),))}
    state, _, _ = run(model, model.initial_state(), 1, off)
    with pytest.raises(CommandError) as refused:
        model.execute(state, "arm", {})
    assert refused.value.code == ErrorCode.NOT_ALLOWED


def test_status_and_load_are_published() -> None:
    model = PropulsionModel(CONTEXT)
    topics = model.publish(armed(model))
    status = topics[PROPULSION]
    assert isinstance(status, PropulsionStatus)
    assert status.armed and not status.thrusting
    assert topics[load_topic("propulsion")] == LoadDemand("propulsion", 2.0 + 8.0)


def test_a_stuck_open_thruster_fires_without_a_burn_until_safed() -> None:
    model = PropulsionModel(CONTEXT)
    state = model.inject(armed(model), "thruster_stuck_open", {})
    state, events, burns = run(model, state, 5, start_s=1.0)
    assert "uncommanded_thrust" in names(events)
    assert len(burns) == 5 and model.housekeeping(state)["thrusting"]
    # FDIR's answer: safe closes the latch valve upstream of the stuck valve.
    state = model.execute(state, "safe", {}).state
    before_kg = state.propellant_kg
    state, _, burns = run(model, state, 5, start_s=6.0)
    assert burns == [] and state.propellant_kg == before_kg
    assert model.housekeeping(state)["faults_active"] == 1


def test_a_failed_thruster_ends_its_burn_short_with_no_thrust() -> None:
    model = PropulsionModel(CONTEXT)
    state = model.inject(armed(model), "thruster_failed", {})
    state = model.execute(state, "burn_dv", {"delta_v_m_s": 1.0, "direction": "prograde"}).state
    state, events, burns = run(model, state, 30, start_s=1.0)
    done = [e for e in events if e.name == "burn_completed"]
    assert burns == [] and len(done) == 1
    assert done[0].severity == Severity.MEDIUM and "no thrust" in done[0].message
    assert done[0].params_dict()["shortfall_m_s"] == pytest.approx(1.0)
    assert state.burn is None and state.propellant_kg == 20.0


def test_a_leak_drains_propellant_and_is_reported_once() -> None:
    model = PropulsionModel(CONTEXT)
    state = model.inject(model.initial_state(), "leak", {"rate_kg_per_s": 0.01})
    state, events, _ = run(model, state, 100)
    assert state.propellant_kg == pytest.approx(20.0 - 1.0, abs=TOLERANCE_KG)
    assert names(events).count("propellant_loss_unexplained") == 1
    # The regulator tops up the growing ullage: the feed pressure holds.
    assert model.housekeeping(state)["tank_pressure_kpa"] == pytest.approx(1500.0, abs=0.01)
    cleared = model.clear(state, "leak")
    assert run(model, cleared, 10)[0].propellant_kg == state.propellant_kg


def test_a_leak_in_the_feed_stops_when_the_latch_valve_closes_and_one_in_the_tank_does_not() -> (
    None
):
    model = PropulsionModel(CONTEXT)
    for location, after_safe_kg in (("feed", 0.0), ("tank", 0.1)):
        params = {"rate_kg_per_s": 0.01, "location": location}
        state = model.inject(armed(model), "leak", params)
        state, _, _ = run(model, state, 10, start_s=1.0)
        assert state.propellant_kg == pytest.approx(20.0 - 0.1, abs=TOLERANCE_KG)
        safed = model.execute(state, "safe", {}).state
        later, _, _ = run(model, safed, 10, start_s=11.0)
        lost_kg = state.propellant_kg - later.propellant_kg
        assert lost_kg == pytest.approx(after_safe_kg, abs=TOLERANCE_KG), location


def blowdown(**overrides: Any) -> PropulsionModel:
    return PropulsionModel(CONTEXT, PropulsionConfig(pressurization="blowdown", **overrides))


def test_a_blowdown_tank_follows_boyles_law_as_propellant_leaves() -> None:
    model = blowdown()
    state = model.inject(model.initial_state(), "leak", {"rate_kg_per_s": 0.1})
    state, _, _ = run(model, state, 100)  # 10 kg gone
    ullage_before_m3 = 0.030 - 20.0 / 1004.0
    ullage_after_m3 = 0.030 - 10.0 / 1004.0
    expected_kpa = 2200.0 * ullage_before_m3 / ullage_after_m3  # isothermal: P·V constant
    assert model.housekeeping(state)["tank_pressure_kpa"] == pytest.approx(expected_kpa, abs=0.01)


def test_a_blowdown_tank_warms_at_constant_volume_by_gay_lussacs_law() -> None:
    model = blowdown()
    warm = {**INPUTS, THERMAL: ThermalStatus((("tank", 40.0),))}
    state, _, _ = run(model, model.initial_state(), 1, warm)
    expected_kpa = 2200.0 * (40.0 + ZERO_CELSIUS_K) / (20.0 + ZERO_CELSIUS_K)
    assert model.housekeeping(state)["tank_pressure_kpa"] == pytest.approx(expected_kpa, abs=0.01)
    assert model.housekeeping(state)["tank_temp_c"] == pytest.approx(40.0)


def test_blowdown_thrust_falls_with_the_feed_pressure() -> None:
    model = blowdown()
    state = armed(model)
    args = {"duration_s": 1500.0, "direction": "prograde"}
    state = model.execute(state, "burn_duration", args).state
    first, _, _ = run(model, state, 1, start_s=1.0)
    late, _, _ = run(model, first, 1000, start_s=2.0)
    assert late.thrust_n < first.thrust_n
    ratio = model.tank_pressure_pa(late) / model.tank_pressure_pa(first)
    assert late.thrust_n / first.thrust_n == pytest.approx(ratio, rel=1e-3)


def test_a_regulator_blows_down_once_its_bottle_cannot_hold_the_set_pressure() -> None:
    # A 1 L bottle at 3 MPa: 3000 J of p·V, against 1500 kPa·(30 L − 20 kg/1004 kg/m³) ≈ 15 kJ
    # to refill once the tank is empty, so the regulator drops out on the way.
    model = PropulsionModel(
        CONTEXT, PropulsionConfig(bottle_volume_m3=0.001, bottle_pressure_kpa=3000.0)
    )
    state = model.inject(model.initial_state(), "leak", {"rate_kg_per_s": 0.1})
    state, _, _ = run(model, state, 200)  # empty
    total_mol = state.tank_gas_mol + state.bottle_gas_mol
    equal_kpa = total_mol * GAS_CONSTANT_J_MOL_K * state.tank_temp_k / (0.030 + 0.001) / 1e3
    assert model.housekeeping(state)["tank_pressure_kpa"] == pytest.approx(equal_kpa, abs=0.01)
    assert equal_kpa < 1500.0


def test_a_failed_open_regulator_lets_the_tank_pressure_drift_high() -> None:
    model = PropulsionModel(CONTEXT)
    state = model.inject(model.initial_state(), "regulator_fault", {})
    state, events, _ = run(model, state, 60)
    assert model.tank_pressure_pa(state) > 1500e3
    state, more, _ = run(model, state, 6000, start_s=60.0)  # 20 time constants: equalised
    total_mol = state.tank_gas_mol + state.bottle_gas_mol
    ullage_m3 = 0.030 - 20.0 / 1004.0
    equal_kpa = total_mol * GAS_CONSTANT_J_MOL_K * state.tank_temp_k / (ullage_m3 + 0.005) / 1e3
    assert model.housekeeping(state)["tank_pressure_kpa"] == pytest.approx(equal_kpa, rel=1e-6)
    assert names(events + more).count("tank_overpressure") == 1


def test_the_regulator_cannot_fail_in_a_blowdown_system() -> None:
    model = blowdown()
    with pytest.raises(FaultError, match="blowdown"):
        model.inject(model.initial_state(), "regulator_fault", {})


def test_propellant_low_is_raised_once() -> None:
    model = PropulsionModel(CONTEXT, PropulsionConfig(propellant_low_fraction=0.7))
    state = model.inject(model.initial_state(), "leak", {"rate_kg_per_s": 0.1})
    _, events, _ = run(model, state, 50)  # from 80 % to 60 % of capacity
    assert names(events).count("propellant_low") == 1


def test_safe_aborts_a_burn_in_progress() -> None:
    model = PropulsionModel(CONTEXT)
    state = armed(model)
    state = model.execute(state, "burn_dv", {"delta_v_m_s": 1.0, "direction": "prograde"}).state
    state, _, _ = run(model, state, 2, start_s=1.0)
    outcome = model.execute(state, "safe", {})
    assert "burn_aborted" in names(list(outcome.events))
    assert outcome.state.burn is None and not outcome.state.armed


def test_every_fault_clears() -> None:
    model = PropulsionModel(CONTEXT)
    state = model.initial_state()
    for spec in model.faults:
        state = model.inject(state, spec.name, spec.validate({}))
    assert model.housekeeping(state)["faults_active"] == len(model.faults)
    for spec in model.faults:
        state = model.clear(state, spec.name)
    assert model.housekeeping(state)["faults_active"] == 0


def test_navigation_applies_every_tick_of_a_burn_once() -> None:
    navigation = NavigationModel.from_config(
        Section({}, "t.toml", "subsystems.navigation"), CONTEXT
    )
    propulsion = PropulsionModel(CONTEXT)
    nav = navigation.initial_state()
    prop = propulsion.step(propulsion.initial_state(), 0.0, 1.0, {NAVIGATION: nav.fix}).state
    prop = propulsion.execute(prop, "arm", {}).state
    prop = propulsion.execute(prop, "burn_dv", {"delta_v_m_s": 2.0, "direction": "prograde"}).state
    for second in range(1, 40):
        prop = propulsion.step(prop, float(second), 1.0, {NAVIGATION: nav.fix}).state
        nav = navigation.step(nav, float(second), 1.0, propulsion.publish(prop)).state
        # The bus retains the last value: a repeated delivery must not be applied twice.
        nav = navigation.step(nav, float(second) + 1.0, 0.0, propulsion.publish(prop)).state
    assert navigation.housekeeping(nav)["total_dv_m_s"] == pytest.approx(2.0, abs=TOLERANCE_M_S)
