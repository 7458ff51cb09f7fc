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
[0, -2000, 0] and [0, 0, 0]); every other key, its default and its range are in
`docking_dictionary.limits()`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, ClassVar

import numpy as np

from flightsw.config.mission_context import MissionContext
from flightsw.config.section import Section
from flightsw.errors import CommandError, FaultError
from flightsw.icd.dictionary import CommandSpec, FaultSpec
from flightsw.icd.errorcodes import ErrorCode
from flightsw.icd.services import Severity
from flightsw.physics.constants import EARTH_RADIUS_M
from flightsw.physics.relative_motion import (
    cw_propagate,
    cw_target_velocity,
    mean_motion_rad_s,
)
from flightsw.physics.relative_motion import (
    cw_stm as cw_stm,  # re-exported
)
from flightsw.subsystems.base import Outcome, Subsystem
from flightsw.subsystems.docking.dictionary import COMMANDS, FAULTS, limits
from flightsw.subsystems.docking.state import ZERO, DockingState, Vec3, vec3
from flightsw.subsystems.docking.telemetry import POINTS
from flightsw.subsystems.events import Event, event
from flightsw.subsystems.topics import DOCKING, NAVIGATION, DockingStatus, NavigationFix
from flightsw.time_grid import at_or_before, next_multiple

ATTACHED = ("contact", "captured", "hard_docked", "undocking")
LINES = ("to_near", "final", "retreat", "depart")  # legs that follow a straight line
TRANSFER_LEGS = ("to_far",)
COASTING = ("drift", "attached", "release")  # legs with no guidance impulses


class DockingModel(Subsystem[DockingState]):
    """A visitor's CW relative motion under V-bar waypoint guidance, with capture and latches."""

    name: ClassVar[str] = "docking"
    subscribes: tuple[str, ...] = (NAVIGATION,)
    commands: tuple[CommandSpec, ...] = COMMANDS
    faults: tuple[FaultSpec, ...] = FAULTS
    telemetry_points = POINTS

    def __init__(
        self,
        context: MissionContext,
        settings: Mapping[str, Any] | None = None,
        initial_position_m: Vec3 = (0.0, -2000.0, 0.0),
        initial_velocity_m_s: Vec3 = ZERO,
    ) -> None:
        """Build from `settings`, a map of the `limits()` keys (missing ones take defaults)."""
        self.context = context
        self.s = {**{k: v[0] for k, v in limits().items()}, **(settings or {})}
        self.initial_position_m = initial_position_m
        self.initial_velocity_m_s = initial_velocity_m_s

    @classmethod
    def from_config(cls, section: Section, context: MissionContext) -> DockingModel:
        """Read `[subsystems.docking]` (see the module docstring)."""
        settings = {k: section.float(k, d, lo, hi) for k, (d, lo, hi) in limits().items()}
        if settings["hold_near_m"] >= settings["hold_far_m"]:
            raise section.error("hold_near_m", "must be closer than hold_far_m")
        # Relative motion is linearised (Clohessy-Wiltshire): it holds within some 100 km.
        position = section.vector("initial_position_m", 3, [0.0, -2000.0, 0.0], -1e5, 1e5, "m")
        velocity = section.vector("initial_velocity_m_s", 3, [0.0, 0.0, 0.0], -100.0, 100.0, "m/s")
        return cls(context, settings, vec3(position), vec3(velocity))

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
        done = at_or_before(state.leg_end_s, t_s)
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
        if state.phase == "contact" and at_or_before(s["capture_time_s"], since):
            return self._phase(state, "captured", t_s, events)
        if state.phase == "captured" and at_or_before(s["hard_dock_time_s"], since):
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
        if state.leg in TRANSFER_LEGS and not at_or_before(state.leg_end_s, t_s):
            arrive_s = state.leg_end_s
        else:
            arrive_s = t_s + period
        position = np.array(state.position_m)
        target = self._reference_m(state, arrive_s)
        wanted = cw_target_velocity(position, target, state.mean_motion_rad_s, arrive_s - t_s)
        dv = float(np.linalg.norm(wanted - np.array(state.velocity_m_s)))
        return replace(
            state, velocity_m_s=vec3(wanted), delta_v_total_m_s=state.delta_v_total_m_s + dv
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
        while not at_or_before(end_s, t):
            if at_or_before(state.next_guidance_s, t):
                state = self._guide(self._transitions(state, t, events), t)
                state = replace(state, next_guidance_s=next_multiple(t, period))
            h_s = min(end_s, state.next_guidance_s) - t
            if state.phase == "final":
                h_s = min(h_s, s["contact_check_s"])
            if state.phase not in ATTACHED:
                moved = cw_propagate(
                    np.array(state.position_m + state.velocity_m_s), state.mean_motion_rad_s, h_s
                )
                state = replace(state, position_m=vec3(moved[:3]), velocity_m_s=vec3(moved[3:]))
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
