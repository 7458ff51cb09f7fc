"""The navigation subsystem's dictionary: its commands, faults and housekeeping parameters."""

from __future__ import annotations

from typing import Any

from flightsw.icd.dictionary import ArgSpec, CommandSpec, FaultSpec, ParamSpec

ATTITUDE_MODES = ("sun", "nadir", "inertial")
MAX_DV_M_S = 1000.0  # per component of a planned correction


def _param(name: str, unit: str, description: str, kind: Any = "float") -> ParamSpec:
    return ParamSpec(name, unit, description, kind)


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec(
        "set_attitude_mode",
        "Point the solar array at the Sun, hold nadir, or hold the current inertial attitude",
        (ArgSpec("mode", "enum", choices=ATTITUDE_MODES),),
    ),
    CommandSpec(
        "plan_correction",
        "Plan a Δv: inertial components plus an along-track part",
        tuple(
            ArgSpec(n, "float", "m/s", -MAX_DV_M_S, MAX_DV_M_S, default=0.0)
            for n in ("dv_x_m_s", "dv_y_m_s", "dv_z_m_s", "along_track_m_s")
        ),
    ),
    CommandSpec("execute_correction", "Apply the planned Δv to the velocity now"),
)
FAULTS: tuple[FaultSpec, ...] = (
    FaultSpec(
        "sensor_bias",
        "Bias the reported position (the true orbit is unaffected)",
        (
            ArgSpec("bias_x_m", "float", "m", -1e7, 1e7, default=1000.0),
            ArgSpec("bias_y_m", "float", "m", -1e7, 1e7, default=0.0),
            ArgSpec("bias_z_m", "float", "m", -1e7, 1e7, default=0.0),
        ),
    ),
    FaultSpec(
        "wheel_failure",
        "Reaction wheels lost: the attitude drifts away from the Sun at a constant rate",
        (ArgSpec("drift_rate_deg_s", "float", "deg/s", 0.0, 10.0, default=0.1),),
    ),
)
TELEMETRY: tuple[ParamSpec, ...] = (
    _param("central_body", "", "earth, moon or sun", "str"),
    _param("altitude_km", "km", "reported height above the central body's radius"),
    _param("speed_m_s", "m/s", "inertial speed"),
    _param("position_x_km", "km", "reported inertial position, x"),
    _param("position_y_km", "km", "reported inertial position, y"),
    _param("position_z_km", "km", "reported inertial position, z"),
    _param("illumination", "", "visible fraction of the solar disc, 0 to 1"),
    _param("in_eclipse", "", "more than half the solar disc hidden", "bool"),
    _param("attitude_mode", "", "sun, nadir, inertial, or drift when wheels failed", "str"),
    _param("attitude_control_ok", "", "reaction wheels working", "bool"),
    _param("sun_incidence_deg", "deg", "angle between array normal and Sun"),
    _param("sun_distance_au", "AU", "distance to the Sun"),
    _param("station_visible", "", "a ground station (or the DSN) sees the spacecraft", "bool"),
    _param("station_name", "", "nearest visible station, or nearest station", "str"),
    _param("station_range_km", "km", "slant range used by the radio link"),
    _param("light_time_s", "s", "one-way light time over station_range_km"),
    _param("orbit_count", "", "ascending-node crossings since start", "int"),
    _param("period_min", "min", "osculating Keplerian period (0 when unbound)"),
    _param("semi_major_axis_km", "km", "osculating semi-major axis (0 when unbound)"),
    _param("eccentricity", "", "osculating eccentricity"),
    _param("planned_dv_m_s", "m/s", "size of the planned correction (0 when none)"),
    _param("total_dv_m_s", "m/s", "Δv applied since start"),
    _param("sensor_bias_m", "m", "size of the injected position bias"),
    _param("faults_active", "", "injected faults active (sensor bias, wheel failure)", "int"),
)
