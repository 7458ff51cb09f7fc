"""Physical constants, each with its source. SI units; the unit is in every name."""

from __future__ import annotations

SPEED_OF_LIGHT_M_S = 299_792_458.0  # SI definition
EARTH_GM_M3_S2 = 3.986004418e14  # WGS 84 / IERS
EARTH_RADIUS_M = 6_378_137.0  # WGS 84 equatorial radius
EARTH_J2 = 1.08262668e-3  # EGM zonal harmonic
EARTH_ROTATION_RAD_S = 7.2921150e-5  # IERS mean angular velocity
STANDARD_GRAVITY_M_S2 = 9.80665  # SI (CGPM 1901)
SOLAR_CONSTANT_W_M2 = 1361.0  # Kopp & Lean 2011, total solar irradiance at 1 AU
STEFAN_BOLTZMANN_W_M2_K4 = 5.670374419e-8  # CODATA 2018
AU_M = 149_597_870_700.0  # IAU 2012 Resolution B2
ZERO_CELSIUS_K = 273.15  # SI
DAY_S = 86_400.0
MOON_MEAN_DISTANCE_M = 384_400_000.0  # mean Earth-Moon distance
