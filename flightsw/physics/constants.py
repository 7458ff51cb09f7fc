"""Physical constants, each with its source. SI units; the unit is in every name.

Every constant is listed, with its value and a fuller citation, in
docs/references.md#physics-constants.
"""

from __future__ import annotations

SPEED_OF_LIGHT_M_S = 299_792_458.0  # SI definition
EARTH_GM_M3_S2 = 3.986004418e14  # WGS 84 / IERS
EARTH_RADIUS_M = 6_378_137.0  # WGS 84 equatorial radius
EARTH_J2 = 1.08262668e-3  # EGM96 zonal harmonic, J2 = -C20 (unnormalised)
EARTH_ROTATION_RAD_S = 7.2921150e-5  # IERS mean angular velocity
STANDARD_GRAVITY_M_S2 = 9.80665  # SI (CGPM 1901)
SOLAR_CONSTANT_W_M2 = 1361.0  # Kopp & Lean 2011, total solar irradiance at 1 AU
STEFAN_BOLTZMANN_W_M2_K4 = 5.670374419e-8  # CODATA 2018
BOLTZMANN_J_K = 1.380649e-23  # SI definition (exact since 2019)
AU_M = 149_597_870_700.0  # IAU 2012 Resolution B2
ZERO_CELSIUS_K = 273.15  # SI
GAS_CONSTANT_J_MOL_K = 8.314462618  # CODATA 2018 molar gas constant (exact since the 2019 SI)
MINUTE_S = 60.0  # SI Brochure (9th ed.), table 8: the minute, accepted for use with the SI
HOUR_S = 3_600.0  # SI Brochure (9th ed.), table 8: the hour, accepted for use with the SI
DAY_S = 86_400.0  # SI Brochure (9th ed.), table 8: the day, accepted for use with the SI
WH_J = 3_600.0  # one watt-hour: 1 W for HOUR_S
KPA_PA = 1_000.0  # SI prefix kilo
KPA_MMHG = 760.0 / 101.325  # mmHg per kPa: 1 atm = 101.325 kPa = 760 mmHg
MOON_MEAN_DISTANCE_M = 384_400_000.0  # mean Earth-Moon distance, NASA GSFC Moon Fact Sheet
EARTH_FLATTENING = 1.0 / 298.257223563  # WGS 84 defining parameter
SUN_GM_M3_S2 = 1.32712440018e20  # JPL DE405 (Standish 1998); IAU 2009 TDB value 1.32712440041e20
SUN_RADIUS_M = 695_700_000.0  # IAU 2015 Resolution B3, nominal solar radius
MOON_GM_M3_S2 = 4.9028000661e12  # JPL DE430 (Folkner et al. 2014)
MOON_RADIUS_M = 1_737_400.0  # IAU WGCCRE 2015 (Archinal et al. 2018), mean radius
J2000_UNIX_S = 946_728_000.0  # J2000.0 = 2000-01-01T12:00:00, taken as UTC (TT-UTC ~64 s ignored)
UNIX_EPOCH_JD = 2_440_587.5  # Julian date of 1970-01-01T00:00:00 UTC
