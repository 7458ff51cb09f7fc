"""Navigation: orbit propagation, eclipse, attitude pointing and ground-station visibility.

The state keeps the true position and velocity in an inertial frame centred on the central body
(Earth, Moon or Sun; axes of the mean equator and equinox). The published NavigationFix is what
the onboard navigation reports: its position carries any injected sensor bias, while the
physics (shadow, incidence, range) always uses the truth.

Keys of `[subsystems.navigation]` (all optional):

    central_body = "earth"        # earth (two-body + J2), moon, or sun (heliocentric cruise)
    altitude_km = 400.0           # circular start; 100 around the Moon
    inclination_deg = 51.6        # 90 around the Moon
    raan_deg = 0.0
    arg_lat_deg = 0.0
    position_m = [x, y, z]        # instead of the circular start: explicit vectors (both)
    velocity_m_s = [vx, vy, vz]
    transfer_to_au = 1.524        # sun only: leave Earth on a Hohmann transfer to this radius
    attitude_mode = "sun"         # sun, nadir or inertial
    array_normal_body = [0, 0, -1]  # array normal in nadir-mode body axes (z nadir): zenith
    j2_enabled = true             # earth only
    max_step_s = 10.0             # RK4 step limit, whatever the tick

Around Earth, the fix reports the nearest visible ground station of the mission (or the nearest
hidden one); with no stations configured, or around the Moon or Sun, a deep-space network is
assumed always in view and the range is to Earth's centre.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, ClassVar

import numpy as np

from flightsw.config.mission_context import GroundStation, MissionContext
from flightsw.config.section import REQUIRED, Section
from flightsw.errors import CommandError, FaultError
from flightsw.icd.errorcodes import ErrorCode
from flightsw.icd.services import Severity
from flightsw.physics import orbit
from flightsw.physics.constants import AU_M
from flightsw.physics.orbit import Vector
from flightsw.subsystems.base import Outcome, Subsystem
from flightsw.subsystems.events import Event, event
from flightsw.subsystems.navigation.dictionary import ATTITUDE_MODES, COMMANDS, FAULTS
from flightsw.subsystems.navigation.state import ZERO, NavigationState, Vec3, vec3
from flightsw.subsystems.navigation.telemetry import POINTS, NavigationReading
from flightsw.subsystems.topics import (
    BURN,
    DRIFT,
    MAX_ALTITUDE_KM,
    NAVIGATION,
    BurnApplied,
    NavigationFix,
)

_DEFAULT_ALTITUDE_KM = {"earth": 400.0, "moon": 100.0}
MAX_POSITION_M = 1e3 * MAX_ALTITUDE_KM  # a starting position, from the central body
MAX_SPEED_M_S = 3e5  # a starting speed: above any probe's (Parker Solar Probe, about 1.9e5)
_DEFAULT_INCLINATION_DEG = {"earth": 51.6, "moon": 90.0}
_NO_FIX = NavigationFix(0.0, ZERO, ZERO, 0.0, 1.0, 1.0, 0.0, "sun", False, 0.0)


class NavigationModel(Subsystem[NavigationState]):
    """Two-body (+J2 around Earth) RK4 orbit, with Sun, shadow and station geometry."""

    name: ClassVar[str] = "navigation"
    subscribes = (BURN,)
    commands = COMMANDS
    faults = FAULTS
    telemetry_points = POINTS

    def __init__(
        self,
        context: MissionContext,
        central_body: str,
        position_m: Vec3,
        velocity_m_s: Vec3,
        attitude_mode: str = "sun",
        array_normal_body: Vec3 = (0.0, 0.0, -1.0),
        j2_enabled: bool = True,
        max_step_s: float = 10.0,
    ) -> None:
        self.context = context
        self.central_body = central_body
        if central_body == "earth":
            self.gravity = orbit.EARTH_GRAVITY if j2_enabled else orbit.EARTH_POINT_MASS
        else:
            self.gravity = orbit.GRAVITY_OF[central_body]
        self.position_m = position_m
        self.velocity_m_s = velocity_m_s
        self.attitude_mode = attitude_mode
        # Body axes in nadir mode: z to nadir, y to minus orbit normal, x about along-track.
        self.array_normal_body = np.array(orbit.unit(np.array(array_normal_body)))
        self.array_normal_body.flags.writeable = False
        self.max_step_s = max_step_s

    @classmethod
    def from_config(cls, section: Section, context: MissionContext) -> NavigationModel:
        """Read `[subsystems.navigation]` (keys in the module docstring)."""
        body = section.str("central_body", "earth", orbit.CENTRAL_BODIES)
        position_m, velocity_m_s = _initial_orbit(section, body, context)
        normal = section.vector("array_normal_body", 3, [0.0, 0.0, -1.0], -1e6, 1e6)
        if math.hypot(*normal) < 1e-9:
            raise section.error("array_normal_body", "must not be the zero vector")
        return cls(
            context,
            body,
            position_m,
            velocity_m_s,
            section.str("attitude_mode", "sun", ATTITUDE_MODES),
            (normal[0], normal[1], normal[2]),
            section.bool("j2_enabled", True),
            section.float("max_step_s", 10.0, minimum=0.01, maximum=10.0, unit="s"),
        )

    # -- geometry ----------------------------------------------------------------------------

    def _sun_and_earth_m(self, time_s: float) -> tuple[Vector, Vector]:
        """Positions (3,) of the Sun and of Earth's centre from the central body at `time_s`."""
        unix_s = self.context.epoch_unix_s + time_s
        if self.central_body == "earth":
            return orbit.sun_position_m(unix_s), np.zeros(3)
        if self.central_body == "moon":
            moon = orbit.moon_circular_position_m(unix_s)
            return orbit.sun_position_m(unix_s) - moon, -moon
        return np.zeros(3), orbit.earth_circular_heliocentric(unix_s)[0]

    def _array_normal(self, state: NavigationState, sun_unit: Vector) -> Vector:
        """The solar-array normal (3,) in the inertial frame, as the attitude mode points it."""
        if state.wheels_failed or state.attitude_mode == "inertial":
            return np.array(state.held_normal)
        if state.attitude_mode == "sun":
            return sun_unit
        position, velocity = np.array(state.position_m), np.array(state.velocity_m_s)
        z_body = -orbit.unit(position)  # nadir
        y_body = -orbit.unit(np.cross(position, velocity))  # minus orbit normal
        x_body = np.cross(y_body, z_body)  # roughly along the velocity
        return np.column_stack((x_body, y_body, z_body)) @ self.array_normal_body

    def _sun_unit(self, state: NavigationState) -> Vector:
        sun_m, _ = self._sun_and_earth_m(state.time_s)
        return orbit.unit(sun_m - np.array(state.position_m))

    def _station(self, time_s: float, position: Vector, earth: Vector) -> tuple[bool, float, str]:
        """Visibility, range (m) and name of the station the radio link would use."""
        if self.central_body != "earth" or not self.context.ground_stations:
            # Deep space (or no network configured): the DSN is assumed always in view.
            return True, float(np.linalg.norm(position - earth)), "DSN"
        gmst = orbit.gmst_rad(self.context.epoch_unix_s + time_s)
        looks = [(*_look(s, position, gmst), s.name) for s in self.context.ground_stations]
        # Prefer any visible station over any hidden one, then the nearer one.
        return max(looks, key=lambda look: (look[0], -look[1]))

    def _observe(self, state: NavigationState) -> NavigationState:
        """`state` with the fix recomputed from its true position at its time."""
        position = np.array(state.position_m)
        sun_m, earth_m = self._sun_and_earth_m(state.time_s)
        to_sun = sun_m - position
        sun_unit = orbit.unit(to_sun)
        lit = (
            1.0
            if self.central_body == "sun"
            else orbit.illumination(position, sun_m, self.gravity.radius_m)
        )
        cos_incidence = float(np.dot(self._array_normal(state, sun_unit), sun_unit))
        visible, range_m, station = self._station(state.time_s, position, earth_m)
        reported = position + np.array(state.sensor_bias_m)
        fix = NavigationFix(
            time_s=state.time_s,
            position_m=vec3(reported),
            velocity_m_s=state.velocity_m_s,
            altitude_m=float(np.linalg.norm(reported)) - self.gravity.radius_m,
            illumination=lit,
            sun_distance_au=float(np.linalg.norm(to_sun)) / AU_M,
            sun_incidence_rad=math.acos(max(-1.0, min(1.0, cos_incidence))),
            attitude_mode=DRIFT if state.wheels_failed else state.attitude_mode,
            station_visible=visible,
            station_range_m=range_m,
        )
        return replace(state, fix=fix, station_name=station)

    # -- the Subsystem contract ----------------------------------------------------------------

    def initial_state(self) -> NavigationState:
        state = NavigationState(
            0.0, self.position_m, self.velocity_m_s, self.attitude_mode, ZERO, _NO_FIX
        )
        # An inertial start holds the Sun direction of mission start.
        return self._observe(replace(state, held_normal=vec3(self._sun_unit(state))))

    def step(
        self, state: NavigationState, time_s: float, dt_s: float, inputs: Mapping[str, Any]
    ) -> Outcome[NavigationState]:
        events: list[Event] = []
        burn = inputs.get(BURN)
        if isinstance(burn, BurnApplied) and burn.time_s > state.last_burn_time_s:
            if burn.total_delta_v_m_s is None:
                dv = np.array(burn.delta_v_m_s)
                burn_total = state.burn_total_m_s
            else:  # everything burnt since the last burn seen, however many ticks that was
                dv = np.array(burn.total_delta_v_m_s) - np.array(state.burn_total_m_s)
                burn_total = burn.total_delta_v_m_s
            state = replace(
                _apply_dv(state, dv), last_burn_time_s=burn.time_s, burn_total_m_s=burn_total
            )
            events.append(_dv_event("burn_applied", (float(dv[0]), float(dv[1]), float(dv[2]))))
        position, velocity = np.array(state.position_m), np.array(state.velocity_m_s)
        orbits = state.orbit_count
        if dt_s > 0.0:
            count, step_s = orbit.substeps(dt_s, self.max_step_s)
            for _ in range(count):
                z_before_m = position[2]
                position, velocity = orbit.rk4_step(position, velocity, step_s, self.gravity)
                if z_before_m < 0.0 <= position[2]:
                    orbits += 1
        held = state.held_normal
        if state.wheels_failed:
            angle_rad = state.drift_rate_rad_s * dt_s
            held = vec3(orbit.rotate(np.array(held), np.array(state.drift_axis), angle_rad))
        new = self._observe(
            replace(
                state,
                time_s=time_s + dt_s,
                position_m=vec3(position),
                velocity_m_s=vec3(velocity),
                held_normal=held,
                orbit_count=orbits,
            )
        )
        events.extend(_transitions(state.fix, new.fix, new.station_name))
        return Outcome(new, tuple(events))

    def publish(self, state: NavigationState) -> Mapping[str, Any]:
        return {NAVIGATION: state.fix}

    def telemetry_source(self, state: NavigationState) -> NavigationReading:
        return NavigationReading.of(state, self.gravity.gm_m3_s2, self.central_body)

    def execute(
        self, state: NavigationState, command: str, args: Mapping[str, Any]
    ) -> Outcome[NavigationState]:
        if command == "set_attitude_mode":
            if state.wheels_failed:
                raise CommandError(
                    ErrorCode.EXECUTION_FAILED,
                    "reaction wheels have failed: attitude cannot be changed until repaired",
                )
            mode = args["mode"]
            held = vec3(self._array_normal(state, self._sun_unit(state)))
            new = self._observe(replace(state, attitude_mode=mode, held_normal=held))
            return Outcome(
                new, (event("attitude_mode", Severity.INFO, f"attitude {mode}", mode=mode),)
            )
        if command == "plan_correction":
            dv = (args["dv_x_m_s"], args["dv_y_m_s"], args["dv_z_m_s"])
            along_m_s = args["along_track_m_s"]
            if not any(dv) and not along_m_s:
                raise CommandError(
                    ErrorCode.BAD_ARGUMENT, "plan_correction: give a non-zero Δv component"
                )
            return Outcome(
                replace(
                    state, planned_dv_m_s=dv, planned_along_track_m_s=along_m_s, plan_ready=True
                )
            )
        if command == "execute_correction":
            if not state.plan_ready:
                raise CommandError(
                    ErrorCode.NOT_ALLOWED, "execute_correction: no correction planned; plan first"
                )
            velocity = np.array(state.velocity_m_s)
            along_track = state.planned_along_track_m_s * orbit.unit(velocity)
            dv_m_s = np.array(state.planned_dv_m_s) + along_track
            new = replace(
                _apply_dv(state, dv_m_s),
                planned_dv_m_s=ZERO,
                planned_along_track_m_s=0.0,
                plan_ready=False,
            )
            return Outcome(self._observe(new), (_dv_event("correction_executed", vec3(dv_m_s)),))
        return super().execute(state, command, args)

    def inject(
        self, state: NavigationState, fault: str, params: Mapping[str, Any]
    ) -> NavigationState:
        if fault == "sensor_bias":
            bias = (params["bias_x_m"], params["bias_y_m"], params["bias_z_m"])
            return self._observe(replace(state, sensor_bias_m=bias))
        if fault == "wheel_failure":
            sun_unit = self._sun_unit(state)
            normal = self._array_normal(state, sun_unit)
            # Rotate about sun × normal, which turns the normal away from the Sun.
            axis = np.cross(sun_unit, normal)
            if np.linalg.norm(axis) < 1e-6:  # pointing at the Sun: any perpendicular axis
                helper = np.array([1.0, 0.0, 0.0]) if abs(normal[0]) < 0.9 else np.eye(3)[1]
                axis = np.cross(normal, helper)
            return self._observe(
                replace(
                    state,
                    wheels_failed=True,
                    held_normal=vec3(normal),
                    drift_axis=vec3(orbit.unit(axis)),
                    drift_rate_rad_s=math.radians(params["drift_rate_deg_s"]),
                )
            )
        raise FaultError(f"navigation has no fault {fault!r}")

    def clear(self, state: NavigationState, fault: str) -> NavigationState:
        if fault == "sensor_bias":
            return self._observe(replace(state, sensor_bias_m=ZERO))
        if fault == "wheel_failure":
            # Wheels back: control resumes the commanded mode (inertial holds where it drifted).
            return self._observe(replace(state, wheels_failed=False, drift_rate_rad_s=0.0))
        raise FaultError(f"navigation has no fault {fault!r}")


def _look(station: GroundStation, position: Vector, gmst: float) -> tuple[bool, float]:
    station_m, up = orbit.station_inertial(
        math.radians(station.latitude_deg),
        math.radians(station.longitude_deg),
        station.altitude_m,
        gmst,
    )
    elevation_rad, range_m = orbit.elevation_and_range(position, station_m, up)
    return elevation_rad >= math.radians(station.min_elevation_deg), range_m


def _apply_dv(state: NavigationState, dv_m_s: Vector) -> NavigationState:
    velocity = np.array(state.velocity_m_s) + dv_m_s
    total_m_s = state.total_dv_m_s + float(np.linalg.norm(dv_m_s))
    return replace(state, velocity_m_s=vec3(velocity), total_dv_m_s=total_m_s)


def _dv_event(name: str, dv_m_s: Vec3) -> Event:
    size_m_s = math.hypot(*dv_m_s)
    return event(name, Severity.INFO, f"Δv of {size_m_s:.3f} m/s applied", dv_m_s=size_m_s)


def _transitions(old: NavigationFix, new: NavigationFix, station: str) -> list[Event]:
    """Eclipse entry/exit and acquisition/loss of signal between two consecutive fixes."""
    events = []
    was_dark, is_dark = old.in_eclipse, new.in_eclipse
    if is_dark and not was_dark:
        events.append(event("eclipse_entry", Severity.INFO, "entering eclipse"))
    elif was_dark and not is_dark:
        events.append(event("eclipse_exit", Severity.INFO, "leaving eclipse"))
    if new.station_visible and not old.station_visible:
        events.append(event("station_aos", Severity.INFO, f"{station} in view", station=station))
    elif old.station_visible and not new.station_visible:
        events.append(event("station_los", Severity.INFO, "ground station lost"))
    return events


def _initial_orbit(section: Section, body: str, context: MissionContext) -> tuple[Vec3, Vec3]:
    """The starting position and velocity: explicit vectors, a circular orbit, or a transfer."""
    gravity = orbit.GRAVITY_OF[body]
    if section.has("position_m") or section.has("velocity_m_s"):
        position_m = section.vector("position_m", 3, REQUIRED, -MAX_POSITION_M, MAX_POSITION_M, "m")
        velocity_m_s = section.vector(
            "velocity_m_s", 3, REQUIRED, -MAX_SPEED_M_S, MAX_SPEED_M_S, "m/s"
        )
        if math.hypot(*position_m) <= gravity.radius_m:
            raise section.error("position_m", f"is inside the {body}; give a position above it")
        return vec3(np.array(position_m)), vec3(np.array(velocity_m_s))
    if body == "sun":
        # Heliocentric cruise: leave Earth at the perihelion of a Hohmann transfer orbit.
        aphelion_m = AU_M * section.float("transfer_to_au", 1.524, 0.1, 100.0, "AU")
        earth_r, earth_v = orbit.earth_circular_heliocentric(context.epoch_unix_s)
        a_m = 0.5 * (AU_M + aphelion_m)
        speed_m_s = math.sqrt(gravity.gm_m3_s2 * (2.0 / AU_M - 1.0 / a_m))
        return vec3(earth_r), vec3(orbit.unit(earth_v) * speed_m_s)
    altitude_km = section.float(
        "altitude_km", _DEFAULT_ALTITUDE_KM[body], 0.0, MAX_ALTITUDE_KM, unit="km"
    )
    inclination_deg = section.float(
        "inclination_deg", _DEFAULT_INCLINATION_DEG[body], 0.0, 180.0, "deg"
    )
    position, velocity = orbit.circular_orbit(
        gravity.radius_m + 1e3 * altitude_km,
        math.radians(inclination_deg),
        math.radians(section.float("raan_deg", 0.0, 0.0, 360.0, "deg")),
        math.radians(section.float("arg_lat_deg", 0.0, 0.0, 360.0, "deg")),
        gravity.gm_m3_s2,
    )
    return vec3(position), vec3(velocity)
