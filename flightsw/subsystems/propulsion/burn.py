"""Burns: the rocket equation, orbit-frame directions and a burn's progress tick by tick."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from flightsw.errors import CommandError
from flightsw.icd.errorcodes import ErrorCode
from flightsw.icd.services import Severity
from flightsw.physics.constants import STANDARD_GRAVITY_M_S2
from flightsw.physics.orbit import Vector, unit
from flightsw.subsystems.events import Event, event
from flightsw.subsystems.propulsion.dictionary import DIRECTIONS
from flightsw.time_grid import at_or_before

Vec3 = tuple[float, float, float]

BURN_TIMEOUT_FACTOR = 1.5  # a Δv burn gives up after this many times its planned duration
SHORTFALL_FRACTION = 0.05  # a burn this far short of its target is reported as a shortfall
DV_TOLERANCE_M_S = 1e-6


def mass_flow_kg_s(thrust_n: float, isp_s: float) -> float:
    """ṁ = F/(Isp·g0)."""
    return thrust_n / (isp_s * STANDARD_GRAVITY_M_S2)


def delta_v_m_s(isp_s: float, initial_mass_kg: float, final_mass_kg: float) -> float:
    """Rocket equation: Δv = Isp·g0·ln(m0/m1)."""
    return isp_s * STANDARD_GRAVITY_M_S2 * math.log(initial_mass_kg / final_mass_kg)


def propellant_for_delta_v_kg(isp_s: float, initial_mass_kg: float, dv_m_s: float) -> float:
    """The propellant a Δv of `dv_m_s` burns from `initial_mass_kg`: m0·(1 − e^(−Δv/(Isp·g0)))."""
    return initial_mass_kg * -math.expm1(-dv_m_s / (isp_s * STANDARD_GRAVITY_M_S2))


def burn_direction(direction: str, position_m: Vec3, velocity_m_s: Vec3) -> Vector:
    """Inertial unit vector (3,) of a named direction in the orbit frame of `position_m`."""
    r, v = np.array(position_m), np.array(velocity_m_s)
    along, normal, radial = unit(v), unit(np.cross(r, v)), unit(r)
    axes = {
        "prograde": along,
        "retrograde": -along,
        "normal": normal,
        "antinormal": -normal,
        "radial": radial,
        "antiradial": -radial,
    }
    if direction not in axes:
        raise ValueError(f"unknown burn direction {direction!r} (known: {', '.join(DIRECTIONS)})")
    return axes[direction]


@dataclass(frozen=True, slots=True)
class Burn:
    """A burn in progress: a Δv target, or a duration whose expected Δv is the target."""

    direction: str
    target_dv_m_s: float
    limit_s: float  # the burn ends at this elapsed time at the latest
    by_duration: bool
    elapsed_s: float = 0.0
    achieved_dv_m_s: float = 0.0
    start_s: float = -math.inf  # when the command ran: the first tick fires only from then


def burn_left_s(burn: Burn, isp_s: float, mass_kg: float, flow_kg_s: float) -> float:
    """Firing time left in `burn` at `flow_kg_s`: to its time limit, or to its Δv target."""
    left_s = max(0.0, burn.limit_s - burn.elapsed_s)
    if not burn.by_duration and flow_kg_s > 0.0:
        left_m_s = max(0.0, burn.target_dv_m_s - burn.achieved_dv_m_s)
        need_kg = propellant_for_delta_v_kg(isp_s, mass_kg, left_m_s)
        left_s = min(left_s, need_kg / flow_kg_s)
    return left_s


def advance_burn(
    burn: Burn, dt_s: float, fire_s: float, dv_m_s: float, propellant_kg: float
) -> tuple[Burn | None, list[Event]]:
    """`burn` after a tick that fired `fire_s` for `dv_m_s`: None and an event once it ends."""
    achieved_m_s = burn.achieved_dv_m_s + dv_m_s
    reached = not burn.by_duration and achieved_m_s >= burn.target_dv_m_s - DV_TOLERANCE_M_S
    step_s = fire_s if reached else min(dt_s, max(0.0, burn.limit_s - burn.elapsed_s))
    burn = replace(burn, elapsed_s=burn.elapsed_s + step_s, achieved_dv_m_s=achieved_m_s)
    if not (reached or at_or_before(burn.limit_s, burn.elapsed_s) or propellant_kg <= 0.0):
        return burn, []
    shortfall_m_s = max(0.0, burn.target_dv_m_s - achieved_m_s)
    if achieved_m_s <= 0.0:
        text, severity = "burn ended with no thrust", Severity.MEDIUM
    elif shortfall_m_s > SHORTFALL_FRACTION * burn.target_dv_m_s:
        text, severity = f"burn ended {shortfall_m_s:.3f} m/s short", Severity.MEDIUM
    else:
        text, severity = f"burn complete: Δv {achieved_m_s:.3f} m/s", Severity.INFO
    done = event(
        "burn_completed",
        severity,
        text,
        achieved_dv_m_s=achieved_m_s,
        target_dv_m_s=burn.target_dv_m_s,
        shortfall_m_s=shortfall_m_s,
        duration_s=burn.elapsed_s,
    )
    return None, [done]


def plan_burn(
    command: str,
    args: Mapping[str, Any],
    isp_s: float,
    mass_kg: float,
    flow_kg_s: float,
    propellant_kg: float,
) -> tuple[Burn, Event]:
    """The burn `command` (burn_dv or burn_duration) starts with `args`, and its event.

    Raises CommandError when `propellant_kg` cannot cover it.
    """
    if command == "burn_dv":
        target_m_s = args["delta_v_m_s"]
        need_kg = propellant_for_delta_v_kg(isp_s, mass_kg, target_m_s)
        planned_s = need_kg / flow_kg_s
        burn = Burn(args["direction"], target_m_s, BURN_TIMEOUT_FACTOR * planned_s, False)
    else:
        planned_s = args["duration_s"]
        need_kg = flow_kg_s * planned_s
    if need_kg > propellant_kg:
        why = f"needs {need_kg:.3f} kg of propellant, {propellant_kg:.3f} kg left"
        raise CommandError(ErrorCode.NOT_ALLOWED, f"{command}: {why}")
    if command == "burn_duration":  # the Δv it should give is its target, for shortfalls
        expected_m_s = delta_v_m_s(isp_s, mass_kg, mass_kg - need_kg)
        burn = Burn(args["direction"], expected_m_s, planned_s, True)
    text = f"burn {burn.direction} for {planned_s:.1f} s, Δv {burn.target_dv_m_s:.3f} m/s"
    started = event(
        "burn_started",
        Severity.INFO,
        text,
        direction=burn.direction,
        target_dv_m_s=burn.target_dv_m_s,
        planned_s=planned_s,
    )
    return burn, started
