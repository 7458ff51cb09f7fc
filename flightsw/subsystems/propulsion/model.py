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
stops even a stuck-open thruster, and a stuck-open thruster leaks nothing while safed. A leak
in the feed (downstream of the latch valve) stops when it is closed; one from the tank does not.
`regulator_fault` is a regulator failed open: gas seeps from the bottle into the tank with
time constant `regulator_leak_time_s` until both pressures equalise, so tank pressure drifts
high (above `max_tank_pressure_kpa`, an overpressure event), and so does thrust.

Configuration: `PropulsionConfig` (every key optional; a small LEO satellite).
"""

from __future__ import annotations

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
from flightsw.physics.constants import KPA_PA, ZERO_CELSIUS_K
from flightsw.physics.orbit import Vector
from flightsw.physics.tank import (
    gas_mol,
    gas_pressure_pa,
    regulator_flow_mol,
    ullage_m3,
)
from flightsw.subsystems.base import Outcome, Subsystem
from flightsw.subsystems.events import Event, event
from flightsw.subsystems.propulsion.burn import (
    Burn,
    Vec3,
    advance_burn,
    burn_direction,
    burn_left_s,
    delta_v_m_s,
    mass_flow_kg_s,
    plan_burn,
)
from flightsw.subsystems.propulsion.burn import (
    propellant_for_delta_v_kg as propellant_for_delta_v_kg,  # re-exported
)
from flightsw.subsystems.propulsion.dictionary import (
    COMMANDS,
    CONFIG_BOUNDS,
    FAULTS,
    PRESSURIZATIONS,
    PropulsionConfig,
)
from flightsw.subsystems.propulsion.state import PropulsionState, alarms
from flightsw.subsystems.propulsion.telemetry import telemetry_points
from flightsw.subsystems.topics import (
    BURN,
    NAVIGATION,
    POWER,
    PROPULSION,
    THERMAL,
    BurnApplied,
    LoadDemand,
    NavigationFix,
    PowerStatus,
    PropulsionStatus,
    ThermalStatus,
    load_topic,
)


def _vec(vector: Vector) -> Vec3:
    return (float(vector[0]), float(vector[1]), float(vector[2]))


class PropulsionModel(Subsystem[PropulsionState]):
    """Tank, pressurant and thruster; burns integrated over ticks with the rocket equation."""

    name: ClassVar[str] = "propulsion"
    subscribes: tuple[str, ...] = (NAVIGATION, POWER, THERMAL)
    commands: tuple[CommandSpec, ...] = COMMANDS
    faults: tuple[FaultSpec, ...] = FAULTS

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
        self.telemetry_points = telemetry_points(self)
        if not self.regulated:  # a blowdown system has no regulator to fail
            self.faults = tuple(f for f in type(self).faults if f.name != "regulator_fault")

    @classmethod
    def from_config(cls, section: Section, context: MissionContext) -> PropulsionModel:
        """Read `[subsystems.propulsion]`: every field of PropulsionConfig, each optional."""
        defaults = PropulsionConfig()
        values: dict[str, Any] = {
            key: section.float(key, getattr(defaults, key), low, high, unit)
            for key, (low, high, unit) in CONFIG_BOUNDS.items()
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
        c = self.config
        return ullage_m3(c.tank_volume_m3, propellant_kg, c.propellant_density_kg_m3)

    def tank_pressure_pa(self, state: PropulsionState) -> float:
        """P = n·R·T/V of the ullage gas."""
        volume_m3 = self.ullage_m3(state.propellant_kg)
        return gas_pressure_pa(state.tank_gas_mol, state.tank_temp_k, volume_m3)

    def bottle_pressure_now_pa(self, state: PropulsionState) -> float:
        if self.bottle_volume_m3 <= 0.0:
            return 0.0
        return gas_pressure_pa(state.bottle_gas_mol, state.tank_temp_k, self.bottle_volume_m3)

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
        flow_mol = regulator_flow_mol(
            state.tank_gas_mol,
            state.bottle_gas_mol,
            self.ullage_m3(state.propellant_kg),
            self.bottle_volume_m3,
            state.tank_temp_k,
            self.set_pressure_pa,
            self.config.regulator_leak_time_s if state.regulator_failed else None,
            dt_s,
        )
        return replace(
            state,
            tank_gas_mol=state.tank_gas_mol + flow_mol,
            bottle_gas_mol=state.bottle_gas_mol - flow_mol,
        )

    def _burn_left_s(self, state: PropulsionState, burn: Burn, flow_kg_s: float) -> float:
        return burn_left_s(burn, self.isp_s, self.mass_kg(state), flow_kg_s)

    def _fire(self, state: PropulsionState, dt_s: float, burn_dt_s: float) -> tuple[float, float]:
        """Seconds of firing this tick and the propellant (kg) they burn.

        A commanded burn fires for `burn_dt_s`, the part of the tick after it started; a valve
        stuck open fires for the whole tick.
        """
        burning = state.burn is not None and state.powered and not state.thruster_failed
        if not state.armed or state.propellant_kg <= 0.0 or not (burning or state.stuck_open):
            return 0.0, 0.0
        flow_kg_s = mass_flow_kg_s(self.thrust_now_n(state), self.isp_s)
        if flow_kg_s <= 0.0:
            return 0.0, 0.0
        fire_s = dt_s
        if state.burn is not None and not state.stuck_open:
            fire_s = min(burn_dt_s, self._burn_left_s(state, state.burn, flow_kg_s))
        used_kg = min(flow_kg_s * fire_s, state.propellant_kg)
        return used_kg / flow_kg_s, used_kg

    # -- the Subsystem contract ----------------------------------------------------------------

    def initial_state(self) -> PropulsionState:
        c = self.config
        temp_k = c.tank_temp_c + ZERO_CELSIUS_K
        return PropulsionState(
            propellant_kg=c.propellant_kg,
            tank_gas_mol=gas_mol(self.rated_pressure_pa, self.ullage_m3(c.propellant_kg), temp_k),
            bottle_gas_mol=gas_mol(c.bottle_pressure_kpa * KPA_PA, self.bottle_volume_m3, temp_k),
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
        burn_dt_s = dt_s
        if state.burn is not None and state.burn.start_s > time_s:  # commanded inside this tick
            burn_dt_s = max(0.0, time_s + dt_s - state.burn.start_s)
        fire_s, used_kg = self._fire(state, dt_s, burn_dt_s)
        mass_kg = self.mass_kg(state)
        dv_m_s = delta_v_m_s(self.isp_s, mass_kg, mass_kg - used_kg) if used_kg > 0.0 else 0.0
        leaking = state.armed or not state.leak_in_feed  # a closed latch valve isolates the feed
        leak_kg = min(state.leak_kg_s * dt_s, state.propellant_kg - used_kg) if leaking else 0.0
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
        state, events = self._advance_burn(state, burn_dt_s, fire_s, dv_m_s)
        return self._alarms(old, state, used_kg, events)

    def _advance_burn(
        self, state: PropulsionState, dt_s: float, fire_s: float, dv_m_s: float
    ) -> tuple[PropulsionState, list[Event]]:
        if state.burn is None:
            return state, []
        burn, events = advance_burn(state.burn, dt_s, fire_s, dv_m_s, state.propellant_kg)
        return replace(state, burn=burn), events

    def _alarms(
        self, old: PropulsionState, new: PropulsionState, used_kg: float, events: list[Event]
    ) -> Outcome[PropulsionState]:
        """Low or exhausted propellant, unexplained loss, uncommanded thrust, overpressure."""
        new, events = alarms(
            old,
            new,
            used_kg,
            events,
            self.fraction(new),
            self.config.propellant_low_fraction,
            self.tank_pressure_pa(new),
            self.max_pressure_pa,
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

    def execute_at(
        self, state: PropulsionState, command: str, args: Mapping[str, Any], time_s: float
    ) -> Outcome[PropulsionState]:
        """A burn starts when its command runs, which may be between two ticks."""
        outcome = self.execute(state, command, args)
        burn = outcome.state.burn
        if command in ("burn_dv", "burn_duration") and burn is not None:
            return replace(
                outcome, state=replace(outcome.state, burn=replace(burn, start_s=time_s))
            )
        return outcome

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
        mass_kg, propellant_kg = self.mass_kg(state), state.propellant_kg
        burn, started = plan_burn(command, args, self.isp_s, mass_kg, flow_kg_s, propellant_kg)
        new = replace(state, burn=burn, direction=burn.direction, burn_count=state.burn_count + 1)
        return Outcome(new, (started,))

    def inject(
        self, state: PropulsionState, fault: str, params: Mapping[str, Any]
    ) -> PropulsionState:
        if fault == "leak":
            in_feed = params.get("location", "tank") == "feed"
            return replace(state, leak_kg_s=params["rate_kg_per_s"], leak_in_feed=in_feed)
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
            return replace(state, leak_kg_s=0.0, leak_in_feed=False, loss_reported=False)
        if fault == "thruster_stuck_open":
            return replace(state, stuck_open=False, uncommanded_reported=False)
        if fault == "thruster_failed":
            return replace(state, thruster_failed=False)
        if fault == "regulator_fault":
            return replace(state, regulator_failed=False)
        raise FaultError(f"propulsion has no fault {fault!r}")
