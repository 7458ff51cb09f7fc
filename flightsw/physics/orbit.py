"""Orbital mechanics in plain numpy: gravity, RK4 propagation, shadow, Sun, Moon and Earth rotation.

Every function is pure: time is passed in (as Unix seconds), never read. Vectors are numpy
arrays of shape (3,) in an inertial frame aligned with the mean equator and equinox (J2000-like;
precession is ignored, which the low-precision ephemerides below allow). Units are SI and in
every name.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from flightsw.physics.constants import (
    AU_M,
    EARTH_FLATTENING,
    EARTH_GM_M3_S2,
    EARTH_J2,
    EARTH_RADIUS_M,
    J2000_UNIX_S,
    MOON_GM_M3_S2,
    MOON_MEAN_DISTANCE_M,
    MOON_RADIUS_M,
    SUN_GM_M3_S2,
    SUN_RADIUS_M,
    UNIX_EPOCH_JD,
)

Vector = NDArray[np.float64]

# Low-precision solar coordinates, Astronomical Almanac section C ("Sun, low precision"):
# about 0.01 deg in direction between 1950 and 2050. Degrees and days from J2000.0.
_SUN_MEAN_LONGITUDE_DEG = (280.460, 0.9856474)
_SUN_MEAN_ANOMALY_DEG = (357.528, 0.9856003)
_OBLIQUITY_DEG = (23.439, -0.0000004)
# Moon mean longitude, Astronomical Almanac section D ("Moon, low precision"): 218.32 deg at
# J2000.0 plus 481 267.881 deg per Julian century.
_MOON_MEAN_LONGITUDE_DEG = (218.32, 481_267.881 / 36_525.0)
# GMST, IAU 1982 model as linearised in Meeus, Astronomical Algorithms (2nd ed.) eq. 12.4;
# the dropped T^2 term is below 1e-4 deg for 1975-2025.
_GMST_DEG = (280.46061837, 360.98564736629)


@dataclass(frozen=True, slots=True)
class Gravity:
    """A central body's gravity field: point mass plus the J2 zonal term."""

    gm_m3_s2: float
    radius_m: float
    j2: float = 0.0

    def acceleration_m_s2(self, position_m: Vector) -> Vector:
        """Acceleration (3,) at `position_m` (3,) from the body's centre."""
        acceleration = two_body_acceleration_m_s2(position_m, self.gm_m3_s2)
        if self.j2:
            acceleration = acceleration + j2_acceleration_m_s2(
                position_m, self.gm_m3_s2, self.radius_m, self.j2
            )
        return acceleration


EARTH_GRAVITY = Gravity(EARTH_GM_M3_S2, EARTH_RADIUS_M, EARTH_J2)
EARTH_POINT_MASS = Gravity(EARTH_GM_M3_S2, EARTH_RADIUS_M)
MOON_GRAVITY = Gravity(MOON_GM_M3_S2, MOON_RADIUS_M)
SUN_GRAVITY = Gravity(SUN_GM_M3_S2, SUN_RADIUS_M)
GRAVITY_OF: dict[str, Gravity] = {"earth": EARTH_GRAVITY, "moon": MOON_GRAVITY, "sun": SUN_GRAVITY}
CENTRAL_BODIES = tuple(GRAVITY_OF)  # the bodies a spacecraft may orbit, by their config names


def two_body_acceleration_m_s2(position_m: Vector, gm_m3_s2: float) -> Vector:
    """Point-mass gravity r̈ = −GM r/|r|³; `position_m` and the result have shape (3,)."""
    r_m = float(np.linalg.norm(position_m))
    return -gm_m3_s2 / r_m**3 * position_m


def j2_acceleration_m_s2(position_m: Vector, gm_m3_s2: float, radius_m: float, j2: float) -> Vector:
    """The J2 (oblateness) perturbation (3,), e.g. Vallado, Fundamentals of Astrodynamics §8.6."""
    x, y, z = position_m
    r2 = x * x + y * y + z * z
    factor = 1.5 * j2 * gm_m3_s2 * radius_m**2 / r2**2.5
    k = 5.0 * z * z / r2
    return factor * np.array([x * (k - 1.0), y * (k - 1.0), z * (k - 3.0)])


def rk4_step(
    position_m: Vector, velocity_m_s: Vector, dt_s: float, gravity: Gravity
) -> tuple[Vector, Vector]:
    """One classical Runge–Kutta step of `dt_s`; returns new position (3,) and velocity (3,)."""
    accel = gravity.acceleration_m_s2
    k1_r, k1_v = velocity_m_s, accel(position_m)
    k2_r, k2_v = velocity_m_s + 0.5 * dt_s * k1_v, accel(position_m + 0.5 * dt_s * k1_r)
    k3_r, k3_v = velocity_m_s + 0.5 * dt_s * k2_v, accel(position_m + 0.5 * dt_s * k2_r)
    k4_r, k4_v = velocity_m_s + dt_s * k3_v, accel(position_m + dt_s * k3_r)
    position = position_m + dt_s / 6.0 * (k1_r + 2.0 * k2_r + 2.0 * k3_r + k4_r)
    velocity = velocity_m_s + dt_s / 6.0 * (k1_v + 2.0 * k2_v + 2.0 * k3_v + k4_v)
    return position, velocity


def substeps(duration_s: float, max_step_s: float) -> tuple[int, float]:
    """How many equal steps of at most `max_step_s` cover `duration_s`, and their length."""
    count = max(1, math.ceil(duration_s / max_step_s - 1e-9))
    return count, duration_s / count


def propagate(
    position_m: Vector,
    velocity_m_s: Vector,
    duration_s: float,
    gravity: Gravity,
    max_step_s: float = 10.0,
) -> tuple[Vector, Vector]:
    """Fixed-step RK4 over `duration_s` in equal steps of at most `max_step_s`; (3,) each."""
    position, velocity = np.asarray(position_m, float), np.asarray(velocity_m_s, float)
    if duration_s <= 0.0:
        return position.copy(), velocity.copy()
    count, step_s = substeps(duration_s, max_step_s)
    for _ in range(count):
        position, velocity = rk4_step(position, velocity, step_s, gravity)
    return position, velocity


def circular_orbit(
    radius_m: float,
    inclination_rad: float,
    raan_rad: float,
    arg_latitude_rad: float,
    gm_m3_s2: float,
) -> tuple[Vector, Vector]:
    """Position (3,) and velocity (3,) on a circular orbit at argument of latitude u."""
    speed_m_s = math.sqrt(gm_m3_s2 / radius_m)
    cu, su = math.cos(arg_latitude_rad), math.sin(arg_latitude_rad)
    co, so = math.cos(raan_rad), math.sin(raan_rad)
    ci, si = math.cos(inclination_rad), math.sin(inclination_rad)
    position = radius_m * np.array([co * cu - so * su * ci, so * cu + co * su * ci, su * si])
    velocity = speed_m_s * np.array([-co * su - so * cu * ci, -so * su + co * cu * ci, cu * si])
    return position, velocity


def specific_energy_j_kg(position_m: Vector, velocity_m_s: Vector, gm_m3_s2: float) -> float:
    """Two-body orbital energy per unit mass, v²/2 − GM/r (negative when bound)."""
    return float(0.5 * np.dot(velocity_m_s, velocity_m_s) - gm_m3_s2 / np.linalg.norm(position_m))


def angular_momentum_m2_s(position_m: Vector, velocity_m_s: Vector) -> Vector:
    """Specific angular momentum h = r × v, shape (3,)."""
    return np.cross(position_m, velocity_m_s)


def semi_major_axis_m(position_m: Vector, velocity_m_s: Vector, gm_m3_s2: float) -> float:
    """Osculating semi-major axis; infinite when the orbit is not bound."""
    energy = specific_energy_j_kg(position_m, velocity_m_s, gm_m3_s2)
    return -gm_m3_s2 / (2.0 * energy) if energy < 0.0 else math.inf


def eccentricity(position_m: Vector, velocity_m_s: Vector, gm_m3_s2: float) -> float:
    """Magnitude of the osculating eccentricity vector."""
    h = angular_momentum_m2_s(position_m, velocity_m_s)
    e = np.cross(velocity_m_s, h) / gm_m3_s2 - position_m / np.linalg.norm(position_m)
    return float(np.linalg.norm(e))


def period_s(semi_major_axis: float, gm_m3_s2: float) -> float:
    """Keplerian period 2π√(a³/GM); infinite for an unbound orbit."""
    if not math.isfinite(semi_major_axis) or semi_major_axis <= 0.0:
        return math.inf
    return 2.0 * math.pi * math.sqrt(semi_major_axis**3 / gm_m3_s2)


def raan_rad(position_m: Vector, velocity_m_s: Vector) -> float:
    """Right ascension of the ascending node in [0, 2π), from the angular momentum vector."""
    h = angular_momentum_m2_s(position_m, velocity_m_s)
    return math.atan2(float(h[0]), float(-h[1])) % (2.0 * math.pi)


# -- time, Sun, Moon --------------------------------------------------------------------------


def days_since_j2000(unix_s: float) -> float:
    return (unix_s - J2000_UNIX_S) / 86_400.0


def julian_date(unix_s: float) -> float:
    return unix_s / 86_400.0 + UNIX_EPOCH_JD


def obliquity_rad(unix_s: float) -> float:
    """Mean obliquity of the ecliptic (Astronomical Almanac low-precision formula)."""
    base, rate = _OBLIQUITY_DEG
    return math.radians(base + rate * days_since_j2000(unix_s))


def ecliptic_to_equatorial(vector: Vector, obliquity: float) -> Vector:
    """Rotate (3,) ecliptic coordinates about the x axis (the equinox) into equatorial ones."""
    x, y, z = vector
    c, s = math.cos(obliquity), math.sin(obliquity)
    return np.array([x, c * y - s * z, s * y + c * z])


def sun_position_m(unix_s: float) -> Vector:
    """Geocentric position of the Sun (3,), Astronomical Almanac low-precision formulae."""
    n = days_since_j2000(unix_s)
    mean_longitude = _SUN_MEAN_LONGITUDE_DEG[0] + _SUN_MEAN_LONGITUDE_DEG[1] * n
    g = math.radians(_SUN_MEAN_ANOMALY_DEG[0] + _SUN_MEAN_ANOMALY_DEG[1] * n)
    longitude = math.radians(mean_longitude + 1.915 * math.sin(g) + 0.020 * math.sin(2.0 * g))
    distance_m = AU_M * (1.00014 - 0.01671 * math.cos(g) - 0.00014 * math.cos(2.0 * g))
    ecliptic = distance_m * np.array([math.cos(longitude), math.sin(longitude), 0.0])
    return ecliptic_to_equatorial(ecliptic, obliquity_rad(unix_s))


def earth_circular_heliocentric(unix_s: float) -> tuple[Vector, Vector]:
    """Earth on a circular 1 AU orbit in the ecliptic: heliocentric position and velocity (3,).

    The longitude is the Sun's mean longitude plus 180 deg, so it agrees with the real Earth to
    about 2 deg (the equation of centre); the speed is the circular √(GM☉/AU).
    """
    n = days_since_j2000(unix_s)
    longitude = math.radians(_SUN_MEAN_LONGITUDE_DEG[0] + 180.0 + _SUN_MEAN_LONGITUDE_DEG[1] * n)
    speed_m_s = math.sqrt(SUN_GM_M3_S2 / AU_M)
    c, s = math.cos(longitude), math.sin(longitude)
    obliquity = obliquity_rad(unix_s)
    position = ecliptic_to_equatorial(AU_M * np.array([c, s, 0.0]), obliquity)
    velocity = ecliptic_to_equatorial(speed_m_s * np.array([-s, c, 0.0]), obliquity)
    return position, velocity


def moon_circular_position_m(unix_s: float) -> Vector:
    """Geocentric Moon (3,) on a circular orbit of 384 400 km in the ecliptic at its mean longitude.

    Ignores the 5.1 deg inclination and the eccentricity (distance really 356 000–407 000 km).
    """
    n = days_since_j2000(unix_s)
    longitude = math.radians(_MOON_MEAN_LONGITUDE_DEG[0] + _MOON_MEAN_LONGITUDE_DEG[1] * n)
    ecliptic = MOON_MEAN_DISTANCE_M * np.array([math.cos(longitude), math.sin(longitude), 0.0])
    return ecliptic_to_equatorial(ecliptic, obliquity_rad(unix_s))


# -- shadow ------------------------------------------------------------------------------------


def illumination(
    position_m: Vector,
    sun_position_m: Vector,
    occulter_radius_m: float,
    sun_radius_m: float = SUN_RADIUS_M,
) -> float:
    """Fraction of the solar disc visible, in [0, 1]: conical shadow with penumbra.

    Both positions (3,) are from the occulting body's centre. Montenbruck & Gill, Satellite
    Orbits (2000) §3.4.2: the overlap of the apparent discs of the Sun and the body.
    """
    to_sun = sun_position_m - position_m
    sun_distance_m = float(np.linalg.norm(to_sun))
    body_distance_m = float(np.linalg.norm(position_m))
    if body_distance_m <= occulter_radius_m:
        return 0.0
    a = math.asin(min(1.0, sun_radius_m / sun_distance_m))  # apparent radius of the Sun
    b = math.asin(occulter_radius_m / body_distance_m)  # apparent radius of the body
    cos_c = float(-np.dot(position_m, to_sun)) / (body_distance_m * sun_distance_m)
    c = math.acos(max(-1.0, min(1.0, cos_c)))  # angle between the two disc centres
    if c >= a + b:
        return 1.0
    if c <= b - a:
        return 0.0
    if c <= a - b:  # the body is inside the solar disc: annular
        return 1.0 - (b * b) / (a * a)
    x = (c * c + a * a - b * b) / (2.0 * c)
    y = math.sqrt(max(0.0, a * a - x * x))
    area = a * a * math.acos(x / a) + b * b * math.acos((c - x) / b) - c * y
    return min(1.0, max(0.0, 1.0 - area / (math.pi * a * a)))


# -- Earth rotation and ground stations --------------------------------------------------------


def gmst_rad(unix_s: float) -> float:
    """Greenwich mean sidereal time in [0, 2π) (UT1 taken as UTC, good to about 1 s)."""
    base, rate = _GMST_DEG
    return math.radians((base + rate * days_since_j2000(unix_s)) % 360.0)


def geodetic_to_ecef_m(latitude_rad: float, longitude_rad: float, altitude_m: float) -> Vector:
    """Earth-fixed position (3,) of a point on the WGS 84 ellipsoid."""
    e2 = EARTH_FLATTENING * (2.0 - EARTH_FLATTENING)
    sin_lat, cos_lat = math.sin(latitude_rad), math.cos(latitude_rad)
    normal_m = EARTH_RADIUS_M / math.sqrt(1.0 - e2 * sin_lat * sin_lat)
    return np.array(
        [
            (normal_m + altitude_m) * cos_lat * math.cos(longitude_rad),
            (normal_m + altitude_m) * cos_lat * math.sin(longitude_rad),
            (normal_m * (1.0 - e2) + altitude_m) * sin_lat,
        ]
    )


def station_inertial(
    latitude_rad: float, longitude_rad: float, altitude_m: float, gmst: float
) -> tuple[Vector, Vector]:
    """A ground station's inertial position (3,) and its local vertical, a unit vector (3,)."""
    position = geodetic_to_ecef_m(latitude_rad, longitude_rad, altitude_m)
    c, s = math.cos(gmst), math.sin(gmst)
    rotation = np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])
    cos_lat = math.cos(latitude_rad)
    up = np.array(
        [
            cos_lat * math.cos(longitude_rad),
            cos_lat * math.sin(longitude_rad),
            math.sin(latitude_rad),
        ]
    )
    return rotation @ position, rotation @ up


def elevation_and_range(
    spacecraft_m: Vector, station_m: Vector, station_up: Vector
) -> tuple[float, float]:
    """Elevation (rad) of the spacecraft above the station's horizon and the slant range (m)."""
    line_of_sight = spacecraft_m - station_m
    range_m = float(np.linalg.norm(line_of_sight))
    sin_elevation = float(np.dot(line_of_sight, station_up)) / range_m
    return math.asin(max(-1.0, min(1.0, sin_elevation))), range_m


def unit(vector: Vector) -> Vector:
    """`vector` (3,) scaled to length one."""
    return vector / float(np.linalg.norm(vector))


def rotate(vector: Vector, axis: Vector, angle_rad: float) -> Vector:
    """Rodrigues rotation of `vector` (3,) about the unit `axis` (3,) by `angle_rad`."""
    c, s = math.cos(angle_rad), math.sin(angle_rad)
    return vector * c + np.cross(axis, vector) * s + axis * float(np.dot(axis, vector)) * (1 - c)
