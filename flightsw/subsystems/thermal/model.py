"""Thermal control: lumped nodes, radiators, thermostat heaters and a pumped coolant loop.

Each node obeys C_i·dT_i/dt = Q_i + Σ_j K_ij·(T_j − T_i) − ε·σ·A_i·T_i⁴ + α·A_i·S·(1 AU/r)²·ill.
Integration is backward Euler with T⁴ linearised about the start of each sub-step, so it is
stable for any step (stiff links and tiny nodes included) and its fixed point is the exact
steady state; sub-steps of at most `max_substep_s` keep thermostats and accuracy honest.

Heaters and the pump draw from the bus as consumer `thermal`: their demand is published as a
LoadDemand, and they only heat or pump while power.status reports `thermal` switched on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, ClassVar

import numpy as np

from flightsw.config.mission_context import MissionContext
from flightsw.config.section import Section
from flightsw.errors import CommandError, FaultError
from flightsw.icd.dictionary import ArgSpec, CommandSpec, FaultSpec, with_choices
from flightsw.icd.errorcodes import ErrorCode
from flightsw.icd.services import Severity
from flightsw.physics.constants import SOLAR_CONSTANT_W_M2, STEFAN_BOLTZMANN_W_M2_K4, ZERO_CELSIUS_K
from flightsw.physics.orbit import substeps
from flightsw.subsystems.base import Outcome, Subsystem
from flightsw.subsystems.events import event
from flightsw.subsystems.thermal.config import (
    Heater,
    Node,
    Pump,
    read_thermal_config,
)
from flightsw.subsystems.thermal.telemetry import telemetry_points
from flightsw.subsystems.topics import (
    NAVIGATION,
    POWER,
    THERMAL,
    LoadDemand,
    NavigationFix,
    PowerStatus,
    ThermalStatus,
    load_topic,
)


@dataclass(frozen=True, slots=True)
class ThermalState:
    """Node temperatures, heater and pump settings, faults, and the flows of the last step."""

    temps_k: tuple[float, ...]  # in the order of the configured nodes
    heater_on: tuple[bool, ...]  # thermostat contact closed, per heater
    heater_enabled: tuple[bool, ...]
    set_points_c: tuple[float, ...]
    pump_on: bool = False
    heater_stuck: tuple[str, ...] = ()  # per heater: "", "on" or "off"
    pump_failed: bool = False
    radiator_loss_fraction: float = 0.0
    heaters_powered: bool = True  # power.status had the thermal consumer switched on
    heater_power_w: float = 0.0  # mean over the last step
    radiated_w: float = 0.0
    absorbed_w: float = 0.0


def _heater_arg() -> ArgSpec:
    return ArgSpec("heater", "str", description="a heater name from the thermal config")


class ThermalModel(Subsystem[ThermalState]):
    """Lumped-node heat balance with radiators, heaters and a coolant loop."""

    name: ClassVar[str] = "thermal"
    subscribes = (NAVIGATION, POWER)
    commands = (
        CommandSpec(
            "set_heater",
            "Set a heater's thermostat set point and enable flag",
            (
                _heater_arg(),
                ArgSpec("set_point_c", "float", "degC", -100.0, 100.0),
                ArgSpec("enabled", "bool", default=True),
            ),
        ),
        CommandSpec(
            "heater_enable",
            "Enable or disable a heater",
            (_heater_arg(), ArgSpec("enabled", "bool")),
        ),
        CommandSpec("pump", "Start or stop the coolant loop pump", (ArgSpec("on", "bool"),)),
    )
    faults = (
        FaultSpec("heater_stuck_on", "A heater's relay welds closed", (_heater_arg(),)),
        FaultSpec("heater_stuck_off", "A heater's element opens", (_heater_arg(),)),
        FaultSpec("pump_failure", "The coolant pump stops: no flow, no power drawn"),
        FaultSpec(
            "radiator_loss",
            "Part of every radiator's area stops working (e.g. contamination, blockage)",
            (ArgSpec("fraction", "float", "", 0.0, 1.0, default=0.5),),
        ),
    )

    def __init__(
        self,
        context: MissionContext,
        nodes: tuple[Node, ...],
        links: tuple[tuple[int, int, float], ...],
        heaters: tuple[Heater, ...],
        pump: Pump | None,
        max_substep_s: float = 10.0,
    ) -> None:
        self.context = context
        self.nodes = nodes
        self.heaters = heaters
        self.pump = pump
        self.max_substep_s = max_substep_s
        self.heater_index = {heater.name: i for i, heater in enumerate(heaters)}
        count = len(nodes)
        self.capacity_j_k = _frozen(np.array([node.heat_capacity_j_k for node in nodes]))
        self.dissipation_w = _frozen(np.array([node.dissipation_w for node in nodes]))
        self.radiator_area_m2 = _frozen(np.array([node.radiator_area_m2 for node in nodes]))
        self.emissivity = _frozen(np.array([node.emissivity for node in nodes]))
        self.absorptivity = _frozen(np.array([node.absorptivity for node in nodes]))
        self.links = _laplacian(count, links)
        loop = [(i, pump.radiator, pump.conductance_w_k) for i in pump.nodes] if pump else []
        self.pump_links = _laplacian(count, tuple(loop))
        # Nodes and heaters come from the config, so the telemetry list is per instance.
        self.telemetry_points = telemetry_points(self)
        names = tuple(self.heater_index)
        self.commands = with_choices(type(self).commands, "heater", names)
        self.faults = with_choices(type(self).faults, "heater", names)

    @classmethod
    def from_config(cls, section: Section, context: MissionContext) -> ThermalModel:
        """Read `[subsystems.thermal]` (see thermal_config for the keys and defaults)."""
        config = read_thermal_config(section)
        return cls(
            context, config.nodes, config.links, config.heaters, config.pump, config.max_substep_s
        )

    # -- physics -------------------------------------------------------------------------------

    def _substep(
        self,
        temps_k: np.ndarray,
        dt_s: float,
        heat_w: np.ndarray,
        conductance: np.ndarray,
        radiative: np.ndarray,
    ) -> np.ndarray:
        """Backward Euler over `dt_s`, T⁴ linearised about `temps_k`; all arrays are (N,)."""
        capacity_rate = self.capacity_j_k / dt_s
        cube = radiative * temps_k**3
        matrix = np.diag(capacity_rate + 4.0 * cube) - conductance
        rhs = capacity_rate * temps_k + heat_w + 3.0 * cube * temps_k
        result: np.ndarray = np.linalg.solve(matrix, rhs)
        return result

    def _thermostat(self, state_on: bool, temp_c: float, i: int, state: ThermalState) -> bool:
        """Heater i's contact: closed below set point − h/2, open above set point + h/2."""
        stuck = state.heater_stuck[i]
        if stuck:
            return stuck == "on"
        if not state.heater_enabled[i]:
            return False
        half_band_k = 0.5 * self.heaters[i].hysteresis_k
        if temp_c < state.set_points_c[i] - half_band_k:
            return True
        if temp_c > state.set_points_c[i] + half_band_k:
            return False
        return state_on

    def pump_running(self, state: ThermalState, powered: bool) -> bool:
        """Whether the loop flows: a pump, commanded on, not failed, and `powered`."""
        return self.pump is not None and state.pump_on and not state.pump_failed and powered

    # -- the Subsystem contract ----------------------------------------------------------------

    def initial_state(self) -> ThermalState:
        state = ThermalState(
            temps_k=tuple(node.initial_temp_c + ZERO_CELSIUS_K for node in self.nodes),
            heater_on=tuple(False for _ in self.heaters),
            heater_enabled=tuple(h.enabled for h in self.heaters),
            set_points_c=tuple(h.set_point_c for h in self.heaters),
            pump_on=self.pump is not None and self.pump.on,
            heater_stuck=tuple("" for _ in self.heaters),
        )
        temps_c = [t - ZERO_CELSIUS_K for t in state.temps_k]
        heater_on = tuple(
            self._thermostat(False, temps_c[h.node], i, state) for i, h in enumerate(self.heaters)
        )
        return replace(state, heater_on=heater_on)

    def step(
        self, state: ThermalState, time_s: float, dt_s: float, inputs: Mapping[str, Any]
    ) -> Outcome[ThermalState]:
        power = inputs.get(POWER)
        powered = power.powered(self.name) if isinstance(power, PowerStatus) else True
        fix = inputs.get(NAVIGATION)
        area_m2 = self.radiator_area_m2 * (1.0 - state.radiator_loss_fraction)
        absorbed_w = np.zeros(len(self.nodes))
        if isinstance(fix, NavigationFix):  # without a fix, assume the cold case: no sunlight
            irradiance_w_m2 = SOLAR_CONSTANT_W_M2 / fix.sun_distance_au**2 * fix.illumination
            absorbed_w = self.absorptivity * area_m2 * irradiance_w_m2
        radiative = self.emissivity * STEFAN_BOLTZMANN_W_M2_K4 * area_m2
        conductance = self.links + (self.pump_links if self.pump_running(state, powered) else 0.0)
        temps_k = np.array(state.temps_k)
        heater_on = list(state.heater_on)
        heater_energy_j = 0.0
        if dt_s > 0.0:
            count, step_s = substeps(dt_s, self.max_substep_s)
            for _ in range(count):
                heat_w = self.dissipation_w + absorbed_w
                for i, heater in enumerate(self.heaters):
                    temp_c = float(temps_k[heater.node]) - ZERO_CELSIUS_K
                    heater_on[i] = self._thermostat(heater_on[i], temp_c, i, state)
                    if heater_on[i]:
                        heater_energy_j += heater.power_w * step_s  # demanded either way
                        if powered:
                            heat_w = heat_w + _one_hot(len(self.nodes), heater.node, heater.power_w)
                temps_k = self._substep(temps_k, step_s, heat_w, conductance, radiative)
        new = replace(
            state,
            temps_k=tuple(float(t) for t in temps_k),
            heater_on=tuple(heater_on),
            heaters_powered=powered,
            heater_power_w=heater_energy_j / dt_s if dt_s > 0.0 else state.heater_power_w,
            radiated_w=float(np.sum(radiative * temps_k**4)),
            absorbed_w=float(np.sum(absorbed_w)),
        )
        return Outcome(new)

    def pump_power_w(self, state: ThermalState) -> float:
        running = self.pump is not None and state.pump_on and not state.pump_failed
        return self.pump.power_w if running and self.pump is not None else 0.0

    def publish(self, state: ThermalState) -> Mapping[str, Any]:
        temps = tuple(
            (node.name, t - ZERO_CELSIUS_K)
            for node, t in zip(self.nodes, state.temps_k, strict=True)
        )
        demand_w = state.heater_power_w + self.pump_power_w(state)
        return {
            THERMAL: ThermalStatus(temps),
            load_topic(self.name): LoadDemand(self.name, demand_w),
        }

    def execute(
        self, state: ThermalState, command: str, args: Mapping[str, Any]
    ) -> Outcome[ThermalState]:
        if command in ("set_heater", "heater_enable"):
            i = self._heater(args["heater"], command)
            enabled = list(state.heater_enabled)
            enabled[i] = args["enabled"]
            set_points = list(state.set_points_c)
            if command == "set_heater":
                set_points[i] = args["set_point_c"]
            return Outcome(
                replace(state, heater_enabled=tuple(enabled), set_points_c=tuple(set_points))
            )
        if command == "pump":
            if self.pump is None:
                raise CommandError(
                    ErrorCode.NOT_ALLOWED, "pump: this spacecraft has no coolant loop"
                )
            text = f"coolant pump {'on' if args['on'] else 'off'}"
            return Outcome(
                replace(state, pump_on=args["on"]), (event("pump", Severity.INFO, text),)
            )
        return super().execute(state, command, args)

    def _heater(self, name: str, what: str) -> int:
        if name not in self.heater_index:
            known = ", ".join(self.heater_index) or "none"
            raise CommandError(
                ErrorCode.BAD_ARGUMENT, f"{what}: no heater {name!r} (known: {known})"
            )
        return self.heater_index[name]

    def inject(self, state: ThermalState, fault: str, params: Mapping[str, Any]) -> ThermalState:
        if fault in ("heater_stuck_on", "heater_stuck_off"):
            if params["heater"] not in self.heater_index:
                raise FaultError(f"{fault}: no heater {params['heater']!r}")
            stuck = list(state.heater_stuck)
            stuck[self.heater_index[params["heater"]]] = fault.removeprefix("heater_stuck_")
            return replace(state, heater_stuck=tuple(stuck))
        if fault == "pump_failure":
            return replace(state, pump_failed=True)
        if fault == "radiator_loss":
            return replace(state, radiator_loss_fraction=params["fraction"])
        raise FaultError(f"thermal has no fault {fault!r}")

    def clear(self, state: ThermalState, fault: str) -> ThermalState:
        if fault in ("heater_stuck_on", "heater_stuck_off"):
            kind = fault.removeprefix("heater_stuck_")
            stuck = tuple("" if s == kind else s for s in state.heater_stuck)
            return replace(state, heater_stuck=stuck)
        if fault == "pump_failure":
            return replace(state, pump_failed=False)
        if fault == "radiator_loss":
            return replace(state, radiator_loss_fraction=0.0)
        raise FaultError(f"thermal has no fault {fault!r}")


def _frozen(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


def _laplacian(count: int, links: tuple[tuple[int, int, float], ...]) -> np.ndarray:
    """The (N, N) conductance matrix L with (L·T)_i = Σ_j K_ij·(T_j − T_i)."""
    matrix = np.zeros((count, count))
    for a, b, conductance_w_k in links:
        matrix[a, b] += conductance_w_k
        matrix[b, a] += conductance_w_k
        matrix[a, a] -= conductance_w_k
        matrix[b, b] -= conductance_w_k
    return _frozen(matrix)


def _one_hot(count: int, index: int, value: float) -> np.ndarray:
    vector = np.zeros(count)
    vector[index] = value
    return vector
