"""Docking state: the visitor's relative motion, phase, guidance leg, faults and latches."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

Vec3 = tuple[float, float, float]
ZERO: Vec3 = (0.0, 0.0, 0.0)


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


def vec3(values: Any) -> Vec3:
    """A plain float 3-tuple of the first three `values`."""
    return (float(values[0]), float(values[1]), float(values[2]))
