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
- Atmosphere and magnetic field: an exponential atmosphere and a tilted dipole
  (`flightsw.physics.earth_environment`, where their sources are).

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

from flightsw.config.mission_context import MissionContext
from flightsw.config.section import Section
from flightsw.errors import FaultError
from flightsw.icd.dictionary import ArgSpec, FaultSpec
from flightsw.icd.services import Severity
from flightsw.physics import orbit
from flightsw.physics.constants import EARTH_RADIUS_M, HOUR_S
from flightsw.physics.earth_environment import (
    atmosphere_density_kg_m3,
    atmosphere_pressure_pa,
    dipole_field_t,
    geographic_rad,
    magnetic_latitude_rad,
)
from flightsw.subsystems.base import Outcome, Subsystem
from flightsw.subsystems.events import Event, event
from flightsw.subsystems.telemetry import TelemetryPoint, point
from flightsw.subsystems.topics import ENVIRONMENT, NAVIGATION, EnvironmentStatus, NavigationFix

USV_MSV = 1e-3
T_NT = 1e9


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


POINTS: tuple[TelemetryPoint[EnvironmentState], ...] = (
    point("dose_rate_usv_h", "uSv/h", "radiation dose rate, storm included",
          lambda s: s.dose_rate_usv_h),
    point("accumulated_dose_msv", "mSv", "dose since mission start",
          lambda s: s.accumulated_dose_msv),
    point("dose_thresholds_crossed", "", "dose thresholds passed so far",
          lambda s: s.thresholds_crossed, "int"),
    point("in_saa", "", "inside the South Atlantic Anomaly", lambda s: s.here.in_saa, "bool"),
    point("in_radiation_belt", "", "belt dose exceeds the background",
          lambda s: s.here.in_belt, "bool"),
    point("inside_magnetosphere", "", "within Earth's magnetopause",
          lambda s: s.here.inside_magnetosphere, "bool"),
    point("storm_active", "", "solar particle event in progress", lambda s: s.storm_active, "bool"),
    point("storm_multiplier", "", "dose-rate multiplier of the storm (1 without)",
          lambda s: s.storm_multiplier if s.storm_active else 1.0),
    point("magnetic_field_nt", "nT", "magnetic field magnitude",
          lambda s: s.here.magnetic_field_nt),
    point("magnetic_latitude_deg", "deg", "latitude from the dipole equator",
          lambda s: s.here.magnetic_latitude_deg),
    point("latitude_deg", "deg", "geocentric latitude of the sub-spacecraft point",
          lambda s: s.here.latitude_deg),
    point("longitude_deg", "deg", "east longitude of the sub-spacecraft point",
          lambda s: s.here.longitude_deg),
    point("altitude_km", "km", "altitude above the central body", lambda s: s.here.altitude_km),
    point("atmosphere_density_kg_m3", "kg/m3", "neutral atmosphere density",
          lambda s: s.here.density_kg_m3),
    point("external_pressure_pa", "Pa", "ambient pressure outside the spacecraft",
          lambda s: s.here.pressure_pa),
    point("faults_active", "", "number of injected faults active",
          lambda s: int(s.storm_active), "int"),
)  # fmt: skip


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
    telemetry_points: tuple[TelemetryPoint[EnvironmentState], ...] = POINTS

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
        for key, limit_deg in (("saa_lat_deg", 90.0), ("saa_lon_deg", 360.0)):
            low_deg, high_deg = section.vector(
                key, 2, list(getattr(defaults, key)), -limit_deg, limit_deg, "deg"
            )
            if low_deg >= high_deg:
                raise section.error(key, "expected [low, high] in degrees, low below high")
            values[key] = (low_deg, high_deg)
        thresholds = section.float_list(
            "dose_thresholds_msv", defaults.dose_thresholds_msv, 0.0, 1e6, "mSv"
        )
        if not all(v > 0 for v in thresholds):
            raise section.error("dose_thresholds_msv", "expected a list of positive numbers in mSv")
        return cls(
            context,
            EnvironmentConfig(
                central_body=section.str("central_body", "earth", orbit.CENTRAL_BODIES),
                dose_thresholds_msv=tuple(sorted(thresholds)),
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
        body_radius_m = orbit.GRAVITY_OF[c.central_body].radius_m
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
