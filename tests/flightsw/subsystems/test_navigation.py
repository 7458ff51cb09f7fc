"""The navigation model: orbit, eclipse, attitude, stations, corrections and faults."""

from __future__ import annotations

import calendar
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pytest

from flightsw.config.mission_context import GroundStation, MissionContext
from flightsw.config.section import Section
from flightsw.errors import CommandError, ConfigError
from flightsw.icd.dictionary import Scalar
from flightsw.icd.errorcodes import ErrorCode
from flightsw.physics import orbit
from flightsw.physics.constants import EARTH_GM_M3_S2, EARTH_RADIUS_M
from flightsw.subsystems.navigation.model import (
    BURN,
    BurnApplied,
    NavigationModel,
    NavigationState,
)

# USNO: March equinox 2024-03-20 03:06 UTC, so the Sun lies in the equatorial plane.
EQUINOX_UNIX_S = float(calendar.timegm((2024, 3, 20, 3, 6, 0)))
LEO_PERIOD_S = orbit.period_s(EARTH_RADIUS_M + 400e3, EARTH_GM_M3_S2)
ONE_DEGREE = 1.0
ONE_MILLIMETRE_M = 1e-3


def context(*stations: GroundStation) -> MissionContext:
    return MissionContext("test", EQUINOX_UNIX_S, 0, stations)


def model(stations: tuple[GroundStation, ...] = (), **config: Any) -> NavigationModel:
    return NavigationModel.from_config(
        Section(config, "test.toml", "subsystems.navigation"), context(*stations)
    )


def number(hk: Mapping[str, Scalar], key: str) -> float:
    """A numeric housekeeping value (typed, so arithmetic on it type-checks)."""
    value = hk[key]
    assert isinstance(value, int | float) and not isinstance(value, bool)
    return float(value)


def run(
    nav: NavigationModel, state: NavigationState, duration_s: float, dt_s: float = 10.0
) -> tuple[NavigationState, list[str]]:
    """Step for `duration_s`; return the state and the names of the events raised."""
    names: list[str] = []
    for _ in range(round(duration_s / dt_s)):
        outcome = nav.step(state, state.time_s, dt_s, {})
        state = outcome.state
        names.extend(e.name for e in outcome.events)
    return state, names


def test_housekeeping_keys_are_exactly_the_telemetry_dictionary() -> None:
    nav = model()
    assert set(nav.housekeeping(nav.initial_state())) == {p.name for p in nav.telemetry}


def test_default_orbit_is_a_400_km_iss_like_orbit_with_a_92_6_minute_period() -> None:
    nav = model()
    hk = nav.housekeeping(nav.initial_state())
    assert hk["altitude_km"] == pytest.approx(400.0, abs=1e-6)
    # docs/references.md#orbits-and-light-time: a 400 km circular orbit lasts 92.56 min.
    assert hk["period_min"] == pytest.approx(92.6, abs=0.1)
    assert hk["central_body"] == "earth"


def test_a_long_step_is_sub_stepped_at_ten_seconds_at_most() -> None:
    nav = model(j2_enabled=False)
    start = nav.initial_state()
    one_step = nav.step(start, 0.0, 600.0, {}).state
    expected, _ = orbit.propagate(
        np.array(start.position_m), np.array(start.velocity_m_s), 600.0, orbit.EARTH_POINT_MASS
    )
    assert np.linalg.norm(np.array(one_step.position_m) - expected) < ONE_MILLIMETRE_M


def test_orbit_count_increments_once_per_revolution() -> None:
    nav = model(arg_lat_deg=350.0)  # just before the ascending node
    state, _ = run(nav, nav.initial_state(), 2 * LEO_PERIOD_S)
    assert nav.housekeeping(state)["orbit_count"] == 2


def test_an_equatorial_orbit_at_equinox_spends_about_36_minutes_in_eclipse() -> None:
    # docs/references.md#orbits-and-light-time: longest eclipse of a 400 km orbit ≈ 36 min;
    # tolerance 1 min.
    nav = model(inclination_deg=0.0, j2_enabled=False)
    state = nav.initial_state()
    dark_s = 0.0
    names: list[str] = []
    for _ in range(round(LEO_PERIOD_S / 10.0)):
        outcome = nav.step(state, state.time_s, 10.0, {})
        state = outcome.state
        names.extend(e.name for e in outcome.events)
        dark_s += 10.0 if nav.housekeeping(state)["in_eclipse"] else 0.0
    assert dark_s / 60.0 == pytest.approx(36.0, abs=1.0)
    assert names.count("eclipse_entry") == 1
    assert names.count("eclipse_exit") == 1


def test_sun_pointing_has_zero_incidence() -> None:
    nav = model(attitude_mode="sun")
    state, _ = run(nav, nav.initial_state(), 1200.0)
    assert state.fix.sun_incidence_rad == pytest.approx(0.0, abs=1e-9)


def test_nadir_pointing_incidence_is_the_angle_between_zenith_and_the_sun() -> None:
    nav = model(attitude_mode="nadir")  # default array normal: zenith
    state, _ = run(nav, nav.initial_state(), 1200.0)
    zenith = orbit.unit(np.array(state.position_m))
    sun = orbit.unit(orbit.sun_position_m(EQUINOX_UNIX_S + state.time_s) - state.position_m)
    expected = math.acos(float(np.dot(zenith, sun)))
    assert state.fix.sun_incidence_rad == pytest.approx(expected, abs=1e-9)


def test_inertial_mode_holds_the_attitude_it_was_commanded_in() -> None:
    nav = model(attitude_mode="sun")
    state = nav.execute(nav.initial_state(), "set_attitude_mode", {"mode": "inertial"}).state
    state, _ = run(nav, state, LEO_PERIOD_S)
    # Held on the Sun: only the Sun's own motion (≈1 deg/day) opens the angle.
    assert math.degrees(state.fix.sun_incidence_rad) < 0.2 * ONE_DEGREE
    assert nav.housekeeping(state)["attitude_mode"] == "inertial"


def test_along_track_correction_raises_speed_and_semi_major_axis() -> None:
    nav = model()
    state = nav.initial_state()
    before = nav.housekeeping(state)
    state = nav.execute(state, "plan_correction", _plan(along_track_m_s=10.0)).state
    assert nav.housekeeping(state)["planned_dv_m_s"] == pytest.approx(10.0)
    outcome = nav.execute(state, "execute_correction", {})
    after = nav.housekeeping(outcome.state)
    assert number(after, "speed_m_s") - number(before, "speed_m_s") == pytest.approx(10.0, abs=1e-9)
    # Vis-viva: Δa ≈ 2·a·Δv/v = 2 × 6778 km × 10/7669 ≈ 17.7 km.
    growth_km = number(after, "semi_major_axis_km") - number(before, "semi_major_axis_km")
    assert growth_km == pytest.approx(17.7, abs=0.2)
    assert after["total_dv_m_s"] == pytest.approx(10.0)
    assert after["planned_dv_m_s"] == 0.0
    assert [e.name for e in outcome.events] == ["correction_executed"]


def test_inertial_correction_components_are_added_to_the_velocity() -> None:
    nav = model()
    state = nav.execute(nav.initial_state(), "plan_correction", _plan(dv_z_m_s=-3.0)).state
    new = nav.execute(state, "execute_correction", {}).state
    assert new.velocity_m_s[2] - state.velocity_m_s[2] == pytest.approx(-3.0)


def test_executing_without_a_plan_is_not_allowed() -> None:
    nav = model()
    with pytest.raises(CommandError) as refused:
        nav.execute(nav.initial_state(), "execute_correction", {})
    assert refused.value.code == ErrorCode.NOT_ALLOWED


def test_planning_a_zero_correction_is_a_bad_argument() -> None:
    nav = model()
    with pytest.raises(CommandError) as refused:
        nav.execute(nav.initial_state(), "plan_correction", _plan())
    assert refused.value.code == ErrorCode.BAD_ARGUMENT


def test_a_bad_attitude_mode_is_refused_by_the_dictionary() -> None:
    with pytest.raises(CommandError) as refused:
        model().command_spec("set_attitude_mode").validate({"mode": "tumble"})
    assert refused.value.code == ErrorCode.BAD_ARGUMENT


def test_a_propulsion_burn_on_the_bus_is_applied_exactly_once() -> None:
    nav = model()
    state = nav.initial_state()
    burn = {BURN: BurnApplied(time_s=5.0, delta_v_m_s=(0.0, 0.0, 2.0))}
    once = nav.step(state, 0.0, 10.0, burn)
    twice = nav.step(once.state, 10.0, 10.0, burn)
    assert [e.name for e in once.events] == ["burn_applied"]
    assert twice.events == ()
    assert nav.housekeeping(twice.state)["total_dv_m_s"] == pytest.approx(2.0)


def test_sensor_bias_moves_the_reported_fix_but_not_the_true_orbit() -> None:
    nav = model()
    state = nav.initial_state()
    biased = nav.inject(state, "sensor_bias", {"bias_x_m": 0.0, "bias_y_m": 0.0, "bias_z_m": 5e3})
    assert biased.position_m == state.position_m
    assert biased.fix.position_m[2] - state.fix.position_m[2] == pytest.approx(5e3)
    assert nav.housekeeping(biased)["sensor_bias_m"] == pytest.approx(5e3)
    assert nav.clear(biased, "sensor_bias").fix.position_m == state.fix.position_m


def test_wheel_failure_lets_the_array_drift_off_the_sun_and_refuses_slews() -> None:
    nav = model(attitude_mode="sun")
    state = nav.inject(nav.initial_state(), "wheel_failure", {"drift_rate_deg_s": 0.1})
    state, _ = run(nav, state, 300.0)
    hk = nav.housekeeping(state)
    assert hk["attitude_mode"] == "drift"
    assert hk["attitude_control_ok"] is False
    assert hk["sun_incidence_deg"] == pytest.approx(30.0, abs=0.5)  # 0.1 deg/s for 300 s
    with pytest.raises(CommandError) as refused:
        nav.execute(state, "set_attitude_mode", {"mode": "sun"})
    assert refused.value.code == ErrorCode.EXECUTION_FAILED
    recovered = nav.clear(state, "wheel_failure")
    assert recovered.fix.sun_incidence_rad == pytest.approx(0.0, abs=1e-6)


def test_a_station_under_the_spacecraft_sees_it_400_km_away_then_loses_it() -> None:
    start = model(inclination_deg=0.0).initial_state()
    gmst = orbit.gmst_rad(EQUINOX_UNIX_S)
    longitude_deg = math.degrees(math.atan2(start.position_m[1], start.position_m[0]) - gmst)
    station = GroundStation("equator", 0.0, longitude_deg, 0.0, 5.0)
    nav = model((station,), inclination_deg=0.0)
    state = nav.initial_state()
    hk = nav.housekeeping(state)
    assert hk["station_visible"] is True
    assert hk["station_name"] == "equator"
    assert hk["station_range_km"] == pytest.approx(400.0, abs=0.01)
    # docs/references.md#orbits-and-light-time: 400 km overhead is 1.334 ms of light time.
    assert number(hk, "light_time_s") * 1e3 == pytest.approx(1.3, abs=0.05)
    state, names = run(nav, state, 1200.0)
    assert "station_los" in names
    assert nav.housekeeping(state)["station_visible"] is False


def test_a_lunar_orbiter_is_one_light_second_and_a_quarter_from_earth() -> None:
    # docs/references.md#orbits-and-light-time: Moon at 384 400 km, one-way light time ≈ 1.282 s
    # (1.21–1.35 s).
    nav = model(central_body="moon")
    state, _ = run(nav, nav.initial_state(), 3600.0, 60.0)
    hk = nav.housekeeping(state)
    assert hk["station_visible"] is True
    assert hk["light_time_s"] == pytest.approx(1.282, abs=0.01)
    assert hk["altitude_km"] == pytest.approx(100.0, abs=0.1)


def test_a_cruise_leaving_earth_draws_away_at_about_three_km_s() -> None:
    # Hohmann departure to 1.524 AU: perihelion speed 32.73 km/s against Earth's 29.78 km/s
    # (derived, docs/references.md#orbits-and-light-time).
    nav = model(central_body="sun")
    state, _ = run(nav, nav.initial_state(), 86_400.0, 3600.0)
    hk = nav.housekeeping(state)
    assert hk["station_visible"] is True
    assert hk["illumination"] == 1.0
    assert hk["station_range_km"] == pytest.approx(2.95 * 86_400.0, rel=0.05)


@pytest.mark.parametrize(("side", "expected_min"), [(1.0, 4.36), (-1.0, 21.0)])
def test_a_spacecraft_at_mars_distance_is_light_minutes_from_earth(
    side: float, expected_min: float
) -> None:
    # docs/references.md#orbits-and-light-time: Mars one-way light time 3.0–22.3 min. At 1.524 AU
    # on Earth's side of the Sun the range is 0.524 AU (4.36 min); on the far side 2.524 AU
    # (21.0 min).
    earth_m, earth_v = orbit.earth_circular_heliocentric(EQUINOX_UNIX_S)
    nav = model(
        central_body="sun",
        position_m=list(side * 1.524 * earth_m),
        velocity_m_s=list(side * earth_v / math.sqrt(1.524)),
    )
    hk = nav.housekeeping(nav.initial_state())
    assert number(hk, "light_time_s") / 60.0 == pytest.approx(expected_min, abs=0.05)
    assert hk["sun_distance_au"] == pytest.approx(1.524, abs=1e-9)


@pytest.mark.parametrize(
    "config",
    [
        {"central_body": "jupiter"},
        {"altitude_km": -5.0},
        {"position_m": [7e6, 0.0, 0.0]},  # velocity missing
        {"position_m": [1e6, 0.0, 0.0], "velocity_m_s": [0.0, 7e3, 0.0]},  # inside Earth
        {"attitude_mode": "tumble"},
        {"max_step_s": 60.0},
        {"array_normal_body": [0.0, 0.0, 0.0]},
    ],
)
def test_bad_config_values_are_refused(config: dict[str, Any]) -> None:
    with pytest.raises(ConfigError):
        model(**config)


def _plan(**dv: float) -> dict[str, float]:
    return {"dv_x_m_s": 0.0, "dv_y_m_s": 0.0, "dv_z_m_s": 0.0, "along_track_m_s": 0.0, **dv}


def test_a_slower_navigation_applies_every_burn_it_missed_from_the_running_total() -> None:
    # The bus keeps only the latest value: three 1 m/s ticks of a burn reach a navigation that
    # steps every 10 s as one BurnApplied whose total says 3 m/s were burnt.
    nav = model()
    state = nav.initial_state()
    speed_before = float(np.linalg.norm(state.velocity_m_s))
    latest = BurnApplied(time_s=3.0, delta_v_m_s=(0.0, 0.0, 1.0), total_delta_v_m_s=(0.0, 0.0, 3.0))
    state = nav.step(state, 0.0, 10.0, {BURN: latest}).state
    assert state.burn_total_m_s == (0.0, 0.0, 3.0)
    again = nav.step(state, 10.0, 10.0, {BURN: latest}).state  # the same value, retained
    assert again.burn_total_m_s == (0.0, 0.0, 3.0)
    assert float(np.linalg.norm(state.velocity_m_s)) != speed_before
