"""Orbital mechanics against published reference values (docs/references.md, Meeus, the Almanac)."""

from __future__ import annotations

import calendar
import math

import numpy as np
import pytest

from flightsw.physics import orbit
from flightsw.physics.constants import (
    AU_M,
    EARTH_GM_M3_S2,
    EARTH_RADIUS_M,
    MOON_MEAN_DISTANCE_M,
)

LEO_RADIUS_M = EARTH_RADIUS_M + 400e3
ONE_ARCSECOND_DEG = 1.0 / 3600.0


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> float:
    """Unix seconds of a UTC date and time."""
    return float(calendar.timegm((year, month, day, hour, minute, 0)))


def declination_deg(vector: np.ndarray) -> float:
    return math.degrees(math.asin(vector[2] / np.linalg.norm(vector)))


def test_leo_400_km_circular_period_is_92_6_minutes() -> None:
    # docs/references.md#orbits-and-light-time: LEO 400 km circular orbit, period ≈ 92.6 min
    # (two-body).
    position, velocity = orbit.circular_orbit(LEO_RADIUS_M, 0.9, 0.0, 0.0, EARTH_GM_M3_S2)
    a_m = orbit.semi_major_axis_m(position, velocity, EARTH_GM_M3_S2)
    assert orbit.period_s(a_m, EARTH_GM_M3_S2) / 60.0 == pytest.approx(92.6, abs=0.1)


def test_a_circular_orbit_returns_to_its_start_after_one_period() -> None:
    position, velocity = orbit.circular_orbit(LEO_RADIUS_M, 0.9, 0.3, 0.0, EARTH_GM_M3_S2)
    period_s = orbit.period_s(LEO_RADIUS_M, EARTH_GM_M3_S2)
    end, _ = orbit.propagate(position, velocity, period_s, orbit.EARTH_POINT_MASS)
    one_meter = 1.0
    assert np.linalg.norm(end - position) < one_meter


def test_two_body_energy_and_angular_momentum_are_conserved_over_five_orbits() -> None:
    # RK4 with 10 s steps: stated tolerance 1e-8 relative on both over five orbits.
    position, velocity = orbit.circular_orbit(7_000e3, 0.5, 1.0, 0.0, EARTH_GM_M3_S2)
    velocity = velocity * 1.05  # mildly eccentric, so the test is not trivially circular
    energy = orbit.specific_energy_j_kg(position, velocity, EARTH_GM_M3_S2)
    momentum = orbit.angular_momentum_m2_s(position, velocity)
    a_m = orbit.semi_major_axis_m(position, velocity, EARTH_GM_M3_S2)
    duration_s = 5 * orbit.period_s(a_m, EARTH_GM_M3_S2)
    end_r, end_v = orbit.propagate(position, velocity, duration_s, orbit.EARTH_POINT_MASS, 10.0)
    assert orbit.specific_energy_j_kg(end_r, end_v, EARTH_GM_M3_S2) == pytest.approx(
        energy, rel=1e-8
    )
    end_momentum = orbit.angular_momentum_m2_s(end_r, end_v)
    assert np.linalg.norm(end_momentum - momentum) / np.linalg.norm(momentum) < 1e-8


def test_j2_regresses_the_node_of_an_iss_like_orbit_by_about_five_degrees_a_day() -> None:
    # Vallado, Fundamentals of Astrodynamics, eq. 9-41: dΩ/dt = −1.5 n J2 (R/p)² cos i,
    # −5.00 deg/day for 400 km at 51.6 deg (the ISS's node moves about −5 deg/day).
    position, velocity = orbit.circular_orbit(
        LEO_RADIUS_M, math.radians(51.6), 0.0, 0.0, EARTH_GM_M3_S2
    )
    end_r, end_v = orbit.propagate(position, velocity, 86_400.0, orbit.EARTH_GRAVITY)
    drift_deg = math.degrees(orbit.raan_rad(end_r, end_v))
    drift_deg = (drift_deg + 180.0) % 360.0 - 180.0
    assert drift_deg == pytest.approx(-5.0, abs=0.1)


def test_eclipse_of_a_400_km_orbit_with_the_sun_in_its_plane_lasts_about_36_minutes() -> None:
    # docs/references.md#orbits-and-light-time: LEO 400 km, longest eclipse ≈ 36 min (Sun in the
    # orbit plane).
    sun_m = np.array([AU_M, 0.0, 0.0])
    period_s = orbit.period_s(LEO_RADIUS_M, EARTH_GM_M3_S2)
    mean_motion = 2.0 * math.pi / period_s
    dark_s = 0.0
    for t_s in np.arange(0.0, period_s, 1.0):
        angle = mean_motion * t_s
        position = LEO_RADIUS_M * np.array([math.cos(angle), math.sin(angle), 0.0])
        dark_s += 1.0 - orbit.illumination(position, sun_m, EARTH_RADIUS_M)
    assert dark_s / 60.0 == pytest.approx(36.0, abs=1.0)


def test_illumination_is_full_in_sunlight_zero_in_umbra_and_partial_in_penumbra() -> None:
    sun_m = np.array([AU_M, 0.0, 0.0])
    assert orbit.illumination(np.array([LEO_RADIUS_M, 0, 0]), sun_m, EARTH_RADIUS_M) == 1.0
    assert orbit.illumination(np.array([-LEO_RADIUS_M, 0, 0]), sun_m, EARTH_RADIUS_M) == 0.0
    # Just at the shadow cylinder's edge the Sun is partly hidden.
    edge = np.array([-LEO_RADIUS_M * 0.5, EARTH_RADIUS_M, 0.0])
    assert 0.0 < orbit.illumination(edge, sun_m, EARTH_RADIUS_M) < 1.0


def test_sun_crosses_the_equator_at_the_march_2024_equinox() -> None:
    # USNO: March equinox 2024-03-20 03:06 UTC. The Almanac formula is good to 0.01 deg.
    sun_m = orbit.sun_position_m(utc(2024, 3, 20, 3, 6))
    assert declination_deg(sun_m) == pytest.approx(0.0, abs=0.01)
    assert math.degrees(math.atan2(sun_m[1], sun_m[0])) == pytest.approx(0.0, abs=0.02)


def test_sun_is_23_44_degrees_north_at_the_june_2024_solstice() -> None:
    # USNO: June solstice 2024-06-20 20:51 UTC; obliquity 23.44 deg; Earth at 1.016 AU.
    sun_m = orbit.sun_position_m(utc(2024, 6, 20, 20, 51))
    assert declination_deg(sun_m) == pytest.approx(23.44, abs=0.01)
    assert np.linalg.norm(sun_m) / AU_M == pytest.approx(1.0163, abs=0.0005)


def test_earth_is_0_983_au_from_the_sun_at_perihelion() -> None:
    # USNO: perihelion 2024-01-03 00:39 UTC at 0.98331 AU.
    sun_m = orbit.sun_position_m(utc(2024, 1, 3, 0, 39))
    assert np.linalg.norm(sun_m) / AU_M == pytest.approx(0.98331, abs=0.0003)


def test_gmst_matches_meeus_example_12a() -> None:
    # Meeus, Astronomical Algorithms, example 12.a: 1987-04-10 0h UT, GMST 13h10m46.3668s.
    expected_deg = (13 + 10 / 60 + 46.3668 / 3600) * 15.0
    got_deg = math.degrees(orbit.gmst_rad(utc(1987, 4, 10, 0, 0)))
    assert got_deg == pytest.approx(expected_deg, abs=ONE_ARCSECOND_DEG)


def test_a_station_sees_a_spacecraft_overhead_at_90_degrees_and_400_km() -> None:
    gmst = 1.234
    station_m, up = orbit.station_inertial(0.0, 0.0, 0.0, gmst)
    overhead = up * LEO_RADIUS_M
    elevation, range_m = orbit.elevation_and_range(overhead, station_m, up)
    assert math.degrees(elevation) == pytest.approx(90.0, abs=1e-6)
    assert range_m == pytest.approx(400e3, abs=1.0)
    # docs/references.md#orbits-and-light-time: 400 km to a ground station is 1.3 ms of light time
    # overhead.
    assert range_m / 299_792_458.0 * 1e3 == pytest.approx(1.3, abs=0.05)


def test_the_spacecraft_at_the_antipode_is_below_the_horizon() -> None:
    station_m, up = orbit.station_inertial(math.radians(45.0), 0.3, 100.0, 0.0)
    elevation, _ = orbit.elevation_and_range(-up * LEO_RADIUS_M, station_m, up)
    assert elevation < 0.0


def test_the_moon_stays_384_400_km_away_and_returns_after_a_sidereal_month() -> None:
    # Sidereal month 27.3217 days (Almanac mean longitude rate 13.1764 deg/day;
    # docs/references.md#astronomy-and-time).
    start_s = utc(2025, 1, 1, 0, 0)
    start = orbit.moon_circular_position_m(start_s)
    later = orbit.moon_circular_position_m(start_s + 27.3217 * 86_400.0)
    assert np.linalg.norm(start) == pytest.approx(MOON_MEAN_DISTANCE_M, abs=1.0)
    assert np.linalg.norm(later - start) < 100e3


def test_earth_circular_orbit_is_1_au_at_30_km_s() -> None:
    # docs/references.md#astronomy-and-time: √(GM☉/AU) = 29 784.7 m/s; tolerance 5 m/s.
    position, velocity = orbit.earth_circular_heliocentric(utc(2025, 1, 1, 0, 0))
    assert np.linalg.norm(position) == pytest.approx(AU_M, rel=1e-12)
    assert np.linalg.norm(velocity) == pytest.approx(29_785.0, abs=5.0)
    # Heliocentric Earth is opposite the geocentric Sun (to within the equation of centre).
    sun = orbit.sun_position_m(utc(2025, 1, 1, 0, 0))
    angle_deg = math.degrees(math.acos(np.dot(orbit.unit(position), -orbit.unit(sun))))
    assert angle_deg < 2.0
