"""The thermal model: radiative balance, stability, thermostats, power demand and faults."""

from __future__ import annotations

from typing import Any

import pytest

from flightsw.config.mission_context import MissionContext
from flightsw.config.section import Section
from flightsw.errors import CommandError, ConfigError, FaultError
from flightsw.icd.errorcodes import ErrorCode
from flightsw.physics.constants import STEFAN_BOLTZMANN_W_M2_K4, ZERO_CELSIUS_K
from flightsw.subsystems.power import PowerModel
from flightsw.subsystems.thermal.model import ThermalModel, ThermalState
from flightsw.subsystems.topics import (
    NAVIGATION,
    POWER,
    LoadDemand,
    NavigationFix,
    PowerStatus,
    ThermalStatus,
)

CONTEXT = MissionContext("test", 1_710_903_960.0, 0)
HALF_KELVIN = 0.5


def model(**config: Any) -> ThermalModel:
    return ThermalModel.from_config(Section(config, "test.toml", "subsystems.thermal"), CONTEXT)


def one_node(temp_c: float = 20.0, **node: Any) -> dict[str, Any]:
    """A single box with a radiator and one heater, so each test can reason in closed form."""
    return {
        "nodes": [
            {
                "name": "box",
                "heat_capacity_j_k": 2000.0,
                "dissipation_w": 50.0,
                "initial_temp_c": temp_c,
                "radiator_area_m2": 0.2,
                "emissivity": 0.8,
                "absorptivity": 0.3,
                **node,
            }
        ],
        "heaters": [
            {"name": "box", "node": "box", "power_w": 20.0, "set_point_c": 0.0, "hysteresis_k": 4.0}
        ],
    }


def run(
    thermal: ThermalModel, state: ThermalState, duration_s: float, dt_s: float, inputs: Any = None
) -> ThermalState:
    for i in range(round(duration_s / dt_s)):
        state = thermal.step(state, i * dt_s, dt_s, inputs or {}).state
    return state


def temp_c(thermal: ThermalModel, state: ThermalState, node: str) -> float:
    value = thermal.housekeeping(state)[f"{node}_temp_c"]
    assert isinstance(value, float)
    return value


def lit_fix(illumination: float) -> NavigationFix:
    return NavigationFix(
        0.0, (7e6, 0, 0), (0, 7.5e3, 0), 6e5, illumination, 1.0, 0.0, "sun", True, 1e6
    )


def test_housekeeping_reports_every_node_and_heater_of_the_config() -> None:
    thermal = model()
    hk = thermal.housekeeping(thermal.initial_state())
    assert {"cabin_temp_c", "avionics_temp_c", "tank_temp_c", "radiator_temp_c"} <= set(hk)
    assert {"tank_heater_on", "tank_set_point_c", "pump_on", "heater_power_w", "radiated_w"} <= set(
        hk
    )


def test_a_single_radiating_node_settles_at_the_radiative_equilibrium() -> None:
    # Q = ε·σ·A·T⁴ at steady state, so T = (Q / (ε·σ·A))^0.25
    # (docs/references.md#spacecraft-engineering, lumped thermal node).
    config = one_node()
    config["heaters"] = []
    thermal = model(**config)
    state = run(thermal, thermal.initial_state(), 86_400.0, 60.0)
    expected_k = (50.0 / (0.8 * STEFAN_BOLTZMANN_W_M2_K4 * 0.2)) ** 0.25
    assert temp_c(thermal, state, "box") + ZERO_CELSIUS_K == pytest.approx(
        expected_k, abs=HALF_KELVIN
    )
    assert thermal.housekeeping(state)["radiated_w"] == pytest.approx(50.0, abs=0.1)


def test_absorbed_sunlight_adds_alpha_area_irradiance() -> None:
    config = one_node()
    config["heaters"] = []
    thermal = model(**config)
    state = run(thermal, thermal.initial_state(), 86_400.0, 60.0, {NAVIGATION: lit_fix(1.0)})
    absorbed_w = 0.3 * 0.2 * 1361.0  # solar constant, docs/references.md#physics-constants
    assert thermal.housekeeping(state)["absorbed_w"] == pytest.approx(absorbed_w)
    expected_k = ((50.0 + absorbed_w) / (0.8 * STEFAN_BOLTZMANN_W_M2_K4 * 0.2)) ** 0.25
    assert temp_c(thermal, state, "box") + ZERO_CELSIUS_K == pytest.approx(
        expected_k, abs=HALF_KELVIN
    )


@pytest.mark.parametrize("dt_s", [1.0, 10.0, 37.0, 60.0])
def test_a_stiff_network_is_stable_at_any_step_up_to_60_s(dt_s: float) -> None:
    # A 50 J/K node on a 100 W/K link has a 0.5 s time constant: explicit Euler at 60 s would
    # explode. The scheme must stay bounded and reach the same steady state.
    config = {
        "nodes": [
            {"name": "chip", "heat_capacity_j_k": 50.0, "dissipation_w": 30.0},
            {
                "name": "plate",
                "heat_capacity_j_k": 500.0,
                "radiator_area_m2": 0.1,
                "emissivity": 0.9,
            },
        ],
        "links": [{"node_a": "chip", "node_b": "plate", "conductance_w_k": 100.0}],
    }
    thermal = model(**config)
    state = run(thermal, thermal.initial_state(), 3 * 3600.0, dt_s)
    plate_k = (30.0 / (0.9 * STEFAN_BOLTZMANN_W_M2_K4 * 0.1)) ** 0.25
    assert temp_c(thermal, state, "plate") + ZERO_CELSIUS_K == pytest.approx(
        plate_k, abs=HALF_KELVIN
    )
    # The chip sits Q/K = 0.3 K above the plate.
    chip_minus_plate_k = temp_c(thermal, state, "chip") - temp_c(thermal, state, "plate")
    assert chip_minus_plate_k == pytest.approx(0.3, abs=0.01)


def test_heater_thermostat_has_hysteresis_around_its_set_point() -> None:
    thermal = model(**one_node())  # set point 0 °C, band ±2 K
    state = thermal.initial_state()

    def at(temp: float, on: bool) -> bool:
        probe = ThermalState((temp + ZERO_CELSIUS_K,), (on,), (True,), (0.0,), heater_stuck=("",))
        return thermal.step(probe, 0.0, 1e-3, {}).state.heater_on[0]

    assert state.heater_on == (False,)
    assert at(-2.5, on=False) is True  # below the band: switches on
    assert at(-1.0, on=True) is True  # inside the band: stays as it was
    assert at(1.0, on=False) is False
    assert at(1.0, on=True) is True
    assert at(2.5, on=True) is False  # above the band: switches off


def test_a_cold_box_cycles_its_heater_inside_the_band() -> None:
    config = one_node(temp_c=-30.0, dissipation_w=0.0)
    config["heaters"][0]["power_w"] = 100.0  # alone it would hold the box at +51 °C
    thermal = model(**config)
    state = thermal.initial_state()
    temps = []
    for i in range(3000):
        state = thermal.step(state, float(i), 10.0, {}).state
        temps.append(temp_c(thermal, state, "box"))
    late = temps[1000:]
    assert min(late) > -2.0 - 0.5 and max(late) < 2.0 + 0.5


def test_heater_power_is_published_as_a_load_demand_for_power() -> None:
    thermal = model(**one_node(temp_c=-30.0))
    state = thermal.step(thermal.initial_state(), 0.0, 10.0, {}).state
    published = thermal.publish(state)
    assert published["load.thermal"] == LoadDemand("thermal", 20.0)
    assert isinstance(published["thermal.status"], ThermalStatus)
    assert published["thermal.status"].temp_c("box") > -30.0


def test_an_unpowered_heater_still_asks_for_power_but_does_not_heat() -> None:
    thermal = model(**one_node(temp_c=-30.0, dissipation_w=0.0))
    cut = {POWER: PowerStatus(28.0, 0.5, (("thermal", False),))}
    powered = thermal.step(thermal.initial_state(), 0.0, 60.0, {}).state
    unpowered = thermal.step(thermal.initial_state(), 0.0, 60.0, cut).state
    assert temp_c(thermal, unpowered, "box") < temp_c(thermal, powered, "box")
    assert thermal.housekeeping(unpowered)["heaters_powered"] is False
    assert thermal.publish(unpowered)["load.thermal"].power_w == 20.0


def test_set_heater_changes_its_set_point_and_enable_flag() -> None:
    thermal = model()
    state = thermal.execute(
        thermal.initial_state(),
        "set_heater",
        {"heater": "tank", "set_point_c": 5.0, "enabled": False},
    ).state
    hk = thermal.housekeeping(state)
    assert hk["tank_set_point_c"] == 5.0
    assert hk["tank_enabled"] is False
    state = thermal.execute(state, "heater_enable", {"heater": "tank", "enabled": True}).state
    assert thermal.housekeeping(state)["tank_enabled"] is True


def test_a_disabled_heater_stays_off_in_the_cold() -> None:
    thermal = model(**one_node(temp_c=-30.0))
    state = thermal.execute(
        thermal.initial_state(), "heater_enable", {"heater": "box", "enabled": False}
    ).state
    assert thermal.step(state, 0.0, 10.0, {}).state.heater_power_w == 0.0


def test_commanding_an_unknown_heater_is_a_bad_argument() -> None:
    thermal = model()
    with pytest.raises(CommandError) as refused:
        thermal.execute(
            thermal.initial_state(), "heater_enable", {"heater": "warp", "enabled": True}
        )
    assert refused.value.code == ErrorCode.BAD_ARGUMENT


def test_the_pump_cools_the_avionics_and_draws_power() -> None:
    thermal = model()
    pumped = thermal.execute(thermal.initial_state(), "pump", {"on": True}).state
    without = run(thermal, thermal.initial_state(), 6 * 3600.0, 60.0)
    with_pump = run(thermal, pumped, 6 * 3600.0, 60.0)
    assert temp_c(thermal, with_pump, "avionics") < temp_c(thermal, without, "avionics") - 1.0
    hk = thermal.housekeeping(with_pump)
    assert hk["pump_on"] is True and hk["pump_running"] is True
    assert thermal.publish(with_pump)["load.thermal"].power_w == pytest.approx(
        with_pump.heater_power_w + 10.0
    )


def test_pump_command_without_a_coolant_loop_is_not_allowed() -> None:
    thermal = model(**one_node())
    with pytest.raises(CommandError) as refused:
        thermal.execute(thermal.initial_state(), "pump", {"on": True})
    assert refused.value.code == ErrorCode.NOT_ALLOWED


def test_a_failed_pump_neither_cools_nor_draws_power() -> None:
    thermal = model()
    pumped = thermal.execute(thermal.initial_state(), "pump", {"on": True}).state
    failed = thermal.inject(pumped, "pump_failure", {})
    assert thermal.housekeeping(failed)["pump_running"] is False
    assert thermal.pump_power_w(failed) == 0.0
    without = run(thermal, thermal.initial_state(), 3600.0, 60.0)
    assert run(thermal, failed, 3600.0, 60.0).temps_k == without.temps_k
    assert thermal.housekeeping(thermal.clear(failed, "pump_failure"))["pump_running"] is True


def test_a_heater_stuck_on_heats_above_its_set_point() -> None:
    thermal = model(**one_node(temp_c=30.0))
    stuck = thermal.inject(thermal.initial_state(), "heater_stuck_on", {"heater": "box"})
    state = thermal.step(stuck, 0.0, 10.0, {}).state
    assert state.heater_on == (True,)
    assert state.heater_power_w == 20.0
    assert thermal.step(
        thermal.clear(state, "heater_stuck_on"), 10.0, 10.0, {}
    ).state.heater_on == (False,)


def test_a_heater_stuck_off_stays_off_in_the_cold() -> None:
    thermal = model(**one_node(temp_c=-30.0))
    stuck = thermal.inject(thermal.initial_state(), "heater_stuck_off", {"heater": "box"})
    assert thermal.step(stuck, 0.0, 10.0, {}).state.heater_power_w == 0.0


def test_injecting_a_fault_into_an_unknown_heater_is_refused() -> None:
    thermal = model()
    with pytest.raises(FaultError):
        thermal.inject(thermal.initial_state(), "heater_stuck_on", {"heater": "warp"})


def test_radiator_loss_warms_the_radiator_and_cuts_its_area() -> None:
    config = one_node()
    config["heaters"] = []
    thermal = model(**config)
    lossy = thermal.inject(thermal.initial_state(), "radiator_loss", {"fraction": 0.5})
    assert thermal.housekeeping(lossy)["radiator_area_m2"] == pytest.approx(0.1)
    state = run(thermal, lossy, 86_400.0, 60.0)
    expected_k = (50.0 / (0.8 * STEFAN_BOLTZMANN_W_M2_K4 * 0.1)) ** 0.25
    assert temp_c(thermal, state, "box") + ZERO_CELSIUS_K == pytest.approx(
        expected_k, abs=HALF_KELVIN
    )
    assert thermal.housekeeping(thermal.clear(lossy, "radiator_loss"))[
        "radiator_area_m2"
    ] == pytest.approx(0.2)


@pytest.mark.parametrize(
    "config",
    [
        {"nodes": []},
        {"nodes": [{"name": "a"}]},  # heat capacity missing
        {"nodes": [{"name": "a", "heat_capacity_j_k": -1.0}]},
        {
            "nodes": [{"name": "a", "heat_capacity_j_k": 1.0}],
            "links": [{"node_a": "a", "node_b": "b", "conductance_w_k": 1.0}],
        },
        {"nodes": [{"name": "a", "heat_capacity_j_k": 1.0, "emissivity": 1.5}]},
        {
            "nodes": [{"name": "a", "heat_capacity_j_k": 1.0}],
            "pump": {"nodes": ["a"]},
        },  # no radiator
        {"max_substep_s": 0.0},
    ],
)
def test_bad_config_values_are_refused(config: dict[str, Any]) -> None:
    with pytest.raises(ConfigError):
        model(**config)


def test_power_sees_the_heater_demand_as_the_thermal_consumer() -> None:
    thermal = model(**one_node(temp_c=-30.0))
    power = PowerModel.from_config(Section({}, "test.toml", "subsystems.power"), CONTEXT)
    state = thermal.step(thermal.initial_state(), 0.0, 10.0, {}).state
    power_state = power.step(power.initial_state(), 0.0, 10.0, thermal.publish(state)).state
    hk = power.housekeeping(power_state)
    assert hk["thermal_load_w"] == 20.0
    assert hk["load_power_w"] == 20.0 + 20.0  # plus the default 20 W avionics
