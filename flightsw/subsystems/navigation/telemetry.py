"""Navigation's housekeeping parameters, each declared once with how it is read.

Speed, the osculating elements and the planned Δv need the state's vectors as arrays and the
central body's GM; `NavigationReading` computes them once per report, and the semi-major axis
once for both the period and itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from flightsw.physics import orbit
from flightsw.physics.constants import MINUTE_S, SPEED_OF_LIGHT_M_S
from flightsw.subsystems.navigation.state import NavigationState
from flightsw.subsystems.telemetry import TelemetryPoint, point


@dataclass(frozen=True, slots=True)
class NavigationReading:
    """What navigation's telemetry points read: the state and its osculating orbit."""

    state: NavigationState
    central_body: str
    speed_m_s: float
    semi_major_axis_m: float  # inf when unbound
    period_s: float  # inf when unbound
    eccentricity: float
    planned_dv_m_s: float  # 0 when no correction is planned

    @classmethod
    def of(cls, state: NavigationState, gm_m3_s2: float, central_body: str) -> NavigationReading:
        """The reading of `state` about a central body of gravitational parameter `gm_m3_s2`."""
        position, velocity = np.array(state.position_m), np.array(state.velocity_m_s)
        a_m = orbit.semi_major_axis_m(position, velocity, gm_m3_s2)
        planned = np.array(state.planned_dv_m_s)
        if state.plan_ready and state.planned_along_track_m_s:
            planned = planned + state.planned_along_track_m_s * orbit.unit(velocity)
        return cls(
            state,
            central_body,
            float(np.linalg.norm(velocity)),
            a_m,
            orbit.period_s(a_m, gm_m3_s2),
            orbit.eccentricity(position, velocity, gm_m3_s2),
            float(np.linalg.norm(planned)) if state.plan_ready else 0.0,
        )


def faults_active(state: NavigationState) -> int:
    """Injected faults active: failed wheels, a position bias."""
    return int(state.wheels_failed) + int(any(state.sensor_bias_m))


POINTS: tuple[TelemetryPoint[NavigationReading], ...] = (
    point("central_body", "", "earth, moon or sun", lambda r: r.central_body, "str"),
    point("altitude_km", "km", "reported height above the central body's radius",
          lambda r: r.state.fix.altitude_m / 1e3),
    point("speed_m_s", "m/s", "inertial speed", lambda r: r.speed_m_s),
    point("position_x_km", "km", "reported inertial position, x",
          lambda r: r.state.fix.position_m[0] / 1e3),
    point("position_y_km", "km", "reported inertial position, y",
          lambda r: r.state.fix.position_m[1] / 1e3),
    point("position_z_km", "km", "reported inertial position, z",
          lambda r: r.state.fix.position_m[2] / 1e3),
    point("illumination", "", "visible fraction of the solar disc, 0 to 1",
          lambda r: r.state.fix.illumination),
    point("in_eclipse", "", "more than half the solar disc hidden",
          lambda r: r.state.fix.in_eclipse, "bool"),
    point("attitude_mode", "", "sun, nadir, inertial, or drift when wheels failed",
          lambda r: r.state.fix.attitude_mode, "str"),
    point("attitude_control_ok", "", "reaction wheels working",
          lambda r: not r.state.wheels_failed, "bool"),
    point("sun_incidence_deg", "deg", "angle between array normal and Sun",
          lambda r: math.degrees(r.state.fix.sun_incidence_rad)),
    point("sun_distance_au", "AU", "distance to the Sun", lambda r: r.state.fix.sun_distance_au),
    point("station_visible", "", "a ground station (or the DSN) sees the spacecraft",
          lambda r: r.state.fix.station_visible, "bool"),
    point("station_name", "", "nearest visible station, or nearest station",
          lambda r: r.state.station_name, "str"),
    point("station_range_km", "km", "slant range used by the radio link",
          lambda r: r.state.fix.station_range_m / 1e3),
    point("light_time_s", "s", "one-way light time over station_range_km",
          lambda r: r.state.fix.station_range_m / SPEED_OF_LIGHT_M_S),
    point("orbit_count", "", "ascending-node crossings since start",
          lambda r: r.state.orbit_count, "int"),
    point("period_min", "min", "osculating Keplerian period (0 when unbound)",
          lambda r: r.period_s / MINUTE_S if math.isfinite(r.period_s) else 0.0),
    point("semi_major_axis_km", "km", "osculating semi-major axis (0 when unbound)",
          lambda r: r.semi_major_axis_m / 1e3 if math.isfinite(r.semi_major_axis_m) else 0.0),
    point("eccentricity", "", "osculating eccentricity", lambda r: r.eccentricity),
    point("planned_dv_m_s", "m/s", "size of the planned correction (0 when none)",
          lambda r: r.planned_dv_m_s),
    point("total_dv_m_s", "m/s", "Δv applied since start", lambda r: r.state.total_dv_m_s),
    point("sensor_bias_m", "m", "size of the injected position bias",
          lambda r: math.hypot(*r.state.sensor_bias_m)),
    point("faults_active", "", "injected faults active (sensor bias, wheel failure)",
          lambda r: faults_active(r.state), "int"),
)  # fmt: skip
