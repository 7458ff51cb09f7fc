"""Propulsion: a pressure-fed tank, a thruster, and burns that change the orbit tick by tick.

Propellant leaves at ṁ = F/(Isp·g0); each tick's Δv follows the rocket equation
Δv = Isp·g0·ln(m0/m1) and goes to navigation as one `BurnApplied` (inertial Δv, unique
time) on topic `propulsion.burn`, pointed by the latest NavigationFix: prograde/retrograde along
the velocity, normal/antinormal along r × v, radial/antiradial along r.

Pressurant is an ideal gas at the tank temperature (the thermal node `tank` when thermal
publishes one): P = n·R·T/V. In the `regulated` system a regulator tops the ullage up from a
pressurant bottle to its set pressure while the bottle can equalise above it; then the system
blows down. In `blowdown` the ullage gas just expands as propellant leaves. Thrust scales with
the feed pressure (F = F_rated·P/P_rated, a first-order pressure-fed thruster); Isp is constant.

The thruster valves are behind a latching valve: `arm` opens it, `safe` closes it. So `safe`
stops even a stuck-open thruster, and a stuck-open thruster leaks nothing while safed.
`regulator_fault` is a regulator failed open: gas seeps from the bottle into the tank with
time constant `regulator_leak_time_s` until both pressures equalise, so tank pressure drifts
high (above `max_tank_pressure_kpa`, an overpressure event), and so does thrust.

Configuration: `PropulsionConfig` (every key optional; a small LEO satellite).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, ClassVar

import numpy as np

from flightsw.config_section import Section
from flightsw.constants import STANDARD_GRAVITY_M_S2, ZERO_CELSIUS_K
from flightsw.dictionary import ArgSpec, CommandSpec, FaultSpec, ParamSpec
from flightsw.errorcodes import ErrorCode
from flightsw.errors import CommandError, FaultError
from flightsw.events import Event, Severity, event
from flightsw.mission_context import MissionContext
from flightsw.orbit import Vector, unit
from flightsw.subsystem import Outcome, Subsystem
from flightsw.subsystems.navigation import BURN, BurnApplied
from flightsw.topics import (
    NAVIGATION,
    POWER,
    PROPULSION,
    THERMAL,
    LoadDemand,
    NavigationFix,
    PowerStatus,
    PropulsionStatus,
    ThermalStatus,
    load_topic,
)

Vec3 = tuple[float, float, float]

GAS_CONSTANT_J_MOL_K = 8.314462618  # CODATA 2018 molar gas constant (exact in the 2019 SI)
DIRECTIONS = ("prograde", "retrograde", "normal", "antinormal", "radial", "antiradial")
PRESSURIZATIONS = ("regulated", "blowdown")
BURN_TIMEOUT_FACTOR = 1.5  # a Δv burn gives up after this many times its planned duration
SHORTFALL_FRACTION = 0.05  # a burn this far short of its target is reported as a shortfall
DV_TOLERANCE_M_S = 1e-6
OVERPRESSURE_REARM = 0.95  # overpressure re-arms below this fraction of the limit
KPA_PA = 1e3


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


def _vec(vector: Vector) -> Vec3:
    return (float(vector[0]), float(vector[1]), float(vector[2]))


@dataclass(frozen=True, slots=True)
class Burn:
    """A burn in progress: a Δv target, or a duration whose expected Δv is the target."""

    direction: str
    target_dv_m_s: float
    limit_s: float  # the burn ends at this elapsed time at the latest
    by_duration: bool
    elapsed_s: float = 0.0
    achieved_dv_m_s: float = 0.0


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
    stuck_open: bool = False
    thruster_failed: bool = False
    regulator_failed: bool = False
    propellant_low: bool = False
    loss_reported: bool = False
    uncommanded_reported: bool = False
    overpressure: bool = False


@dataclass(frozen=True, slots=True)
class PropulsionConfig:
    """`[subsystems.propulsion]`: defaults are a small LEO satellite with a 22 N hydrazine
    thruster (Isp 220 s, the Aerojet MR-106 class)."""

    dry_mass_kg: float = 180.0
    propellant_kg: float = 20.0
    propellant_capacity_kg: float = 25.0
    propellant_density_kg_m3: float = 1004.0  # hydrazine near 20 °C (CRC: 1.0036 g/cm3, 25 °C)
    tank_volume_m3: float = 0.030
    thrust_n: float = 22.0  # at the rated feed pressure
    isp_s: float = 220.0
    pressurization: str = "regulated"  # or "blowdown"
    regulated_pressure_kpa: float = 1500.0
    bottle_volume_m3: float = 0.005
    bottle_pressure_kpa: float = 20_000.0
    initial_pressure_kpa: float = 2200.0  # blowdown only: ullage pressure at the initial fill
    max_tank_pressure_kpa: float = 2400.0  # maximum expected operating pressure
    regulator_leak_time_s: float = 300.0  # a failed-open regulator equalises this slowly
    tank_temp_c: float = 20.0  # used until thermal publishes `thermal_node`
    thermal_node: str = "tank"
    propellant_low_fraction: float = 0.1
    standby_power_w: float = 2.0  # valve drivers and pressure transducers
    armed_power_w: float = 8.0  # catalyst-bed heaters, on while armed
    valve_power_w: float = 15.0  # thruster valve coils, while firing


# Bounds of the numeric config keys: (minimum, maximum, unit).
_BOUNDS: dict[str, tuple[float, float, str]] = {
    "dry_mass_kg": (0.1, 1e7, "kg"),
    "propellant_kg": (0.0, 1e7, "kg"),
    "propellant_capacity_kg": (0.0, 1e7, "kg"),
    "propellant_density_kg_m3": (1.0, 1e5, "kg/m3"),
    "tank_volume_m3": (1e-6, 1e4, "m3"),
    "thrust_n": (1e-6, 1e8, "N"),
    "isp_s": (1.0, 1e5, "s"),
    "regulated_pressure_kpa": (1.0, 1e6, "kPa"),
    "bottle_volume_m3": (0.0, 1e4, "m3"),
    "bottle_pressure_kpa": (0.0, 1e6, "kPa"),
    "initial_pressure_kpa": (1.0, 1e6, "kPa"),
    "max_tank_pressure_kpa": (1.0, 1e6, "kPa"),
    "regulator_leak_time_s": (0.001, 1e7, "s"),
    "tank_temp_c": (-100.0, 200.0, "degC"),
    "propellant_low_fraction": (0.0, 1.0, ""),
    "standby_power_w": (0.0, 1e4, "W"),
    "armed_power_w": (0.0, 1e4, "W"),
    "valve_power_w": (0.0, 1e4, "W"),
}


_DIRECTION_ARG = ArgSpec("direction", "enum", choices=DIRECTIONS, default="prograde")


class PropulsionModel(Subsystem[PropulsionState]):
    """Tank, pressurant and thruster; burns integrated over ticks with the rocket equation."""

    name: ClassVar[str] = "propulsion"
    subscribes: tuple[str, ...] = (NAVIGATION, POWER, THERMAL)
    commands: tuple[CommandSpec, ...] = (
        CommandSpec("arm", "Open the latch valve so the thruster can fire"),
        CommandSpec("safe", "Close the latch valve and abort any burn"),
        CommandSpec(
            "burn_dv",
            "Burn until the Δv is achieved, pointed in an orbit-frame direction",
            (ArgSpec("delta_v_m_s", "float", "m/s", 0.001, 5000.0), _DIRECTION_ARG),
            hazardous=True,
        ),
        CommandSpec(
            "burn_duration",
            "Fire the thruster for a duration, pointed in an orbit-frame direction",
            (ArgSpec("duration_s", "float", "s", 0.001, 100_000.0), _DIRECTION_ARG),
            hazardous=True,
        ),
    )
    faults: tuple[FaultSpec, ...] = (
        FaultSpec(
            "leak",
            "Propellant leaks overboard at a constant rate",
            (ArgSpec("rate_kg_per_s", "float", "kg/s", 0.0, 10.0, default=0.001),),
        ),
        FaultSpec(
            "thruster_stuck_open",
            "Thruster valve stuck open: fires whenever the latch valve is open (safe stops it)",
        ),
        FaultSpec("thruster_failed", "Thruster does not fire: burns end with a Δv shortfall"),
        FaultSpec(
            "regulator_fault",
            "Regulator fails open: tank pressure drifts up towards the bottle pressure",
        ),
    )
    telemetry: tuple[ParamSpec, ...] = (
        ParamSpec("propellant_kg", "kg", "propellant in the tank"),
        ParamSpec("propellant_fraction", "", "propellant over tank capacity, 0 to 1"),
        ParamSpec("tank_pressure_kpa", "kPa", "ullage (feed) pressure"),
        ParamSpec("bottle_pressure_kpa", "kPa", "pressurant bottle pressure (0 for blowdown)"),
        ParamSpec("tank_temp_c", "degC", "tank temperature"),
        ParamSpec("armed", "", "latch valve open", "bool"),
        ParamSpec("powered", "", "power reports propulsion switched on", "bool"),
        ParamSpec("thrusting", "", "propellant flowed through the thruster last tick", "bool"),
        ParamSpec("thrust_n", "N", "thrust while firing"),
        ParamSpec("mass_flow_kg_s", "kg/s", "propellant flow while firing"),
        ParamSpec("delta_v_total_m_s", "m/s", "Δv delivered since mission start"),
        ParamSpec("delta_v_capability_m_s", "m/s", "Δv the remaining propellant can give"),
        ParamSpec("spacecraft_mass_kg", "kg", "dry mass plus propellant"),
        ParamSpec("burn_active", "", "a commanded burn is in progress", "bool"),
        ParamSpec("burn_remaining_s", "s", "estimated firing time left in the burn"),
        ParamSpec("burn_achieved_dv_m_s", "m/s", "Δv achieved so far in the burn"),
        ParamSpec("burn_count", "", "burns commanded since mission start", "int"),
        ParamSpec("load_power_w", "W", "electrical demand"),
        ParamSpec("leak_rate_kg_s", "kg/s", "injected leak rate", "float"),
        ParamSpec("thruster_stuck_open", "", "fault active", "bool"),
        ParamSpec("thruster_failed", "", "fault active", "bool"),
        ParamSpec("regulator_failed", "", "fault active", "bool"),
        ParamSpec("faults_active", "", "number of injected faults active", "int"),
    )

    def __init__(self, context: MissionContext, config: PropulsionConfig | None = None) -> None:
        self.context = context
        self.config = c = config or PropulsionConfig()
        self.regulated = c.pressurization == "regulated"
        self.bottle_volume_m3 = c.bottle_volume_m3 if self.regulated else 0.0
        self.set_pressure_pa = c.regulated_pressure_kpa * KPA_PA
        # The thruster is rated at the pressure the system feeds it at the start.
        self.rated_pressure_pa = KPA_PA * (
            c.regulated_pressure_kpa if self.regulated else c.initial_pressure_kpa
        )
        self.max_pressure_pa = c.max_tank_pressure_kpa * KPA_PA
        self.isp_s = c.isp_s
        if not self.regulated:  # a blowdown system has no regulator to fail
            self.faults = tuple(f for f in type(self).faults if f.name != "regulator_fault")

    @classmethod
    def from_config(cls, section: Section, context: MissionContext) -> PropulsionModel:
        """Read `[subsystems.propulsion]`: every field of PropulsionConfig, each optional."""
        defaults = PropulsionConfig()
        values: dict[str, Any] = {
            key: section.float(key, getattr(defaults, key), low, high, unit)
            for key, (low, high, unit) in _BOUNDS.items()
        }
        capacity_kg = values["propellant_capacity_kg"]
        if capacity_kg / values["propellant_density_kg_m3"] >= values["tank_volume_m3"]:
            raise section.error("tank_volume_m3", "must exceed the full propellant volume")
        if values["propellant_kg"] > capacity_kg:
            raise section.error("propellant_kg", f"must not exceed the capacity {capacity_kg:g} kg")
        config = PropulsionConfig(
            **values,
            pressurization=section.str("pressurization", "regulated", PRESSURIZATIONS),
            thermal_node=section.str("thermal_node", "tank"),
        )
        if config.pressurization == "regulated" and (
            config.bottle_pressure_kpa < config.regulated_pressure_kpa
        ):
            raise section.error("bottle_pressure_kpa", "must be at least regulated_pressure_kpa")
        return cls(context, config)

    # -- physics -------------------------------------------------------------------------------

    def ullage_m3(self, propellant_kg: float) -> float:
        return self.config.tank_volume_m3 - propellant_kg / self.config.propellant_density_kg_m3

    def tank_pressure_pa(self, state: PropulsionState) -> float:
        """P = n·R·T/V of the ullage gas."""
        volume_m3 = self.ullage_m3(state.propellant_kg)
        return state.tank_gas_mol * GAS_CONSTANT_J_MOL_K * state.tank_temp_k / volume_m3

    def bottle_pressure_now_pa(self, state: PropulsionState) -> float:
        if self.bottle_volume_m3 <= 0.0:
            return 0.0
        return (
            state.bottle_gas_mol * GAS_CONSTANT_J_MOL_K * state.tank_temp_k / self.bottle_volume_m3
        )

    def thrust_now_n(self, state: PropulsionState) -> float:
        return self.config.thrust_n * self.tank_pressure_pa(state) / self.rated_pressure_pa

    def mass_kg(self, state: PropulsionState) -> float:
        return self.config.dry_mass_kg + state.propellant_kg

    def fraction(self, state: PropulsionState) -> float:
        capacity_kg = self.config.propellant_capacity_kg
        return state.propellant_kg / capacity_kg if capacity_kg > 0.0 else 0.0

    def _regulate(self, state: PropulsionState, dt_s: float) -> PropulsionState:
        """Move pressurant from the bottle into the ullage (never back: a check valve)."""
        if self.bottle_volume_m3 <= 0.0:
            return state
        ullage_m3 = self.ullage_m3(state.propellant_kg)
        total_mol = state.tank_gas_mol + state.bottle_gas_mol
        equal_mol = total_mol * ullage_m3 / (ullage_m3 + self.bottle_volume_m3)
        if state.regulator_failed:
            leak = -math.expm1(-dt_s / self.config.regulator_leak_time_s)
            flow_mol = (equal_mol - state.tank_gas_mol) * leak
        else:
            rt = GAS_CONSTANT_J_MOL_K * state.tank_temp_k
            flow_mol = min(self.set_pressure_pa * ullage_m3 / rt, equal_mol) - state.tank_gas_mol
        flow_mol = max(0.0, flow_mol)
        return replace(
            state,
            tank_gas_mol=state.tank_gas_mol + flow_mol,
            bottle_gas_mol=state.bottle_gas_mol - flow_mol,
        )

    def _burn_left_s(self, state: PropulsionState, burn: Burn, flow_kg_s: float) -> float:
        """Firing time left in `burn` at `flow_kg_s`: to its time limit, or to its Δv target."""
        left_s = max(0.0, burn.limit_s - burn.elapsed_s)
        if not burn.by_duration and flow_kg_s > 0.0:
            left_m_s = max(0.0, burn.target_dv_m_s - burn.achieved_dv_m_s)
            need_kg = propellant_for_delta_v_kg(self.isp_s, self.mass_kg(state), left_m_s)
            left_s = min(left_s, need_kg / flow_kg_s)
        return left_s

    def _fire(self, state: PropulsionState, dt_s: float) -> tuple[float, float]:
        """Seconds of firing this tick and the propellant (kg) they burn."""
        burning = state.burn is not None and state.powered and not state.thruster_failed
        if not state.armed or state.propellant_kg <= 0.0 or not (burning or state.stuck_open):
            return 0.0, 0.0
        flow_kg_s = mass_flow_kg_s(self.thrust_now_n(state), self.isp_s)
        if flow_kg_s <= 0.0:
            return 0.0, 0.0
        fire_s = dt_s
        if state.burn is not None and not state.stuck_open:
            fire_s = min(fire_s, self._burn_left_s(state, state.burn, flow_kg_s))
        used_kg = min(flow_kg_s * fire_s, state.propellant_kg)
        return used_kg / flow_kg_s, used_kg

    # -- the Subsystem contract ----------------------------------------------------------------

    def initial_state(self) -> PropulsionState:
        c = self.config
        temp_k = c.tank_temp_c + ZERO_CELSIUS_K
        rt = GAS_CONSTANT_J_MOL_K * temp_k
        return PropulsionState(
            propellant_kg=c.propellant_kg,
            tank_gas_mol=self.rated_pressure_pa * self.ullage_m3(c.propellant_kg) / rt,
            bottle_gas_mol=c.bottle_pressure_kpa * KPA_PA * self.bottle_volume_m3 / rt,
            tank_temp_k=temp_k,
        )

    def step(
        self, state: PropulsionState, time_s: float, dt_s: float, inputs: Mapping[str, Any]
    ) -> Outcome[PropulsionState]:
        thermal, power, fix = inputs.get(THERMAL), inputs.get(POWER), inputs.get(NAVIGATION)
        temps_c = dict(thermal.node_temps_c) if isinstance(thermal, ThermalStatus) else {}
        node = self.config.thermal_node
        temp_k = temps_c[node] + ZERO_CELSIUS_K if node in temps_c else state.tank_temp_k
        old = state
        state = replace(
            state,
            tank_temp_k=temp_k,
            powered=power.powered(self.name) if isinstance(power, PowerStatus) else True,
            frame=(fix.position_m, fix.velocity_m_s)
            if isinstance(fix, NavigationFix)
            else state.frame,
        )
        thrust_n = self.thrust_now_n(state)
        fire_s, used_kg = self._fire(state, dt_s)
        mass_kg = self.mass_kg(state)
        dv_m_s = delta_v_m_s(self.isp_s, mass_kg, mass_kg - used_kg) if used_kg > 0.0 else 0.0
        leak_kg = min(state.leak_kg_s * dt_s, state.propellant_kg - used_kg)
        direction = state.burn.direction if state.burn is not None else state.direction
        applied = None
        if dv_m_s > 0.0 and state.frame is not None:
            vector = dv_m_s * burn_direction(direction, *state.frame)
            total = _vec(np.array(state.total_vector_m_s) + vector)
            applied = BurnApplied(time_s + dt_s, _vec(vector), total)
            state = replace(state, total_vector_m_s=total)
        state = replace(
            state,
            propellant_kg=max(0.0, state.propellant_kg - used_kg - leak_kg),
            direction=direction,
            thrust_n=thrust_n if used_kg > 0.0 else 0.0,
            mass_flow_kg_s=mass_flow_kg_s(thrust_n, self.isp_s) if used_kg > 0.0 else 0.0,
            applied=applied,
            delta_v_total_m_s=state.delta_v_total_m_s + dv_m_s,
        )
        state = self._regulate(state, dt_s)
        state, events = self._advance_burn(state, dt_s, fire_s, dv_m_s)
        return self._alarms(old, state, used_kg, events)

    def _advance_burn(
        self, state: PropulsionState, dt_s: float, fire_s: float, dv_m_s: float
    ) -> tuple[PropulsionState, list[Event]]:
        burn = state.burn
        if burn is None:
            return state, []
        achieved_m_s = burn.achieved_dv_m_s + dv_m_s
        reached = not burn.by_duration and achieved_m_s >= burn.target_dv_m_s - DV_TOLERANCE_M_S
        step_s = fire_s if reached else min(dt_s, max(0.0, burn.limit_s - burn.elapsed_s))
        burn = replace(burn, elapsed_s=burn.elapsed_s + step_s, achieved_dv_m_s=achieved_m_s)
        if not (reached or burn.elapsed_s >= burn.limit_s - 1e-9 or state.propellant_kg <= 0.0):
            return replace(state, burn=burn), []
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
        return replace(state, burn=None), [done]

    def _alarms(
        self, old: PropulsionState, new: PropulsionState, used_kg: float, events: list[Event]
    ) -> Outcome[PropulsionState]:
        """Low or exhausted propellant, unexplained loss, uncommanded thrust, overpressure."""
        fraction = self.fraction(new)
        low = new.propellant_low or fraction < self.config.propellant_low_fraction
        if low and not new.propellant_low:
            text = f"propellant at {fraction:.1%} of capacity"
            events.append(event("propellant_low", Severity.MEDIUM, text, fraction=fraction))
        if new.propellant_kg <= 0.0 < old.propellant_kg:
            events.append(event("propellant_depleted", Severity.HIGH, "propellant tank empty"))
        loss = new.loss_reported
        lost_kg = old.propellant_kg - new.propellant_kg - used_kg
        if not loss and used_kg == 0.0 and lost_kg > 0.0:
            loss = True
            text = f"propellant fell {lost_kg:.4f} kg with the thruster idle"
            events.append(
                event("propellant_loss_unexplained", Severity.HIGH, text, lost_kg=lost_kg)
            )
        uncommanded = new.uncommanded_reported
        if not uncommanded and used_kg > 0.0 and old.burn is None:
            uncommanded = True
            events.append(event("uncommanded_thrust", Severity.HIGH, "thrust with no burn"))
        pressure_pa = self.tank_pressure_pa(new)
        over = new.overpressure
        if not over and pressure_pa > self.max_pressure_pa:
            over = True
            text = (
                f"tank at {pressure_pa / KPA_PA:.0f} kPa, above {self.max_pressure_pa / KPA_PA:g}"
            )
            events.append(event("tank_overpressure", Severity.HIGH, text, pressure_pa=pressure_pa))
        elif over and pressure_pa < OVERPRESSURE_REARM * self.max_pressure_pa:
            over = False
        new = replace(
            new,
            propellant_low=low,
            loss_reported=loss,
            uncommanded_reported=uncommanded,
            overpressure=over,
        )
        return Outcome(new, tuple(events))

    def load_power_w(self, state: PropulsionState) -> float:
        armed_w = self.config.armed_power_w if state.armed else 0.0
        valve_w = self.config.valve_power_w if state.thrust_n > 0.0 else 0.0
        return self.config.standby_power_w + armed_w + valve_w

    def publish(self, state: PropulsionState) -> Mapping[str, Any]:
        status = PropulsionStatus(
            propellant_kg=state.propellant_kg,
            propellant_capacity_kg=self.config.propellant_capacity_kg,
            tank_pressure_kpa=self.tank_pressure_pa(state) / KPA_PA,
            thrusting=state.thrust_n > 0.0,
            armed=state.armed,
            spacecraft_mass_kg=self.mass_kg(state),
            burn_count=state.burn_count,
        )
        topics: dict[str, Any] = {
            PROPULSION: status,
            load_topic(self.name): LoadDemand(self.name, self.load_power_w(state)),
        }
        if state.applied is not None:
            topics[BURN] = state.applied
        return topics

    def housekeeping(self, state: PropulsionState) -> dict[str, float | int | bool | str]:
        mass_kg = self.mass_kg(state)
        burn = state.burn
        flow_kg_s = mass_flow_kg_s(self.thrust_now_n(state), self.isp_s)
        remaining_s = self._burn_left_s(state, burn, flow_kg_s) if burn is not None else 0.0
        return {
            "propellant_kg": state.propellant_kg,
            "propellant_fraction": self.fraction(state),
            "tank_pressure_kpa": self.tank_pressure_pa(state) / KPA_PA,
            "bottle_pressure_kpa": self.bottle_pressure_now_pa(state) / KPA_PA,
            "tank_temp_c": state.tank_temp_k - ZERO_CELSIUS_K,
            "armed": state.armed,
            "powered": state.powered,
            "thrusting": state.thrust_n > 0.0,
            "thrust_n": state.thrust_n,
            "mass_flow_kg_s": state.mass_flow_kg_s,
            "delta_v_total_m_s": state.delta_v_total_m_s,
            "delta_v_capability_m_s": delta_v_m_s(self.isp_s, mass_kg, self.config.dry_mass_kg),
            "spacecraft_mass_kg": mass_kg,
            "burn_active": burn is not None,
            "burn_remaining_s": remaining_s,
            "burn_achieved_dv_m_s": burn.achieved_dv_m_s if burn is not None else 0.0,
            "burn_count": state.burn_count,
            "load_power_w": self.load_power_w(state),
            "leak_rate_kg_s": state.leak_kg_s,
            "thruster_stuck_open": state.stuck_open,
            "thruster_failed": state.thruster_failed,
            "regulator_failed": state.regulator_failed,
            "faults_active": int(
                (state.leak_kg_s > 0.0)
                + state.stuck_open
                + state.thruster_failed
                + state.regulator_failed
            ),
        }

    def execute(
        self, state: PropulsionState, command: str, args: Mapping[str, Any]
    ) -> Outcome[PropulsionState]:
        if command == "arm":
            if not state.powered:
                raise CommandError(
                    ErrorCode.NOT_ALLOWED, "arm: propulsion is switched off; switch it on first"
                )
            return Outcome(replace(state, armed=True), (event("armed", Severity.INFO, "armed"),))
        if command == "safe":
            events = [event("safed", Severity.INFO, "latch valve closed")]
            if state.burn is not None:
                achieved_m_s = state.burn.achieved_dv_m_s
                text = f"burn aborted after {achieved_m_s:.3f} m/s"
                events.append(
                    event("burn_aborted", Severity.MEDIUM, text, achieved_dv_m_s=achieved_m_s)
                )
            safed = replace(state, armed=False, burn=None, thrust_n=0.0, mass_flow_kg_s=0.0)
            return Outcome(replace(safed, applied=None), tuple(events))
        if command in ("burn_dv", "burn_duration"):
            return self._start_burn(state, command, args)
        return super().execute(state, command, args)

    def _start_burn(
        self, state: PropulsionState, command: str, args: Mapping[str, Any]
    ) -> Outcome[PropulsionState]:
        def refuse(why: str) -> CommandError:
            return CommandError(ErrorCode.NOT_ALLOWED, f"{command}: {why}")

        if not state.armed:
            raise refuse("propulsion is not armed; send arm first")
        if state.burn is not None:
            raise refuse("a burn is already in progress; wait for it or send safe")
        if state.frame is None:
            raise refuse("no navigation fix yet to point the burn; wait one tick")
        flow_kg_s = mass_flow_kg_s(self.thrust_now_n(state), self.isp_s)
        if flow_kg_s <= 0.0:
            raise CommandError(ErrorCode.EXECUTION_FAILED, f"{command}: no feed pressure")
        mass_kg = self.mass_kg(state)
        if command == "burn_dv":
            target_m_s = args["delta_v_m_s"]
            need_kg = propellant_for_delta_v_kg(self.isp_s, mass_kg, target_m_s)
            planned_s = need_kg / flow_kg_s
            burn = Burn(args["direction"], target_m_s, BURN_TIMEOUT_FACTOR * planned_s, False)
        else:
            planned_s = args["duration_s"]
            need_kg = flow_kg_s * planned_s
        if need_kg > state.propellant_kg:
            raise refuse(f"needs {need_kg:.3f} kg of propellant, {state.propellant_kg:.3f} kg left")
        if command == "burn_duration":  # the Δv it should give is its target, for shortfalls
            expected_m_s = delta_v_m_s(self.isp_s, mass_kg, mass_kg - need_kg)
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
        new = replace(state, burn=burn, direction=burn.direction, burn_count=state.burn_count + 1)
        return Outcome(new, (started,))

    def inject(
        self, state: PropulsionState, fault: str, params: Mapping[str, Any]
    ) -> PropulsionState:
        if fault == "leak":
            return replace(state, leak_kg_s=params["rate_kg_per_s"])
        if fault == "thruster_stuck_open":
            return replace(state, stuck_open=True)
        if fault == "thruster_failed":
            return replace(state, thruster_failed=True)
        if fault == "regulator_fault":
            if not self.regulated:
                raise FaultError("propulsion is a blowdown system: it has no regulator to fail")
            return replace(state, regulator_failed=True)
        raise FaultError(f"propulsion has no fault {fault!r}")

    def clear(self, state: PropulsionState, fault: str) -> PropulsionState:
        # Each detection re-arms with its fault cleared, so a second fault is reported again.
        if fault == "leak":
            return replace(state, leak_kg_s=0.0, loss_reported=False)
        if fault == "thruster_stuck_open":
            return replace(state, stuck_open=False, uncommanded_reported=False)
        if fault == "thruster_failed":
            return replace(state, thruster_failed=False)
        if fault == "regulator_fault":
            return replace(state, regulator_failed=False)
        raise FaultError(f"propulsion has no fault {fault!r}")
