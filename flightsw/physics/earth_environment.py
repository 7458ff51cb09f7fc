"""Earth's neutral atmosphere and dipole magnetic field, and the point below the spacecraft.

- Atmosphere: the piecewise exponential density of Vallado, Fundamentals of Astrodynamics and
  Applications (4th ed., 2013), table 8-4 (base altitudes, densities and scale heights from
  CIRA-72); pressure from hydrostatic balance of each isothermal layer, p = ρ·g·H (about 14 %
  low at sea level, where the real troposphere is not isothermal).
- Magnetic field: a tilted dipole, B = B0·(R/r)³·√(1 + 3·sin²λm), λm the magnetic latitude.
- The sub-spacecraft point: geocentric latitude and east longitude of an inertial position,
  turned by the Greenwich mean sidereal time.

Sources of every figure here: docs/references.md#space-environment.
"""

from __future__ import annotations

import math

import numpy as np

from flightsw.physics.constants import EARTH_RADIUS_M, STANDARD_GRAVITY_M_S2

# Mean field at the magnetic equator on Earth's surface (dipole term of the IGRF; quoted as
# 3.12e-5 T in e.g. Wikipedia, "Dipole model of the Earth's magnetic field").
DIPOLE_B0_T = 3.12e-5
# Geomagnetic north pole, IGRF-13 for 2020.0 (NOAA NCEI): 80.65° N, 72.68° W.
GEOMAGNETIC_POLE_DEG = (80.65, -72.68)

# Vallado (2013) table 8-4: base altitude (km), density there (kg/m³), scale height (km).
_ATMOSPHERE = np.array(
    [
        (0, 1.225, 7.249),
        (25, 3.899e-2, 6.349),
        (30, 1.774e-2, 6.682),
        (40, 3.972e-3, 7.554),
        (50, 1.057e-3, 8.382),
        (60, 3.206e-4, 7.714),
        (70, 8.770e-5, 6.549),
        (80, 1.905e-5, 5.799),
        (90, 3.396e-6, 5.382),
        (100, 5.297e-7, 5.877),
        (110, 9.661e-8, 7.263),
        (120, 2.438e-8, 9.473),
        (130, 8.484e-9, 12.636),
        (140, 3.845e-9, 16.149),
        (150, 2.070e-9, 22.523),
        (180, 5.464e-10, 29.740),
        (200, 2.789e-10, 37.105),
        (250, 7.248e-11, 45.546),
        (300, 2.418e-11, 53.628),
        (350, 9.518e-12, 53.298),
        (400, 3.725e-12, 58.515),
        (450, 1.585e-12, 60.828),
        (500, 6.967e-13, 63.822),
        (600, 1.454e-13, 71.835),
        (700, 3.614e-14, 88.667),
        (800, 1.170e-14, 124.64),
        (900, 5.245e-15, 181.05),
        (1000, 3.019e-15, 268.00),
    ]
)
_ATMOSPHERE.flags.writeable = False


def _layer(altitude_m: float) -> tuple[float, float, float]:
    """Base altitude (m), base density (kg/m³) and scale height (m) of the layer at altitude."""
    altitude_km = max(0.0, altitude_m / 1e3)
    row = _ATMOSPHERE[int(np.searchsorted(_ATMOSPHERE[:, 0], altitude_km, side="right")) - 1]
    return float(row[0]) * 1e3, float(row[1]), float(row[2]) * 1e3


def atmosphere_density_kg_m3(altitude_m: float) -> float:
    """ρ = ρ0·exp(−(h − h0)/H) in the layer holding `altitude_m` (the top layer extends up)."""
    base_m, density_kg_m3, scale_m = _layer(altitude_m)
    return density_kg_m3 * math.exp(-(max(0.0, altitude_m) - base_m) / scale_m)


def atmosphere_pressure_pa(altitude_m: float) -> float:
    """p = ρ·g·H, with g falling as (R/(R + h))²."""
    _, _, scale_m = _layer(altitude_m)
    g_m_s2 = STANDARD_GRAVITY_M_S2 * (EARTH_RADIUS_M / (EARTH_RADIUS_M + max(0.0, altitude_m))) ** 2
    return atmosphere_density_kg_m3(altitude_m) * g_m_s2 * scale_m


def dipole_field_t(
    radius_m: float, magnetic_latitude_rad: float, b0_t: float = DIPOLE_B0_T
) -> float:
    """|B| = B0·(R/r)³·√(1 + 3·sin²λm) of Earth's dipole."""
    sin_lat = math.sin(magnetic_latitude_rad)
    return b0_t * (EARTH_RADIUS_M / radius_m) ** 3 * math.sqrt(1.0 + 3.0 * sin_lat * sin_lat)


def magnetic_latitude_rad(
    latitude_rad: float, longitude_rad: float, pole: tuple[float, float] = GEOMAGNETIC_POLE_DEG
) -> float:
    """Latitude from the dipole's equator, given geographic latitude and longitude."""
    pole_lat, pole_lon = math.radians(pole[0]), math.radians(pole[1])
    sin_m = math.sin(latitude_rad) * math.sin(pole_lat) + math.cos(latitude_rad) * math.cos(
        pole_lat
    ) * math.cos(longitude_rad - pole_lon)
    return math.asin(max(-1.0, min(1.0, sin_m)))


def geographic_rad(position_m: tuple[float, float, float], gmst: float) -> tuple[float, float]:
    """Geocentric latitude and east longitude in [−π, π) of an inertial position at `gmst`."""
    x, y, z = position_m
    latitude = math.atan2(z, math.hypot(x, y))
    longitude = (math.atan2(y, x) - gmst + math.pi) % (2.0 * math.pi) - math.pi
    return latitude, longitude
