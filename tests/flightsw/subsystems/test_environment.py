"""Environment: dipole field, SAA, dose, storms and the exponential atmosphere."""

from __future__ import annotations

import math
from typing import Any

import pytest

from flightsw.config.mission_context import MissionContext
from flightsw.config.section import Section
from flightsw.errors import ConfigError
from flightsw.physics import orbit
from flightsw.physics.constants import EARTH_RADIUS_M, STANDARD_GRAVITY_M_S2
from flightsw.physics.earth_environment import (
    DIPOLE_B0_T,
    atmosphere_density_kg_m3,
    atmosphere_pressure_pa,
    dipole_field_t,
    geographic_rad,
)
from flightsw.subsystems.environment import EnvironmentConfig, EnvironmentModel, EnvironmentState
from flightsw.subsystems.topics import ENVIRONMENT, NAVIGATION, EnvironmentStatus, NavigationFix

EPOCH_UNIX_S = 1_700_000_000.0
CONTEXT = MissionContext("test", EPOCH_UNIX_S, seed=5)
TOLERANCE_T = 1e-15
TOLERANCE_DEG = 1e-9
TOLERANCE_USV_H = 1e-9
LEO_ALTITUDE_M = 400e3


def over(
    latitude_deg: float, longitude_deg: float, altitude_m: float = LEO_ALTITUDE_M, time_s: float = 0
) -> dict[str, Any]:
    """Navigation inputs for a spacecraft above a geographic point at mission time `time_s`."""
    gmst = orbit.gmst_rad(EPOCH_UNIX_S + time_s)
    radius_m = EARTH_RADIUS_M + altitude_m
    lat, lon = math.radians(latitude_deg), math.radians(longitude_deg) + gmst
    position = (
        radius_m * math.cos(lat) * math.cos(lon),
        radius_m * math.cos(lat) * math.sin(lon),
        radius_m * math.sin(lat),
    )
    fix = NavigationFix(
        time_s, position, (0.0, 7.6e3, 0.0), altitude_m, 1.0, 1.0, 0.0, "sun", True, 1e6
    )
    return {NAVIGATION: fix}


def step(
    model: EnvironmentModel, state: EnvironmentState, inputs: dict[str, Any], dt_s: float = 1.0
) -> tuple[EnvironmentState, list[str]]:
    outcome = model.step(state, 0.0, dt_s, inputs)
    return outcome.state, [e.name for e in outcome.events]


def test_dipole_field_is_b0_at_the_equator_and_twice_b0_at_the_pole() -> None:
    # B = B0·(R/r)³·√(1 + 3 sin²λ), B0 = 3.12e-5 T.
    assert dipole_field_t(EARTH_RADIUS_M, 0.0) == pytest.approx(3.12e-5, abs=TOLERANCE_T)
    assert dipole_field_t(EARTH_RADIUS_M, math.pi / 2) == pytest.approx(
        2 * DIPOLE_B0_T, abs=TOLERANCE_T
    )


def test_dipole_field_falls_with_the_cube_of_distance() -> None:
    surface_t = dipole_field_t(EARTH_RADIUS_M, 0.3)
    assert dipole_field_t(2 * EARTH_RADIUS_M, 0.3) == pytest.approx(surface_t / 8, rel=1e-12)
    assert dipole_field_t(10 * EARTH_RADIUS_M, 0.3) == pytest.approx(surface_t / 1000, rel=1e-12)


def test_the_sub_spacecraft_point_turns_with_earth() -> None:
    position = (7e6, 0.0, 0.0)
    _, at_gmst_0 = geographic_rad(position, 0.0)
    _, a_quarter_turn_later = geographic_rad(position, math.pi / 2)
    assert math.degrees(at_gmst_0 - a_quarter_turn_later) == pytest.approx(90.0, abs=1e-9)


def test_the_geographic_point_survives_the_round_trip_through_gmst() -> None:
    model = EnvironmentModel(CONTEXT)
    state, _ = step(model, model.initial_state(), over(-25.0, -50.0, time_s=3600.0))
    hk = model.housekeeping(state)
    assert hk["latitude_deg"] == pytest.approx(-25.0, abs=TOLERANCE_DEG)
    assert hk["longitude_deg"] == pytest.approx(-50.0, abs=TOLERANCE_DEG)
    assert hk["altitude_km"] == pytest.approx(400.0)


def test_a_point_over_brazil_is_in_the_saa_and_one_over_europe_is_not() -> None:
    model = EnvironmentModel(CONTEXT)
    assert model.in_saa(-25.0, -50.0, 400.0)
    assert not model.in_saa(40.0, 10.0, 400.0)
    assert not model.in_saa(-25.0, -50.0, 20_000.0)  # far above it


def test_entering_the_saa_raises_its_dose_rate_and_events() -> None:
    model = EnvironmentModel(CONTEXT)
    europe, events = step(model, model.initial_state(), over(40.0, 10.0))
    assert events == [] and not europe.here.in_saa
    brazil, events = step(model, europe, over(-25.0, -50.0))
    assert events == ["saa_entry"] and brazil.here.in_saa
    c = model.config
    assert brazil.dose_rate_usv_h - europe.dose_rate_usv_h == pytest.approx(
        c.saa_dose_rate_usv_h, abs=0.01
    )
    assert step(model, brazil, over(40.0, 10.0))[1] == ["saa_exit"]


def test_a_radiation_storm_multiplies_the_dose_rate() -> None:
    model = EnvironmentModel(CONTEXT)
    calm, _ = step(model, model.initial_state(), over(40.0, 10.0))
    storm = model.inject(calm, "radiation_storm", {"multiplier": 100.0})
    storm, events = step(model, storm, over(40.0, 10.0))
    assert events == ["radiation_storm_start"]
    assert storm.dose_rate_usv_h == pytest.approx(100.0 * calm.dose_rate_usv_h, rel=1e-12)
    status = model.publish(storm)[ENVIRONMENT]
    assert isinstance(status, EnvironmentStatus) and status.storm
    calm_again, events = step(model, model.clear(storm, "radiation_storm"), over(40.0, 10.0))
    assert events == ["radiation_storm_end"]
    assert calm_again.dose_rate_usv_h == pytest.approx(calm.dose_rate_usv_h, rel=1e-12)


def test_dose_accumulates_as_rate_times_time() -> None:
    model = EnvironmentModel(CONTEXT)
    first, _ = step(model, model.initial_state(), over(40.0, 10.0))
    state, _ = step(model, first, over(40.0, 10.0), dt_s=3600.0)
    gained_msv = state.accumulated_dose_msv - first.accumulated_dose_msv
    assert gained_msv == pytest.approx(first.dose_rate_usv_h / 1000.0, rel=1e-12)


def test_each_dose_threshold_is_reported_once() -> None:
    model = EnvironmentModel(CONTEXT, EnvironmentConfig(dose_thresholds_msv=(0.001, 0.002)))
    state = model.initial_state()
    names: list[str] = []
    for _ in range(5):  # 5 × 1 h at ≈ 11 µSv/h: both thresholds pass
        state, events = step(model, state, over(40.0, 10.0), dt_s=3600.0)
        names += events
    assert names.count("dose_threshold_crossed") == 2
    assert model.housekeeping(state)["dose_thresholds_crossed"] == 2


def test_the_inner_belt_peaks_at_its_altitude() -> None:
    model = EnvironmentModel(CONTEXT)
    c = model.config
    state, _ = step(model, model.initial_state(), over(0.0, 120.0, c.inner_belt_altitude_km * 1e3))
    assert state.dose_rate_usv_h >= c.inner_belt_peak_usv_h
    assert model.housekeeping(state)["in_radiation_belt"]


def test_beyond_the_magnetopause_the_dose_is_cosmic_rays_and_the_field_interplanetary() -> None:
    model = EnvironmentModel(CONTEXT)
    state, _ = step(model, model.initial_state(), over(0.0, 0.0, 20 * EARTH_RADIUS_M))
    assert state.dose_rate_usv_h == pytest.approx(20.0, abs=TOLERANCE_USV_H)
    assert state.here.magnetic_field_nt == pytest.approx(5.0)
    assert not state.here.inside_magnetosphere


def test_in_lunar_orbit_the_moon_hides_part_of_the_cosmic_ray_sky() -> None:
    model = EnvironmentModel(CONTEXT, EnvironmentConfig(central_body="moon"))
    radius_m = 1_737_400.0 + 100e3
    fix = NavigationFix(0.0, (radius_m, 0, 0), (0, 1.6e3, 0), 100e3, 1, 1, 0, "sun", True, 4e8)
    state, _ = step(model, model.initial_state(), {NAVIGATION: fix})
    hidden = 0.5 * (1.0 - math.sqrt(1.0 - (1_737_400.0 / radius_m) ** 2))
    assert state.dose_rate_usv_h == pytest.approx(20.0 * (1.0 - hidden), abs=TOLERANCE_USV_H)
    assert not state.here.in_saa and state.here.pressure_pa == 0.0


def test_density_matches_vallado_table_8_4_and_falls_by_e_per_scale_height() -> None:
    # Vallado (2013) table 8-4: 400 km base density 3.725e-12 kg/m³, scale height 58.515 km.
    assert atmosphere_density_kg_m3(400e3) == pytest.approx(3.725e-12, rel=1e-12)
    assert atmosphere_density_kg_m3(400e3 + 20e3) == pytest.approx(
        3.725e-12 * math.exp(-20.0 / 58.515), rel=1e-12
    )
    assert atmosphere_density_kg_m3(0.0) == pytest.approx(1.225, rel=1e-12)


def test_pressure_is_density_times_gravity_times_scale_height() -> None:
    g_m_s2 = STANDARD_GRAVITY_M_S2 * (EARTH_RADIUS_M / (EARTH_RADIUS_M + 400e3)) ** 2
    assert atmosphere_pressure_pa(400e3) == pytest.approx(3.725e-12 * g_m_s2 * 58_515.0, rel=1e-12)
    # About 14 % below the 101.325 kPa of the standard sea level: the troposphere is not
    # isothermal.
    assert atmosphere_pressure_pa(0.0) == pytest.approx(101_325.0, rel=0.15)


def test_the_environment_takes_no_commands() -> None:
    assert EnvironmentModel(CONTEXT).commands == ()


def test_config_reads_the_saa_box_and_refuses_a_backwards_one() -> None:
    section = Section({"saa_lat_deg": [-40, -10]}, "test.toml", "subsystems.environment")
    assert EnvironmentModel.from_config(section, CONTEXT).config.saa_lat_deg == (-40.0, -10.0)
    backwards = Section({"saa_lon_deg": [40, -90]}, "test.toml", "subsystems.environment")
    with pytest.raises(ConfigError, match="saa_lon_deg"):
        EnvironmentModel.from_config(backwards, CONTEXT)
