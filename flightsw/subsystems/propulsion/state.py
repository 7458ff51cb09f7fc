"""Propulsion state: the frozen PropulsionState and the alarms a tick's change of it raises."""

from __future__ import annotations

from dataclasses import dataclass, replace

from flightsw.icd.services import Severity
from flightsw.physics.constants import KPA_PA
from flightsw.subsystems.events import Event, event
from flightsw.subsystems.propulsion.burn import Burn, Vec3
from flightsw.subsystems.topics import BurnApplied

OVERPRESSURE_REARM = 0.95  # overpressure re-arms below this fraction of the limit


@dataclass(frozen=True, slots=True)
class PropulsionState:
    """Propellant, pressurant, valves, the burn in progress and faults."""

    propellant_kg: float
    tank_gas_mol: float  # pressurant in the tank ullage
    bottle_gas_mol: float  # pressurant still in the bottle (0 for blowdown)
    tank_temp_k: float
    armed: bool = False  # latch valve open
    powered: bool = True
    burn: Burn | None = None
    direction: str = "prograde"  # where the thruster last pointed (a stuck thruster keeps it)
    frame: tuple[Vec3, Vec3] | None = None  # last navigation position and velocity
    thrust_n: float = 0.0
    mass_flow_kg_s: float = 0.0
    applied: BurnApplied | None = None  # this tick's Δv, published once
    total_vector_m_s: tuple[float, float, float] = (0.0, 0.0, 0.0)  # every burn's Δv, summed
    delta_v_total_m_s: float = 0.0
    burn_count: int = 0
    leak_kg_s: float = 0.0
    leak_in_feed: bool = False  # downstream of the latch valve: only while armed
    stuck_open: bool = False
    thruster_failed: bool = False
    regulator_failed: bool = False
    propellant_low: bool = False
    loss_reported: bool = False
    uncommanded_reported: bool = False
    overpressure: bool = False


def alarms(
    old: PropulsionState,
    new: PropulsionState,
    used_kg: float,
    events: list[Event],
    fraction: float,
    low_fraction: float,
    pressure_pa: float,
    max_pressure_pa: float,
) -> tuple[PropulsionState, list[Event]]:
    """Low or exhausted propellant, unexplained loss, uncommanded thrust, overpressure.

    `fraction` and `pressure_pa` are `new`'s propellant fraction and tank pressure; each alarm
    is raised once into `events` and latched in the returned state.
    """
    low = new.propellant_low or fraction < low_fraction
    if low and not new.propellant_low:
        text = f"propellant at {fraction:.1%} of capacity"
        events.append(event("propellant_low", Severity.MEDIUM, text, fraction=fraction))
    if new.propellant_kg <= 0.0 < old.propellant_kg:
        events.append(event("propellant_depleted", Severity.HIGH, "propellant tank empty"))
    loss = new.loss_reported
    lost_kg = old.propellant_kg - new.propellant_kg - used_kg
    if loss and lost_kg <= 0.0:
        loss = False  # a tick with nothing lost re-arms the report: a loss that resumes is news
    if not loss and used_kg == 0.0 and lost_kg > 0.0:
        loss = True
        text = f"propellant fell {lost_kg:.4f} kg with the thruster idle"
        events.append(event("propellant_loss_unexplained", Severity.HIGH, text, lost_kg=lost_kg))
    uncommanded = new.uncommanded_reported
    if not uncommanded and used_kg > 0.0 and old.burn is None:
        uncommanded = True
        events.append(event("uncommanded_thrust", Severity.HIGH, "thrust with no burn"))
    over = new.overpressure
    if not over and pressure_pa > max_pressure_pa:
        over = True
        text = f"tank at {pressure_pa / KPA_PA:.0f} kPa, above {max_pressure_pa / KPA_PA:g}"
        events.append(event("tank_overpressure", Severity.HIGH, text, pressure_pa=pressure_pa))
    elif over and pressure_pa < OVERPRESSURE_REARM * max_pressure_pa:
        over = False
    new = replace(
        new,
        propellant_low=low,
        loss_reported=loss,
        uncommanded_reported=uncommanded,
        overpressure=over,
    )
    return new, events
