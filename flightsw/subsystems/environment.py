"""Space environment: radiation dose, the South Atlantic Anomaly, atmosphere and magnetic field.

Around Earth, the sub-spacecraft point comes from the NavigationFix position turned by the
Greenwich mean sidereal time of its epoch (geocentric latitude, longitude east of Greenwich).
Everything else is a deliberately simple engineering model:

- Dose rate (µSv/h, absorbed dose with the quality factor left out): a background that rises
  from its LEO value near the surface to the galactic cosmic-ray (GCR) level at the
  magnetopause (a linear interpolation in radius, not a cutoff-rigidity model), plus the SAA
  inside a latitude/longitude box below `saa_max_altitude_km`, plus the inner and outer Van
  Allen belts as Gaussian bumps in altitude. The default rates are illustrative orders of
  magnitude, not a trapped-particle model such as AE9/AP9.
- Atmosphere: the piecewise exponential density of Vallado, Fundamentals of Astrodynamics and
  Applications (4th ed., 2013), table 8-4 (base altitudes, densities and scale heights from
  CIRA-72); pressure from hydrostatic balance of each isothermal layer, p = ρ·g·H (about 14 %
  low at sea level, where the real troposphere is not isothermal).
- Magnetic field: a tilted dipole, B = B0·(R/r)³·√(1 + 3·sin²λm), λm the magnetic latitude.

Around the Moon or the Sun there is no magnetosphere, atmosphere or SAA: the dose is the GCR
background less the part of the sky the central body hides, and the field is the
interplanetary one.

A `radiation_storm` (solar particle event) multiplies the dose rate while it lasts.
Configuration: `EnvironmentConfig` (every key optional).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, ClassVar

import numpy as np

from flightsw.config.mission_context import MissionContext
from flightsw.config.section import Section
from flightsw.errors import FaultError
from flightsw.icd.dictionary import ArgSpec, FaultSpec, ParamSpec
from flightsw.icd.services import Severity
from flightsw.physics import orbit
from flightsw.physics.constants import (
    EARTH_RADIUS_M,
    MOON_RADIUS_M,
    STANDARD_GRAVITY_M_S2,
    SUN_RADIUS_M,
)
from flightsw.subsystems.base import Outcome, Subsystem
from flightsw.subsystems.events import Event, event
from flightsw.subsystems.topics import ENVIRONMENT, NAVIGATION, EnvironmentStatus, NavigationFix

# Mean field at the magnetic equator on Earth's surface (dipole term of the IGRF; quoted as
# 3.12e-5 T in e.g. Wikipedia, "Dipole model of the Earth's magnetic field").
DIPOLE_B0_T = 3.12e-5
# Geomagnetic north pole, IGRF-13 for 2020.0 (NOAA NCEI): 80.65° N, 72.68° W.
GEOMAGNETIC_POLE_DEG = (80.65, -72.68)
CENTRAL_BODIES = ("earth", "moon", "sun")
BODY_RADIUS_M = {"earth": EARTH_RADIUS_M, "moon": MOON_RADIUS_M, "sun": SUN_RADIUS_M}
HOUR_S = 3600.0
USV_MSV = 1e-3
T_NT = 1e9

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


@dataclass(frozen=True, slots=True)
class EnvironmentConfig:
    """`[subsystems.environment]`; the defaults' sources: docs/references.md#space-environment."""

    central_body: str = "earth"  # must match navigation's
    leo_background_usv_h: float = 10.0  # ISS dosimetry: ≈ 0.2–0.3 mGy/day on average
    gcr_usv_h: float = 20.0  # MSL/RAD cruise: 0.48 mGy/day (Zeitlin et al. 2013, Science 340)
    saa_dose_rate_usv_h: float = 200.0
    saa_lat_deg: tuple[float, float] = (-50.0, 0.0)  # the SAA near 500 km, roughly
    saa_lon_deg: tuple[float, float] = (-90.0, 40.0)
    saa_max_altitude_km: float = 1500.0  # above it the spacecraft is in the inner belt proper
    inner_belt_peak_usv_h: float = 1000.0
    inner_belt_altitude_km: float = 3000.0  # inner belt ≈ 1000–6000 km
    inner_belt_width_km: float = 700.0  # 1 σ
    outer_belt_peak_usv_h: float = 500.0
    outer_belt_altitude_km: float = 20_000.0  # outer belt ≈ 13 000–60 000 km
    outer_belt_width_km: float = 5000.0  # 1 σ
    magnetopause_radius_re: float = 10.0  # subsolar stand-off (Shue et al. 1998)
    interplanetary_field_nt: float = 5.0  # at 1 AU; falls roughly as 1/r (Parker spiral)
    dose_thresholds_msv: tuple[float, ...] = (1.0, 10.0, 50.0, 100.0)


_BOUNDS: dict[str, tuple[float, float, str]] = {
    "leo_background_usv_h": (0.0, 1e6, "uSv/h"),
    "gcr_usv_h": (0.0, 1e6, "uSv/h"),
    "saa_dose_rate_usv_h": (0.0, 1e6, "uSv/h"),
    "saa_max_altitude_km": (0.0, 1e5, "km"),
    "inner_belt_peak_usv_h": (0.0, 1e8, "uSv/h"),
    "inner_belt_altitude_km": (0.0, 1e5, "km"),
    "inner_belt_width_km": (1.0, 1e5, "km"),
    "outer_belt_peak_usv_h": (0.0, 1e8, "uSv/h"),
    "outer_belt_altitude_km": (0.0, 1e6, "km"),
    "outer_belt_width_km": (1.0, 1e6, "km"),
    "magnetopause_radius_re": (1.0, 1000.0, "Earth radii"),
    "interplanetary_field_nt": (0.0, 1e4, "nT"),
}


@dataclass(frozen=True, slots=True)
class Surroundings:
    """The environment at one place and time, before any storm."""

    dose_rate_usv_h: float = 0.0
    in_saa: bool = False
    in_belt: bool = False
    inside_magnetosphere: bool = False
    magnetic_field_nt: float = 0.0
    magnetic_latitude_deg: float = 0.0
    latitude_deg: float = 0.0
    longitude_deg: float = 0.0
    altitude_km: float = 0.0
    density_kg_m3: float = 0.0
    pressure_pa: float = 0.0


@dataclass(frozen=True, slots=True)
class EnvironmentState:
    """What surrounds the spacecraft, the dose it has taken, and any storm."""

    here: Surroundings = Surroundings()
    accumulated_dose_msv: float = 0.0
    thresholds_crossed: int = 0
    storm_multiplier: float = 1.0
    storm_active: bool = False
    storm_reported: bool = False

    @property
    def dose_rate_usv_h(self) -> float:
        return self.here.dose_rate_usv_h * (self.storm_multiplier if self.storm_active else 1.0)


class EnvironmentModel(Subsystem[EnvironmentState]):
    """Dose, SAA, belts, atmosphere and field where navigation says the spacecraft is."""

    name: ClassVar[str] = "environment"
    subscribes: tuple[str, ...] = (NAVIGATION,)
    faults: tuple[FaultSpec, ...] = (
        FaultSpec(
            "radiation_storm",
            "A solar particle event: the dose rate is multiplied while it lasts",
            (ArgSpec("multiplier", "float", "", 1.0, 1e5, default=100.0),),
        ),
    )
    telemetry: tuple[ParamSpec, ...] = (
        ParamSpec("dose_rate_usv_h", "uSv/h", "radiation dose rate, storm included"),
        ParamSpec("accumulated_dose_msv", "mSv", "dose since mission start"),
        ParamSpec("dose_thresholds_crossed", "", "dose thresholds passed so far", "int"),
        ParamSpec("in_saa", "", "inside the South Atlantic Anomaly", "bool"),
        ParamSpec("in_radiation_belt", "", "belt dose exceeds the background", "bool"),
        ParamSpec("inside_magnetosphere", "", "within Earth's magnetopause", "bool"),
        ParamSpec("storm_active", "", "solar particle event in progress", "bool"),
        ParamSpec("storm_multiplier", "", "dose-rate multiplier of the storm (1 without)"),
        ParamSpec("magnetic_field_nt", "nT", "magnetic field magnitude"),
        ParamSpec("magnetic_latitude_deg", "deg", "latitude from the dipole equator"),
        ParamSpec("latitude_deg", "deg", "geocentric latitude of the sub-spacecraft point"),
        ParamSpec("longitude_deg", "deg", "east longitude of the sub-spacecraft point"),
        ParamSpec("altitude_km", "km", "altitude above the central body"),
        ParamSpec("atmosphere_density_kg_m3", "kg/m3", "neutral atmosphere density"),
        ParamSpec("external_pressure_pa", "Pa", "ambient pressure outside the spacecraft"),
        ParamSpec("faults_active", "", "number of injected faults active", "int"),
    )

    def __init__(self, context: MissionContext, config: EnvironmentConfig | None = None) -> None:
        self.context = context
        self.config = config or EnvironmentConfig()

    @classmethod
    def from_config(cls, section: Section, context: MissionContext) -> EnvironmentModel:
        """Read `[subsystems.environment]`: every field of EnvironmentConfig, each optional."""
        defaults = EnvironmentConfig()
        values: dict[str, Any] = {
            key: section.float(key, getattr(defaults, key), low, high, unit)
            for key, (low, high, unit) in _BOUNDS.items()
        }
        for key in ("saa_lat_deg", "saa_lon_deg"):
            low_deg, high_deg = (
                float(v) for v in section.vector(key, 2, list(getattr(defaults, key)))
            )
            if low_deg >= high_deg:
                raise section.error(key, "expected [low, high] in degrees, low below high")
            values[key] = (low_deg, high_deg)
        thresholds = section.data.get("dose_thresholds_msv", list(defaults.dose_thresholds_msv))
        if not isinstance(thresholds, list) or not all(
            isinstance(v, int | float) and not isinstance(v, bool) and v > 0 for v in thresholds
        ):
            raise section.error("dose_thresholds_msv", "expected a list of positive numbers in mSv")
        return cls(
            context,
            EnvironmentConfig(
                central_body=section.str("central_body", "earth", CENTRAL_BODIES),
                dose_thresholds_msv=tuple(sorted(float(v) for v in thresholds)),
                **values,
            ),
        )

    # -- physics -------------------------------------------------------------------------------

    def in_saa(self, latitude_deg: float, longitude_deg: float, altitude_km: float) -> bool:
        c = self.config
        return (
            c.saa_lat_deg[0] <= latitude_deg <= c.saa_lat_deg[1]
            and c.saa_lon_deg[0] <= longitude_deg <= c.saa_lon_deg[1]
            and altitude_km <= c.saa_max_altitude_km
        )

    def belt_dose_rate_usv_h(self, altitude_km: float) -> float:
        c = self.config
        return sum(
            peak * math.exp(-0.5 * ((altitude_km - centre) / width) ** 2)
            for peak, centre, width in (
                (c.inner_belt_peak_usv_h, c.inner_belt_altitude_km, c.inner_belt_width_km),
                (c.outer_belt_peak_usv_h, c.outer_belt_altitude_km, c.outer_belt_width_km),
            )
        )

    def surroundings(self, fix: NavigationFix) -> Surroundings:
        """The environment at the fix's position and time."""
        c = self.config
        radius_m = math.hypot(*fix.position_m)
        body_radius_m = BODY_RADIUS_M[c.central_body]
        imf_nt = c.interplanetary_field_nt / max(fix.sun_distance_au, 1e-3)
        if c.central_body != "earth":
            hidden = 0.5 * (1.0 - math.sqrt(max(0.0, 1.0 - (body_radius_m / radius_m) ** 2)))
            return Surroundings(
                dose_rate_usv_h=c.gcr_usv_h * (1.0 - hidden),
                magnetic_field_nt=imf_nt,
                altitude_km=fix.altitude_m / 1e3,
            )
        gmst = orbit.gmst_rad(self.context.epoch_unix_s + fix.time_s)
        latitude, longitude = geographic_rad(fix.position_m, gmst)
        mag_latitude = magnetic_latitude_rad(latitude, longitude)
        altitude_km = fix.altitude_m / 1e3
        radii = radius_m / EARTH_RADIUS_M
        inside = radii < c.magnetopause_radius_re
        shielded = min(1.0, max(0.0, (radii - 1.0) / (c.magnetopause_radius_re - 1.0)))
        background = c.leo_background_usv_h + (c.gcr_usv_h - c.leo_background_usv_h) * shielded
        belts = self.belt_dose_rate_usv_h(altitude_km) if inside else 0.0
        saa = self.in_saa(math.degrees(latitude), math.degrees(longitude), altitude_km)
        return Surroundings(
            dose_rate_usv_h=background + belts + (c.saa_dose_rate_usv_h if saa else 0.0),
            in_saa=saa,
            in_belt=belts > background,
            inside_magnetosphere=inside,
            magnetic_field_nt=dipole_field_t(radius_m, mag_latitude) * T_NT if inside else imf_nt,
            magnetic_latitude_deg=math.degrees(mag_latitude),
            latitude_deg=math.degrees(latitude),
            longitude_deg=math.degrees(longitude),
            altitude_km=altitude_km,
            density_kg_m3=atmosphere_density_kg_m3(fix.altitude_m),
            pressure_pa=atmosphere_pressure_pa(fix.altitude_m),
        )

    # -- the Subsystem contract ----------------------------------------------------------------

    def initial_state(self) -> EnvironmentState:
        return EnvironmentState()

    def step(
        self, state: EnvironmentState, time_s: float, dt_s: float, inputs: Mapping[str, Any]
    ) -> Outcome[EnvironmentState]:
        fix = inputs.get(NAVIGATION)
        here = self.surroundings(fix) if isinstance(fix, NavigationFix) else state.here
        new = replace(state, here=here)
        dose_msv = state.accumulated_dose_msv + new.dose_rate_usv_h * dt_s / HOUR_S * USV_MSV
        crossed = sum(1 for t in self.config.dose_thresholds_msv if dose_msv >= t)
        new = replace(
            new,
            accumulated_dose_msv=dose_msv,
            thresholds_crossed=crossed,
            storm_reported=new.storm_active,
        )
        return Outcome(new, tuple(self._events(state, new)))

    def _events(self, old: EnvironmentState, new: EnvironmentState) -> list[Event]:
        events = []
        if new.here.in_saa and not old.here.in_saa:
            events.append(event("saa_entry", Severity.INFO, "entering the South Atlantic Anomaly"))
        elif old.here.in_saa and not new.here.in_saa:
            events.append(event("saa_exit", Severity.INFO, "leaving the South Atlantic Anomaly"))
        if new.storm_active and not old.storm_reported:
            text = f"solar particle event: dose rate ×{new.storm_multiplier:g}"
            events.append(
                event(
                    "radiation_storm_start",
                    Severity.HIGH,
                    text,
                    multiplier=new.storm_multiplier,
                    dose_rate_usv_h=new.dose_rate_usv_h,
                )
            )
        elif old.storm_reported and not new.storm_active:
            events.append(event("radiation_storm_end", Severity.INFO, "solar particle event over"))
        for threshold in self.config.dose_thresholds_msv[
            old.thresholds_crossed : new.thresholds_crossed
        ]:
            text = f"accumulated dose passed {threshold:g} mSv"
            events.append(
                event(
                    "dose_threshold_crossed",
                    Severity.MEDIUM,
                    text,
                    threshold_msv=threshold,
                    dose_msv=new.accumulated_dose_msv,
                )
            )
        return events

    def publish(self, state: EnvironmentState) -> Mapping[str, Any]:
        return {
            ENVIRONMENT: EnvironmentStatus(
                dose_rate_usv_h=state.dose_rate_usv_h,
                in_saa=state.here.in_saa,
                storm=state.storm_active,
                magnetic_field_nt=state.here.magnetic_field_nt,
            )
        }

    def housekeeping(self, state: EnvironmentState) -> dict[str, float | int | bool | str]:
        here = state.here
        return {
            "dose_rate_usv_h": state.dose_rate_usv_h,
            "accumulated_dose_msv": state.accumulated_dose_msv,
            "dose_thresholds_crossed": state.thresholds_crossed,
            "in_saa": here.in_saa,
            "in_radiation_belt": here.in_belt,
            "inside_magnetosphere": here.inside_magnetosphere,
            "storm_active": state.storm_active,
            "storm_multiplier": state.storm_multiplier if state.storm_active else 1.0,
            "magnetic_field_nt": here.magnetic_field_nt,
            "magnetic_latitude_deg": here.magnetic_latitude_deg,
            "latitude_deg": here.latitude_deg,
            "longitude_deg": here.longitude_deg,
            "altitude_km": here.altitude_km,
            "atmosphere_density_kg_m3": here.density_kg_m3,
            "external_pressure_pa": here.pressure_pa,
            "faults_active": int(state.storm_active),
        }

    def inject(
        self, state: EnvironmentState, fault: str, params: Mapping[str, Any]
    ) -> EnvironmentState:
        if fault == "radiation_storm":
            return replace(state, storm_active=True, storm_multiplier=params["multiplier"])
        raise FaultError(f"environment has no fault {fault!r}")

    def clear(self, state: EnvironmentState, fault: str) -> EnvironmentState:
        if fault == "radiation_storm":
            return replace(state, storm_active=False, storm_multiplier=1.0)
        raise FaultError(f"environment has no fault {fault!r}")
