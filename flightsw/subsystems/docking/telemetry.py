"""Docking's housekeeping parameters, each declared once with how it is read."""

from __future__ import annotations

from flightsw.subsystems.docking.dictionary import PHASES
from flightsw.subsystems.docking.state import DockingState
from flightsw.subsystems.telemetry import TelemetryPoint, point


def faults(state: DockingState) -> tuple[bool, bool, bool]:
    """Whether each injected fault is active: misalignment, partner_comms_loss, latch_failure."""
    return (state.misalignment_deg > 0.0, not state.partner_comms_ok, state.latch_failure)


POINTS: tuple[TelemetryPoint[DockingState], ...] = (
    point("phase", "", ", ".join(PHASES), lambda s: s.phase, "str"),
    point("leg", "", "guidance leg within the phase", lambda s: s.leg, "str"),
    point("range_m", "m", "distance between the docking ports", lambda s: s.range_m),
    point("range_rate_m_s", "m/s", "rate of change of range", lambda s: s.range_rate_m_s),
    point("closing_speed_m_s", "m/s", "minus the range rate", lambda s: -s.range_rate_m_s),
    point("x_m", "m", "radial offset (up)", lambda s: s.position_m[0]),
    point("y_m", "m", "along-track offset (negative behind)", lambda s: s.position_m[1]),
    point("z_m", "m", "cross-track offset", lambda s: s.position_m[2]),
    point("vx_m_s", "m/s", "radial velocity", lambda s: s.velocity_m_s[0]),
    point("vy_m_s", "m/s", "along-track velocity", lambda s: s.velocity_m_s[1]),
    point("vz_m_s", "m/s", "cross-track velocity", lambda s: s.velocity_m_s[2]),
    point("alignment_error_deg", "deg", "angle between the docking axes",
          lambda s: s.alignment_error_deg),
    point("partner_comms_ok", "", "the target is reporting", lambda s: s.partner_comms_ok, "bool"),
    point("latches_closed", "", "hard-dock latches closed", lambda s: s.latches_closed, "bool"),
    point("docked", "", "hard docked", lambda s: s.phase == "hard_docked", "bool"),
    point("contact_speed_m_s", "m/s", "closing speed at the last contact",
          lambda s: s.contact_speed_m_s),
    point("delta_v_total_m_s", "m/s", "visitor Δv spent so far", lambda s: s.delta_v_total_m_s),
    point("mean_motion_rad_s", "rad/s", "target orbit mean motion used by CW",
          lambda s: s.mean_motion_rad_s),
    point("misalignment_active", "", "misalignment fault active",
          lambda s: faults(s)[0], "bool"),
    point("partner_comms_loss_active", "", "partner_comms_loss fault active",
          lambda s: faults(s)[1], "bool"),
    point("latch_failure_active", "", "latch_failure fault active",
          lambda s: faults(s)[2], "bool"),
    point("faults_active", "", "number of injected faults active",
          lambda s: sum(faults(s)), "int"),
)  # fmt: skip
