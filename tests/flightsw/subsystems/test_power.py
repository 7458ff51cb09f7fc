"""The power model: solar input, battery balance and clamps, switches, alarms and faults."""

from __future__ import annotations

import math
from typing import Any

import pytest

from flightsw.config.mission_context import MissionContext
from flightsw.config.section import Section
from flightsw.errors import CommandError, ConfigError
from flightsw.icd.errorcodes import ErrorCode
from flightsw.subsystems.navigation.model import NavigationModel
from flightsw.subsystems.power import PowerModel, PowerState
from flightsw.subsystems.topics import NAVIGATION, POWER, LoadDemand, NavigationFix, PowerStatus

CONTEXT = MissionContext("test", 1_710_903_960.0, 0)  # 2024-03-20 03:06 UTC, the equinox
FEW_JOULES = 5.0


def model(**config: Any) -> PowerModel:
    return PowerModel.from_config(Section(config, "test.toml", "subsystems.power"), CONTEXT)


def fix(illumination: float = 1.0, incidence_rad: float = 0.0, au: float = 1.0) -> NavigationFix:
    return NavigationFix(
        0.0,
        (7e6, 0.0, 0.0),
        (0.0, 7.5e3, 0.0),
        6e5,
        illumination,
        au,
        incidence_rad,
        "sun",
        True,
        1e6,
    )


def sunlit(**extra: Any) -> dict[str, Any]:
    return {NAVIGATION: fix(), **extra}


def test_each_consumer_reports_its_load_and_switch_after_the_battery_and_arrays() -> None:
    power = model(consumers=["thermal", "payload"])
    names = list(power.housekeeping(power.initial_state()))
    assert names[-6:] == [
        "avionics_load_w",
        "avionics_switch_on",
        "thermal_load_w",
        "thermal_switch_on",
        "payload_load_w",
        "payload_switch_on",
    ]


def test_solar_power_at_1_au_normal_incidence_is_1361_times_area_times_efficiency() -> None:
    # docs/references.md#physics-constants: solar constant 1361 W/m² (Kopp & Lean 2011);
    # P = S·A·η at normal incidence.
    power = model(array_area_m2=2.0, array_efficiency=0.3)
    state = power.step(power.initial_state(), 0.0, 1.0, sunlit()).state
    assert state.solar_power_w == pytest.approx(1361.0 * 2.0 * 0.3, abs=1e-9)


def test_solar_power_falls_with_the_square_of_sun_distance_and_with_shadow() -> None:
    power = model(array_area_m2=1.0, array_efficiency=0.3)
    at_mars = power.step(power.initial_state(), 0.0, 1.0, {NAVIGATION: fix(au=1.524)}).state
    assert at_mars.solar_power_w == pytest.approx(1361.0 * 0.3 / 1.524**2)
    dark = power.step(power.initial_state(), 0.0, 1.0, {NAVIGATION: fix(0.0)}).state
    assert dark.solar_power_w == 0.0


def test_fixed_arrays_lose_power_as_cos_incidence_and_tracking_recovers_it() -> None:
    power = model(array_drive_range_deg=60.0)
    tilted = {NAVIGATION: fix(incidence_rad=math.radians(70.0))}
    tracking = power.step(power.initial_state(), 0.0, 1.0, tilted).state
    assert math.degrees(tracking.incidence_rad) == pytest.approx(10.0)  # 70 − the 60 deg range
    fixed = power.execute(power.initial_state(), "array_pointing", {"mode": "fixed"}).state
    fixed = power.step(fixed, 0.0, 1.0, tilted).state
    assert fixed.solar_power_w == pytest.approx(
        tracking.solar_power_w * math.cos(math.radians(70.0)) / math.cos(math.radians(10.0))
    )


def test_battery_balance_over_one_orbit_matches_the_energy_in_and_out() -> None:
    # Navigation drives power over a 400 km orbit with a 36 min eclipse; every step's net power,
    # through the charge or discharge efficiency, must add up to the change in stored energy.
    nav = NavigationModel.from_config(Section({"inclination_deg": 0.0}, "t", "n"), CONTEXT)
    power = model(battery_capacity_wh=200.0, initial_soc=0.5, loads={"avionics": 60.0})
    nav_state, state = nav.initial_state(), power.initial_state()
    start_j, expected_j, dt_s = state.charge_j, 0.0, 10.0
    for i in range(556):  # one 92.6 min period
        nav_state = nav.step(nav_state, i * dt_s, dt_s, {}).state
        state = power.step(state, i * dt_s, dt_s, nav.publish(nav_state)).state
        net_w = state.solar_power_w - state.load_power_w
        expected_j += net_w * dt_s * (0.95 if net_w > 0.0 else 1.0 / 0.95)
        assert 0.0 < state.charge_j < state.capacity_j  # no clamping in this test
    assert state.charge_j - start_j == pytest.approx(expected_j, abs=FEW_JOULES)
    assert power.housekeeping(state)["load_power_w"] == 60.0


def test_battery_clamps_at_capacity_and_shunts_the_surplus() -> None:
    power = model(initial_soc=0.99)
    state = power.initial_state()
    for i in range(1000):
        state = power.step(state, float(i), 10.0, sunlit()).state
    assert state.charge_j == state.capacity_j
    assert state.soc == 1.0
    assert state.battery_power_w == 0.0
    # Floating at full charge with no current: bus voltage is the open-circuit 8 × 4.15 V.
    assert state.bus_voltage_v == pytest.approx(33.2)


def test_battery_clamps_at_zero_and_raises_low_and_undervoltage_once() -> None:
    power = model(initial_soc=0.25)
    state, names = power.initial_state(), list[str]()
    for i in range(300):
        outcome = power.step(state, float(i), 60.0, {NAVIGATION: fix(0.0)})
        state = outcome.state
        names.extend(e.name for e in outcome.events)
    assert state.charge_j == 0.0
    assert names.count("battery_low") == 1
    assert names.count("undervoltage") == 1
    assert power.housekeeping(state)["battery_low"] is True


def test_battery_low_fires_again_only_after_recovering_above_its_threshold() -> None:
    power = model(initial_soc=0.21, battery_capacity_wh=1.0)
    state, names = power.initial_state(), list[str]()
    for lit, steps in ((0.0, 10), (1.0, 10), (0.0, 20)):
        for i in range(steps):
            outcome = power.step(state, float(i), 10.0, {NAVIGATION: fix(lit)})
            state = outcome.state
            names.extend(e.name for e in outcome.events)
    assert names.count("battery_low") == 2


def test_bus_voltage_drops_by_the_discharge_current_times_resistance() -> None:
    power = model(internal_resistance_ohm=0.5, initial_soc=1.0, loads={"avionics": 33.2})
    state = power.step(power.initial_state(), 0.0, 1.0, {NAVIGATION: fix(0.0)}).state
    # 33.2 W from a ≈33.2 V pack is ≈1 A, so ≈0.5 V of I·R drop.
    assert state.bus_voltage_v == pytest.approx(33.2 - 0.5, abs=0.01)


def test_bus_consumers_appear_switched_on_and_switching_them_off_removes_their_load() -> None:
    power = model()
    inputs = sunlit(**{"load.payload": LoadDemand("payload", 40.0)})
    state = power.step(power.initial_state(), 0.0, 1.0, inputs).state
    assert state.load_power_w == 60.0
    status = power.publish(state)[POWER]
    assert isinstance(status, PowerStatus) and status.powered("payload")
    state = power.execute(state, "load_off", {"consumer": "payload", "force": False}).state
    state = power.step(state, 1.0, 1.0, inputs).state
    assert state.load_power_w == 20.0
    assert not power.publish(state)[POWER].powered("payload")
    state = power.execute(state, "load_on", {"consumer": "payload"}).state
    assert power.step(state, 2.0, 1.0, inputs).state.load_power_w == 60.0


def test_switching_an_unknown_consumer_is_a_bad_argument() -> None:
    power = model()
    with pytest.raises(CommandError) as refused:
        power.execute(power.initial_state(), "load_on", {"consumer": "warp_drive"})
    assert refused.value.code == ErrorCode.BAD_ARGUMENT


def test_an_essential_load_is_switched_off_only_with_force() -> None:
    power = model()
    with pytest.raises(CommandError) as refused:
        power.execute(power.initial_state(), "load_off", {"consumer": "avionics", "force": False})
    assert refused.value.code == ErrorCode.NOT_ALLOWED
    forced = power.execute(
        power.initial_state(), "load_off", {"consumer": "avionics", "force": True}
    )
    assert power.housekeeping(forced.state)["avionics_switch_on"] is False


def test_disabled_arrays_produce_nothing() -> None:
    power = model()
    state = power.execute(power.initial_state(), "array_enable", {"enabled": False}).state
    state = power.step(state, 0.0, 1.0, sunlit()).state
    assert state.solar_power_w == 0.0
    assert power.housekeeping(state)["array_enabled"] is False


def test_cell_failure_cuts_capacity_and_clamps_the_charge() -> None:
    power = model(battery_capacity_wh=100.0, initial_soc=1.0)
    failed = power.inject(power.initial_state(), "cell_failure", {"capacity_loss_fraction": 0.25})
    hk = power.housekeeping(failed)
    assert hk["battery_capacity_wh"] == pytest.approx(75.0)
    assert hk["battery_charge_wh"] == pytest.approx(75.0)
    assert hk["faults_active"] == 1
    assert power.housekeeping(power.clear(failed, "cell_failure"))["battery_capacity_wh"] == 100.0


def test_array_degradation_scales_the_output() -> None:
    power = model()
    healthy = power.step(power.initial_state(), 0.0, 1.0, sunlit()).state
    degraded = power.inject(power.initial_state(), "array_degraded", {"fraction": 0.5})
    degraded = power.step(degraded, 0.0, 1.0, sunlit()).state
    assert degraded.solar_power_w == pytest.approx(0.5 * healthy.solar_power_w)


def test_a_stuck_array_keeps_its_angle_while_the_sun_moves() -> None:
    power = model()
    state = power.step(power.initial_state(), 0.0, 1.0, {NAVIGATION: fix(1.0, 0.3)}).state
    state = power.inject(state, "array_stuck", {})
    state = power.step(state, 1.0, 1.0, {NAVIGATION: fix(1.0, 0.9)}).state
    assert state.drive_angle_rad == pytest.approx(0.3)
    assert state.incidence_rad == pytest.approx(0.6)
    unstuck = power.step(power.clear(state, "array_stuck"), 2.0, 1.0, {NAVIGATION: fix(1.0, 0.9)})
    assert unstuck.state.incidence_rad == pytest.approx(0.0)


def test_a_load_short_draws_extra_until_the_consumer_is_switched_off() -> None:
    power = model()
    shorted = power.inject(
        power.initial_state(), "load_short", {"consumer": "avionics", "extra_w": 50.0}
    )
    assert power.step(shorted, 0.0, 1.0, sunlit()).state.load_power_w == 70.0
    off = power.execute(shorted, "load_off", {"consumer": "avionics", "force": True}).state
    assert power.step(off, 0.0, 1.0, sunlit()).state.load_power_w == 0.0
    assert (
        power.step(power.clear(shorted, "load_short"), 0.0, 1.0, sunlit()).state.load_power_w
        == 20.0
    )


def test_without_a_navigation_fix_there_is_no_solar_input() -> None:
    power = model()
    assert power.step(power.initial_state(), 0.0, 1.0, {}).state.solar_power_w == 0.0


def test_initial_state_is_charged_as_configured() -> None:
    state: PowerState = model(battery_capacity_wh=50.0, initial_soc=0.4).initial_state()
    assert state.charge_j == pytest.approx(0.4 * 50.0 * 3600.0)


@pytest.mark.parametrize(
    "config",
    [
        {"battery_capacity_wh": 0.0},
        {"initial_soc": 1.5},
        {"charge_efficiency": 0.0},
        {"array_pointing": "moon_tracking"},
        {"loads": {"avionics": -1.0}},
        {"essential": "avionics"},
        {"cells_in_series": 0},
    ],
)
def test_bad_config_values_are_refused(config: dict[str, Any]) -> None:
    with pytest.raises(ConfigError):
        model(**config)
