"""Docking: a visiting vehicle's approach to the spacecraft by Clohessy–Wiltshire relative motion.

The visitor's position and velocity are kept relative to the spacecraft (the target, assumed in
a near-circular orbit of mean motion n) in its local frame: x radial (up), y along-track, z
cross-track. Between impulses they follow the Clohessy–Wiltshire equations
ẍ − 3n²x − 2nẏ = 0, ÿ + 2nẋ = 0, z̈ + n²z = 0 through their closed-form state transition matrix
(Curtis, Orbital Mechanics for Engineering Students, §7.4), exact for any interval. n comes from
navigation.state (n = sqrt(GM/r³)) when present, else from the configured target altitude.

Guidance is deterministic and impulsive. Every `guidance_period_s` of mission time the visitor
fires the impulse that puts it, by CW targeting (v0 = Φrv⁻¹·(r1 − Φrr·r0)), on its reference
point one period later: a two-impulse transfer to the first V-bar hold point (arrival time
fixed), straight lines along the V-bar at constant speed, or station keeping. The plan, on the
−V-bar (behind the target): transfer to `hold_far_m` (250 m, outside a 200 m keep-out sphere),
hold `hold_time_s`, close at `approach_speed_m_s` to `hold_near_m` (30 m), hold, then the final
approach at `final_speed_m_s` (0.1 m/s) until the ports touch. Contact captures only when the
alignment error is inside `max_alignment_deg` and the closing speed below
`max_contact_speed_m_s` (0.15 m/s); otherwise it fails and the visitor aborts. Capture latches
close after `capture_time_s`, the hard-dock latches after `hard_dock_time_s` more.

The visitor's own safety logic aborts (retreats along −V-bar to `abort_range_m` and holds there)
when the alignment error leaves its limit during the final approach, and when the partner stops
reporting for `partner_timeout_s`: it holds if still approaching, aborts if in the final phase.
Phase timers and safety checks run at the guidance instants.

Keys of `[subsystems.docking]`: `initial_position_m`, `initial_velocity_m_s` (3-vectors, default
[0, -2000, 0] and [0, 0, 0]); every other key, its default and its range are in `_limits()`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, ClassVar

import numpy as np

from flightsw.config_section import Section
from flightsw.constants import EARTH_GM_M3_S2, EARTH_RADIUS_M
from flightsw.dictionary import ArgSpec, CommandSpec, FaultSpec, ParamSpec
from flightsw.errorcodes import ErrorCode
from flightsw.errors import CommandError, FaultError
from flightsw.events import Event, Severity, event
from flightsw.mission_context import MissionContext
from flightsw.subsystem import Outcome, Subsystem
from flightsw.topics import DOCKING, NAVIGATION, DockingStatus, NavigationFix

Vec3 = tuple[float, float, float]
ZERO: Vec3 = (0.0, 0.0, 0.0)
PHASES: tuple[str, ...] = ("far", "approach", "final", "contact", "captured", "hard_docked")
PHASES = (*PHASES, "undocking", "hold", "aborted")
ATTACHED = ("contact", "captured", "hard_docked", "undocking")
LINES = ("to_near", "final", "retreat", "depart")  # legs that follow a straight line
TRANSFER_LEGS = ("to_far",)
COASTING = ("drift", "attached", "release")  # legs with no guidance impulses
EPS_S = 1e-9


def cw_stm(n_rad_s: float, t_s: float) -> np.ndarray:
    """The CW state transition matrix (6, 6) over `t_s` for state [x, y, z, vx, vy, vz]."""
    nt, s, c, n = n_rad_s * t_s, math.sin(n_rad_s * t_s), math.cos(n_rad_s * t_s), n_rad_s
    return np.array(
        [
            [4 - 3 * c, 0, 0, s / n, 2 * (1 - c) / n, 0],
            [6 * (s - nt), 1, 0, -2 * (1 - c) / n, (4 * s - 3 * nt) / n, 0],
            [0, 0, c, 0, 0, s / n],
            [3 * n * s, 0, 0, c, 2 * s, 0],
            [-6 * n * (1 - c), 0, 0, -2 * s, 4 * c - 3, 0],
            [0, 0, -n * s, 0, 0, c],
        ]
    )


def cw_propagate(state6: np.ndarray, n_rad_s: float, t_s: float) -> np.ndarray:
    """The relative state (6,) `t_s` seconds after `state6` (6,), coasting."""
    result: np.ndarray = cw_stm(n_rad_s, t_s) @ state6
    return result


def cw_target_velocity(
    position_m: np.ndarray, target_m: np.ndarray, n_rad_s: float, t_s: float
) -> np.ndarray:
    """The velocity (3,) that coasts from `position_m` (3,) to `target_m` (3,) in `t_s`."""
    stm = cw_stm(n_rad_s, t_s)
    result: np.ndarray = np.linalg.solve(stm[:3, 3:], target_m - stm[:3, :3] @ position_m)
    return result


def mean_motion_rad_s(radius_m: float) -> float:
    """n = sqrt(GM/r³) of a circular Earth orbit of radius `radius_m`."""
    return math.sqrt(EARTH_GM_M3_S2 / radius_m**3)


@dataclass(frozen=True, slots=True)
class DockingState:
    """Relative motion, phase and current guidance leg, faults and latch status."""

    position_m: Vec3  # visitor relative to the target: x radial, y along-track, z cross-track
    velocity_m_s: Vec3
    mean_motion_rad_s: float
    phase: str = "far"
    leg: str = "drift"  # the guidance leg within the phase
    leg_start_s: float = 0.0
    leg_end_s: float = 0.0
    leg_from_m: Vec3 = ZERO
    leg_to_m: Vec3 = ZERO
    phase_since_s: float = 0.0
    held_from: str = ""  # phase to resume after a hold
    time_s: float = 0.0
    next_guidance_s: float = 0.0
    alignment_error_deg: float = 0.0
    misalignment_deg: float = 0.0  # the misalignment fault's offset (0 when none)
    partner_comms_ok: bool = True
    partner_silent_s: float = 0.0
    partner_timed_out: bool = False
    latch_failure: bool = False
    latches_closed: bool = False
    hard_dock_failed: bool = False  # reported once per capture
    delta_v_total_m_s: float = 0.0
    contact_speed_m_s: float = 0.0

    @property
    def range_m(self) -> float:
        return math.hypot(*self.position_m)

    @property
    def range_rate_m_s(self) -> float:
        r = self.range_m
        return float(np.dot(self.position_m, self.velocity_m_s)) / r if r > 0.0 else 0.0


class DockingModel(Subsystem[DockingState]):
    """A visitor's CW relative motion under V-bar waypoint guidance, with capture and latches."""

    name: ClassVar[str] = "docking"
    subscribes: tuple[str, ...] = (NAVIGATION,)
    commands: tuple[CommandSpec, ...] = (
        CommandSpec("start_approach", "Start the approach from far or after an abort"),
        CommandSpec("hold", "Stop and keep station at the current range"),
        CommandSpec("resume", "Resume the approach after a hold"),
        CommandSpec("abort_approach", "Retreat along -V-bar to the abort range and hold"),
        CommandSpec("undock", "Open the latches and depart (hard docked only)", hazardous=True),
    )
    faults: tuple[FaultSpec, ...] = (
        FaultSpec(
            "misalignment",
            "The visitor's docking axis drifts off the target port's",
            (ArgSpec("offset_deg", "float", "deg", 0.0, 90.0, default=10.0),),
        ),
        FaultSpec("partner_comms_loss", "The target stops reporting to the visitor"),
        FaultSpec("latch_failure", "The hard-dock latches do not close after capture"),
    )
    telemetry: tuple[ParamSpec, ...] = (
        ParamSpec("phase", "", ", ".join(PHASES), "str"),
        ParamSpec("leg", "", "guidance leg within the phase", "str"),
        ParamSpec("range_m", "m", "distance between the docking ports"),
        ParamSpec("range_rate_m_s", "m/s", "rate of change of range"),
        ParamSpec("closing_speed_m_s", "m/s", "minus the range rate"),
        ParamSpec("x_m", "m", "radial offset (up)"),
        ParamSpec("y_m", "m", "along-track offset (negative behind)"),
        ParamSpec("z_m", "m", "cross-track offset"),
        ParamSpec("vx_m_s", "m/s", "radial velocity"),
        ParamSpec("vy_m_s", "m/s", "along-track velocity"),
        ParamSpec("vz_m_s", "m/s", "cross-track velocity"),
        ParamSpec("alignment_error_deg", "deg", "angle between the docking axes"),
        ParamSpec("partner_comms_ok", "", "the target is reporting", "bool"),
        ParamSpec("latches_closed", "", "hard-dock latches closed", "bool"),
        ParamSpec("docked", "", "hard docked", "bool"),
        ParamSpec("contact_speed_m_s", "m/s", "closing speed at the last contact"),
        ParamSpec("delta_v_total_m_s", "m/s", "visitor Δv spent so far"),
        ParamSpec("mean_motion_rad_s", "rad/s", "target orbit mean motion used by CW"),
        ParamSpec("misalignment_active", "", "misalignment fault active", "bool"),
        ParamSpec("partner_comms_loss_active", "", "partner_comms_loss fault active", "bool"),
        ParamSpec("latch_failure_active", "", "latch_failure fault active", "bool"),
        ParamSpec("faults_active", "", "number of injected faults active", "int"),
    )

    def __init__(
        self,
        context: MissionContext,
        settings: Mapping[str, Any] | None = None,
        initial_position_m: Vec3 = (0.0, -2000.0, 0.0),
        initial_velocity_m_s: Vec3 = ZERO,
    ) -> None:
        """Build from `settings`, a map of the `_limits()` keys (missing ones take defaults)."""
        self.context = context
        self.s = {**{k: v[0] for k, v in _limits().items()}, **(settings or {})}
        self.initial_position_m = initial_position_m
        self.initial_velocity_m_s = initial_velocity_m_s

    @classmethod
    def from_config(cls, section: Section, context: MissionContext) -> DockingModel:
        """Read `[subsystems.docking]` (see the module docstring)."""
        settings = {k: section.float(k, d, lo, hi) for k, (d, lo, hi) in _limits().items()}
        if settings["hold_near_m"] >= settings["hold_far_m"]:
            raise section.error("hold_near_m", "must be closer than hold_far_m")
        position = section.vector("initial_position_m", 3, [0.0, -2000.0, 0.0], "m")
        velocity = section.vector("initial_velocity_m_s", 3, [0.0, 0.0, 0.0], "m/s")
        return cls(context, settings, _vec(position), _vec(velocity))

    # -- guidance ------------------------------------------------------------------------------

    def _reference_m(self, state: DockingState, t_s: float) -> np.ndarray:
        """Where the current leg wants the visitor at `t_s`."""
        if state.leg in LINES and state.leg_end_s > state.leg_start_s:
            k = min(max((t_s - state.leg_start_s) / (state.leg_end_s - state.leg_start_s), 0), 1)
            start, end = np.array(state.leg_from_m), np.array(state.leg_to_m)
            result: np.ndarray = start + k * (end - start)
            return result
        return np.array(state.leg_to_m)

    def _leg(
        self, state: DockingState, leg: str, t_s: float, to_m: Vec3, speed_or_s: float
    ) -> DockingState:
        """Start leg `leg` at `t_s` toward `to_m`: lines at a speed, others for a duration."""
        if leg in LINES:
            length_m = math.dist(state.position_m, to_m)
            end_s = t_s + length_m / speed_or_s
        else:
            end_s = t_s + speed_or_s
        return replace(
            state,
            leg=leg,
            leg_start_s=t_s,
            leg_end_s=end_s,
            leg_from_m=state.position_m,
            leg_to_m=to_m,
        )

    def _v_bar(self, range_m: float) -> Vec3:
        return (0.0, -range_m, 0.0)

    def _plan_approach(self, state: DockingState, t_s: float, events: list[Event]) -> DockingState:
        """The leg that continues the approach from where the visitor is now."""
        s, r = self.s, state.range_m
        if r > s["hold_far_m"] + 1.0:
            state = self._phase(state, "approach", t_s, events)
            # Arrive on a guidance instant, so the transfer ends exactly at its target.
            period = s["guidance_period_s"]
            duration = math.ceil(s["transfer_time_s"] / period) * period
            start = max(state.next_guidance_s, t_s)
            return replace(
                self._leg(state, "to_far", start, self._v_bar(s["hold_far_m"]), 0.0),
                leg_end_s=start + duration,
            )
        if r > s["hold_near_m"] + 1.0:
            state = self._phase(state, "approach", t_s, events)
            return self._to_near(state, t_s)
        state = self._phase(state, "final", t_s, events)
        # Aim a metre past the port, so the visitor meets it at the full final speed.
        return self._leg(state, "final", t_s, (0.0, 1.0, 0.0), s["final_speed_m_s"])

    def _to_near(self, state: DockingState, t_s: float) -> DockingState:
        to_m = self._v_bar(self.s["hold_near_m"])
        return self._leg(state, "to_near", t_s, to_m, self.s["approach_speed_m_s"])

    def _abort(
        self, state: DockingState, t_s: float, reason: str, events: list[Event]
    ) -> DockingState:
        events.append(
            event(
                "approach_aborted",
                Severity.HIGH,
                f"approach aborted: {reason}",
                reason=reason,
                range_m=state.range_m,
            )
        )
        state = self._phase(state, "aborted", t_s, events)
        to_m = self._v_bar(max(self.s["abort_range_m"], state.range_m))
        return self._leg(state, "retreat", t_s, to_m, self.s["retreat_speed_m_s"])

    def _phase(
        self, state: DockingState, phase: str, t_s: float, events: list[Event]
    ) -> DockingState:
        if phase == state.phase:
            return state
        text = f"docking {state.phase} -> {phase} at {state.range_m:.1f} m"
        events.append(event("docking_phase", Severity.INFO, text, old=state.phase, new=phase))
        return replace(state, phase=phase, phase_since_s=t_s)

    def _transitions(self, state: DockingState, t_s: float, events: list[Event]) -> DockingState:
        """Leg ends, phase timers and the visitor's safety checks, at a guidance instant."""
        s, since = self.s, t_s - state.phase_since_s
        done = t_s >= state.leg_end_s - EPS_S
        if state.phase == "final" and state.alignment_error_deg > s["max_alignment_deg"]:
            events.append(
                event(
                    "alignment_out_of_limits",
                    Severity.HIGH,
                    f"alignment error {state.alignment_error_deg:.1f} deg",
                    alignment_error_deg=state.alignment_error_deg,
                )
            )
            return self._abort(state, t_s, "alignment out of limits", events)
        lost = state.partner_silent_s >= s["partner_timeout_s"] and not state.partner_timed_out
        if lost and state.phase in ("approach", "final"):
            events.append(event("partner_comms_timeout", Severity.HIGH, "partner silent"))
            state = replace(state, partner_timed_out=True)
            if state.phase == "final":
                return self._abort(state, t_s, "partner comms lost", events)
            return self._hold(state, t_s, events)
        if state.leg == "to_far" and done:
            return self._leg(state, "at_far", t_s, state.leg_to_m, s["hold_time_s"])
        if state.leg == "at_far" and done:
            return self._to_near(state, t_s)
        if state.leg == "to_near" and done:
            return self._leg(state, "at_near", t_s, state.leg_to_m, s["hold_time_s"])
        if state.leg == "at_near" and done:
            return self._plan_approach(state, t_s, events)
        if state.phase == "contact" and since >= s["capture_time_s"] - EPS_S:
            return self._phase(state, "captured", t_s, events)
        if state.phase == "captured" and since >= s["hard_dock_time_s"] - EPS_S:
            if not state.latch_failure:
                return replace(self._phase(state, "hard_docked", t_s, events), latches_closed=True)
            if not state.hard_dock_failed:
                events.append(event("hard_dock_failed", Severity.HIGH, "latches did not close"))
                return replace(state, hard_dock_failed=True)
        if state.phase == "undocking" and state.leg == "release" and done:
            return self._leg(
                state, "depart", t_s, self._v_bar(s["abort_range_m"]), s["depart_speed_m_s"]
            )
        if state.leg == "depart" and done:
            state = self._phase(state, "far", t_s, events)
            return self._leg(state, "park", t_s, state.leg_to_m, math.inf)
        return state

    def _hold(self, state: DockingState, t_s: float, events: list[Event]) -> DockingState:
        held = replace(state, held_from=state.phase)
        return self._leg(
            self._phase(held, "hold", t_s, events), "hold", t_s, state.position_m, math.inf
        )

    def _guide(self, state: DockingState, t_s: float) -> DockingState:
        """Fire the impulse that reaches the leg's reference one guidance period from now."""
        if state.leg in COASTING:
            return state
        period = self.s["guidance_period_s"]
        if state.leg in TRANSFER_LEGS and t_s < state.leg_end_s - EPS_S:
            arrive_s = state.leg_end_s
        else:
            arrive_s = t_s + period
        position = np.array(state.position_m)
        target = self._reference_m(state, arrive_s)
        wanted = cw_target_velocity(position, target, state.mean_motion_rad_s, arrive_s - t_s)
        dv = float(np.linalg.norm(wanted - np.array(state.velocity_m_s)))
        return replace(
            state, velocity_m_s=_vec(wanted), delta_v_total_m_s=state.delta_v_total_m_s + dv
        )

    def _contact(self, state: DockingState, t_s: float, events: list[Event]) -> DockingState:
        """The ports touch: capture if aligned and slow enough, else bounce off and abort."""
        s, speed = self.s, state.velocity_m_s[1]  # along the docking axis
        state = replace(state, contact_speed_m_s=speed)
        if speed > s["max_contact_speed_m_s"] or state.alignment_error_deg > s["max_alignment_deg"]:
            text = f"contact failed at {speed:.3f} m/s, {state.alignment_error_deg:.1f} deg"
            events.append(event("contact_failed", Severity.HIGH, text, closing_speed_m_s=speed))
            return self._abort(state, t_s, "contact failed", events)
        attached = replace(state, position_m=ZERO, velocity_m_s=ZERO, leg="attached")
        return replace(self._phase(attached, "contact", t_s, events), hard_dock_failed=False)

    # -- the Subsystem contract ----------------------------------------------------------------

    def initial_state(self) -> DockingState:
        radius_m = EARTH_RADIUS_M + 1e3 * self.s["target_altitude_km"]
        return DockingState(
            position_m=self.initial_position_m,
            velocity_m_s=self.initial_velocity_m_s,
            mean_motion_rad_s=mean_motion_rad_s(radius_m),
            alignment_error_deg=self.s["nominal_alignment_deg"],
        )

    def step(
        self, state: DockingState, time_s: float, dt_s: float, inputs: Mapping[str, Any]
    ) -> Outcome[DockingState]:
        s, events = self.s, list[Event]()
        fix = inputs.get(NAVIGATION)
        if isinstance(fix, NavigationFix):
            state = replace(state, mean_motion_rad_s=mean_motion_rad_s(math.hypot(*fix.position_m)))
        # The alignment error drifts toward its nominal value plus any fault offset.
        goal_deg = s["nominal_alignment_deg"] + state.misalignment_deg
        change_deg = min(
            abs(goal_deg - state.alignment_error_deg), s["misalignment_rate_deg_s"] * dt_s
        )
        alignment = state.alignment_error_deg + math.copysign(
            change_deg, goal_deg - state.alignment_error_deg
        )
        silent_s = 0.0 if state.partner_comms_ok else state.partner_silent_s + dt_s
        state = replace(state, alignment_error_deg=alignment, partner_silent_s=silent_s)
        period, t, end_s = s["guidance_period_s"], time_s, time_s + dt_s
        while t < end_s - EPS_S:
            if t >= state.next_guidance_s - EPS_S:
                state = self._guide(self._transitions(state, t, events), t)
                state = replace(
                    state, next_guidance_s=(math.floor(t / period + EPS_S) + 1) * period
                )
            h_s = min(end_s, state.next_guidance_s) - t
            if state.phase == "final":
                h_s = min(h_s, s["contact_check_s"])
            if state.phase not in ATTACHED:
                moved = cw_propagate(
                    np.array(state.position_m + state.velocity_m_s), state.mean_motion_rad_s, h_s
                )
                state = replace(state, position_m=_vec(moved[:3]), velocity_m_s=_vec(moved[3:]))
            t += h_s
            # The ports touch when the along-track gap closes (the approach axis is the V-bar).
            if state.phase == "final" and state.position_m[1] >= -s["contact_distance_m"]:
                state = self._contact(state, t, events)
        return Outcome(replace(state, time_s=end_s), tuple(events))

    def publish(self, state: DockingState) -> Mapping[str, Any]:
        status = DockingStatus(
            state.phase, state.range_m, state.range_rate_m_s, state.phase == "hard_docked"
        )
        return {DOCKING: status}

    def housekeeping(self, state: DockingState) -> dict[str, float | int | bool | str]:
        faults = (state.misalignment_deg > 0.0, not state.partner_comms_ok, state.latch_failure)
        (x, y, z), (vx, vy, vz) = state.position_m, state.velocity_m_s
        return {
            "phase": state.phase,
            "leg": state.leg,
            "range_m": state.range_m,
            "range_rate_m_s": state.range_rate_m_s,
            "closing_speed_m_s": -state.range_rate_m_s,
            "x_m": x,
            "y_m": y,
            "z_m": z,
            "vx_m_s": vx,
            "vy_m_s": vy,
            "vz_m_s": vz,
            "alignment_error_deg": state.alignment_error_deg,
            "partner_comms_ok": state.partner_comms_ok,
            "latches_closed": state.latches_closed,
            "docked": state.phase == "hard_docked",
            "contact_speed_m_s": state.contact_speed_m_s,
            "delta_v_total_m_s": state.delta_v_total_m_s,
            "mean_motion_rad_s": state.mean_motion_rad_s,
            "misalignment_active": faults[0],
            "partner_comms_loss_active": faults[1],
            "latch_failure_active": faults[2],
            "faults_active": sum(faults),
        }

    def execute(
        self, state: DockingState, command: str, args: Mapping[str, Any]
    ) -> Outcome[DockingState]:
        allowed = {
            "start_approach": ("far", "aborted"),
            "hold": ("approach", "final"),
            "resume": ("hold",),
            "abort_approach": ("approach", "final", "hold"),
            "undock": ("hard_docked",),
        }
        if command not in allowed:
            return super().execute(state, command, args)
        if state.phase not in allowed[command]:
            need = " or ".join(allowed[command])
            raise CommandError(
                ErrorCode.NOT_ALLOWED,
                f"{command}: the visitor is {state.phase}; allowed only when {need}",
            )
        if command in ("start_approach", "resume") and not state.partner_comms_ok:
            raise CommandError(ErrorCode.NOT_ALLOWED, f"{command}: the partner is not reporting")
        events: list[Event] = []
        t = state.time_s
        if command == "start_approach":
            state = self._plan_approach(replace(state, partner_timed_out=False), t, events)
        elif command == "hold":
            state = self._hold(state, t, events)
        elif command == "resume":
            state = self._plan_approach(replace(state, partner_timed_out=False), t, events)
        elif command == "abort_approach":
            state = self._abort(state, t, "commanded", events)
        else:
            state = self._phase(replace(state, latches_closed=False), "undocking", t, events)
            state = self._leg(state, "release", t, ZERO, self.s["undock_time_s"])
        return Outcome(state, tuple(events))

    def inject(self, state: DockingState, fault: str, params: Mapping[str, Any]) -> DockingState:
        if fault == "misalignment":
            return replace(state, misalignment_deg=params["offset_deg"])
        if fault == "partner_comms_loss":
            return replace(state, partner_comms_ok=False)
        if fault == "latch_failure":
            return replace(state, latch_failure=True)
        raise FaultError(f"docking has no fault {fault!r}")

    def clear(self, state: DockingState, fault: str) -> DockingState:
        if fault == "misalignment":
            return replace(state, misalignment_deg=0.0)
        if fault == "partner_comms_loss":
            return replace(state, partner_comms_ok=True, partner_silent_s=0.0)
        if fault == "latch_failure":
            return replace(state, latch_failure=False)
        raise FaultError(f"docking has no fault {fault!r}")


def _vec(values: Any) -> Vec3:
    return (float(values[0]), float(values[1]), float(values[2]))


def _limits() -> dict[str, tuple[float, float, float]]:
    """Numeric config keys: (default, minimum, maximum)."""
    return {
        "target_altitude_km": (400.0, 100.0, 100_000.0),  # used until navigation reports
        "hold_far_m": (250.0, 1.0, 1e5),  # outside the ISS 200 m keep-out sphere
        "hold_near_m": (30.0, 1.0, 1e4),
        "hold_time_s": (300.0, 0.0, 1e5),
        "transfer_time_s": (2400.0, 60.0, 1e5),  # ≈ 0.43 orbit: away from CW singularities
        "approach_speed_m_s": (0.2, 0.01, 10.0),
        "final_speed_m_s": (0.1, 0.01, 1.0),
        "max_contact_speed_m_s": (0.15, 0.0, 1.0),
        "max_alignment_deg": (5.0, 0.0, 90.0),  # assumed capture envelope of the port
        "nominal_alignment_deg": (0.5, 0.0, 90.0),
        "misalignment_rate_deg_s": (0.1, 0.001, 100.0),
        "contact_distance_m": (0.05, 0.0, 10.0),
        "contact_check_s": (0.5, 0.01, 10.0),
        "capture_time_s": (10.0, 0.0, 1e4),
        "hard_dock_time_s": (300.0, 0.0, 1e5),
        "undock_time_s": (120.0, 0.0, 1e5),
        "depart_speed_m_s": (0.1, 0.01, 10.0),
        "abort_range_m": (250.0, 1.0, 1e5),
        "retreat_speed_m_s": (0.3, 0.01, 10.0),
        "partner_timeout_s": (30.0, 0.0, 1e5),
        "guidance_period_s": (10.0, 0.1, 600.0),
    }
