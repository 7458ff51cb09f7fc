"""Navigation state: the true orbit, attitude, planned correction, faults and the last fix."""

from __future__ import annotations

import math
from dataclasses import dataclass

from flightsw.physics.orbit import Vector
from flightsw.subsystems.topics import NavigationFix

Vec3 = tuple[float, float, float]
ZERO: Vec3 = (0.0, 0.0, 0.0)


@dataclass(frozen=True, slots=True)
class NavigationState:
    """True orbit, attitude, planned correction, faults, and the fix last reported."""

    time_s: float
    position_m: Vec3
    velocity_m_s: Vec3
    attitude_mode: str
    held_normal: Vec3  # array normal held in inertial space (inertial mode, or drifting)
    fix: NavigationFix
    station_name: str = ""
    wheels_failed: bool = False
    drift_axis: Vec3 = (0.0, 0.0, 1.0)
    drift_rate_rad_s: float = 0.0
    sensor_bias_m: Vec3 = ZERO
    planned_dv_m_s: Vec3 = ZERO  # inertial components
    planned_along_track_m_s: float = 0.0  # along the velocity at execution time
    plan_ready: bool = False
    total_dv_m_s: float = 0.0
    last_burn_time_s: float = -math.inf
    burn_total_m_s: Vec3 = ZERO  # the sum of the burns applied so far
    orbit_count: int = 0  # ascending-node crossings


def vec3(values: Vector) -> Vec3:
    """A plain float 3-tuple of the first three `values`."""
    return (float(values[0]), float(values[1]), float(values[2]))
