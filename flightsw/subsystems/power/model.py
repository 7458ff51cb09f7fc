"""Electrical power: solar arrays, battery charge and bus voltage, and a switch per consumer.

Consumers are the configured fixed base loads plus every `load.<consumer>` demand seen on the
bus. Each has a switch (on unless commanded off); essential consumers need `force` to be
switched off. The battery's stored energy is in joules, clamped to [0, capacity]: surplus solar
power charges it through the charge efficiency (and is shunted once full), a deficit drains it
through the discharge efficiency.

Bus voltage is the battery's open-circuit voltage (a Li-ion cell curve times the cells in
series) minus the I·R drop of the battery current (a rise while charging, none while the battery
floats full and the shunt regulates).

The cell curve and the defaults (efficiencies, array) are engineering assumptions, not one
published source: docs/references.md#spacecraft-engineering says what each is.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, ClassVar

import numpy as np

from flightsw.config.mission_context import MissionContext
from flightsw.config.section import REQUIRED, Section
from flightsw.errors import CommandError, FaultError
from flightsw.icd.dictionary import ArgSpec, CommandSpec, FaultSpec
from flightsw.icd.errorcodes import ErrorCode
from flightsw.icd.services import Severity
from flightsw.physics.constants import SOLAR_CONSTANT_W_M2, WH_J
from flightsw.subsystems.base import Outcome, Subsystem
from flightsw.subsystems.events import Event, event
from flightsw.subsystems.power.state import PowerState
from flightsw.subsystems.power.telemetry import POINTS, PowerReading, consumer_points
from flightsw.subsystems.topics import (
    LOAD_PREFIX,
    NAVIGATION,
    POWER,
    LoadDemand,
    NavigationFix,
    PowerStatus,
)

POINTING_MODES = ("sun_tracking", "fixed")
# Open-circuit voltage of one Li-ion (NMC) cell against state of charge, piecewise linear between
# these points: a representative curve of the shape cell datasheets publish, not any one cell's
# (an engineering assumption, docs/references.md#spacecraft-engineering).
CELL_OCV_SOC = (0.0, 0.1, 0.2, 0.5, 0.8, 0.9, 1.0)
CELL_OCV_V = (3.0, 3.45, 3.55, 3.7, 3.9, 4.0, 4.15)
SOC_REARM = 0.05  # battery_low re-arms only this far above its threshold, so it fires once
VOLTAGE_REARM_V = 0.5  # likewise for undervoltage

Pairs = tuple[tuple[str, Any], ...]


def cell_ocv_v(soc: float) -> float:
    """Open-circuit voltage of one cell at state of charge `soc` (0 to 1)."""
    return float(np.interp(soc, CELL_OCV_SOC, CELL_OCV_V))


def _consumer_arg() -> ArgSpec:
    return ArgSpec("consumer", "str", description="a consumer named in power.status switches")


class PowerModel(Subsystem[PowerState]):
    """Battery energy balance under solar input and switched consumer loads."""

    name: ClassVar[str] = "power"
    subscribes = (NAVIGATION, LOAD_PREFIX + "*")
    commands = (
        CommandSpec("load_on", "Switch a consumer on", (_consumer_arg(),)),
        CommandSpec(
            "load_off",
            "Switch a consumer off (an essential one only with force)",
            (_consumer_arg(), ArgSpec("force", "bool", default=False)),
            hazardous=True,
        ),
        CommandSpec(
            "array_enable", "Connect or disconnect the solar arrays", (ArgSpec("enabled", "bool"),)
        ),
        CommandSpec(
            "array_pointing",
            "Track the Sun with the array drive, or park it at its rest position",
            (ArgSpec("mode", "enum", choices=POINTING_MODES),),
        ),
    )
    faults = (
        FaultSpec(
            "cell_failure",
            "Battery cells lost: capacity falls by a fraction",
            (ArgSpec("capacity_loss_fraction", "float", "", 0.0, 1.0, default=0.25),),
        ),
        FaultSpec(
            "array_degraded",
            "Solar array output falls by a fraction",
            (ArgSpec("fraction", "float", "", 0.0, 1.0, default=0.5),),
        ),
        FaultSpec("array_stuck", "Array drive stops: the array stays at its current angle"),
        FaultSpec(
            "load_short",
            "A consumer's harness shorts, drawing extra power while switched on",
            (_consumer_arg(), ArgSpec("extra_w", "float", "W", 0.0, 10_000.0, default=50.0)),
        ),
    )

    def __init__(
        self,
        context: MissionContext,
        base_loads_w: Pairs = (("avionics", 20.0),),
        consumers: tuple[str, ...] = ("thermal",),
        essential: tuple[str, ...] = ("avionics",),
        battery_capacity_wh: float = 100.0,
        initial_soc: float = 0.8,
        charge_efficiency: float = 0.95,
        discharge_efficiency: float = 0.95,
        cells_in_series: int = 8,
        internal_resistance_ohm: float = 0.1,
        array_area_m2: float = 0.3,
        array_efficiency: float = 0.28,
        array_degradation: float = 0.0,
        array_drive_range_deg: float = 60.0,
        array_pointing: str = "sun_tracking",
        array_enabled: bool = True,
        battery_low_soc: float = 0.2,
        undervoltage_v: float = 27.0,
    ) -> None:
        self.context = context
        self.base_loads_w = dict(base_loads_w)
        self.essential = frozenset(essential)
        # Consumers known before the first tick, in a stable order for telemetry.
        self.known = tuple(dict.fromkeys([*self.base_loads_w, *consumers, *essential]))
        self.capacity_j = battery_capacity_wh * WH_J
        self.initial_soc = initial_soc
        self.charge_efficiency = charge_efficiency
        self.discharge_efficiency = discharge_efficiency
        self.cells_in_series = cells_in_series
        self.internal_resistance_ohm = internal_resistance_ohm
        self.array_area_m2 = array_area_m2
        self.array_efficiency = array_efficiency
        self.array_degradation = array_degradation
        self.drive_range_rad = math.radians(array_drive_range_deg)
        self.array_pointing = array_pointing
        self.array_enabled = array_enabled
        self.battery_low_soc = battery_low_soc
        self.undervoltage_v = undervoltage_v
        # The consumers come from the config, so the telemetry list is per instance.
        self.telemetry_points = POINTS + tuple(
            p for consumer in self.known for p in consumer_points(consumer)
        )

    @classmethod
    def from_config(cls, section: Section, context: MissionContext) -> PowerModel:
        """Read `[subsystems.power]`; every key has a default for a small LEO satellite."""
        loads = section.section("loads", {"avionics": 20.0})
        base_loads = tuple(
            (name, loads.float(name, REQUIRED, minimum=0.0, maximum=1e5, unit="W"))
            for name in loads.names()
        )
        return cls(
            context,
            base_loads_w=base_loads,
            consumers=_names(section, "consumers", ("thermal",)),
            essential=_names(section, "essential", ("avionics",)),
            battery_capacity_wh=section.float("battery_capacity_wh", 100.0, 0.001, 1e6, "Wh"),
            initial_soc=section.float("initial_soc", 0.8, 0.0, 1.0),
            charge_efficiency=section.float("charge_efficiency", 0.95, 0.01, 1.0),
            discharge_efficiency=section.float("discharge_efficiency", 0.95, 0.01, 1.0),
            cells_in_series=section.int(
                "cells_in_series", 8, minimum=1, maximum=1000, unit="cells"
            ),
            internal_resistance_ohm=section.float(
                "internal_resistance_ohm", 0.1, 0.0, 100.0, "ohm"
            ),
            array_area_m2=section.float("array_area_m2", 0.3, 0.0, 1e4, "m2"),
            array_efficiency=section.float("array_efficiency", 0.28, 0.0, 1.0),
            array_degradation=section.float("array_degradation", 0.0, 0.0, 1.0),
            array_drive_range_deg=section.float("array_drive_range_deg", 60.0, 0.0, 180.0, "deg"),
            array_pointing=section.str("array_pointing", "sun_tracking", POINTING_MODES),
            array_enabled=section.bool("array_enabled", True),
            battery_low_soc=section.float("battery_low_soc", 0.2, 0.0, 1.0),
            undervoltage_v=section.float("undervoltage_v", 27.0, 0.0, 1e4, "V"),
        )

    # -- physics -------------------------------------------------------------------------------

    def solar_power_w(self, state: PowerState, fix: NavigationFix, incidence_rad: float) -> float:
        """P = S·(1 AU/r)²·illumination·A·max(0, cos θ)·η·(1 − degradation)."""
        if not state.array_enabled:
            return 0.0
        irradiance_w_m2 = SOLAR_CONSTANT_W_M2 / fix.sun_distance_au**2 * fix.illumination
        health = (1.0 - self.array_degradation) * (1.0 - state.array_fault_degradation)
        cos_incidence = max(0.0, math.cos(incidence_rad))
        return irradiance_w_m2 * self.array_area_m2 * cos_incidence * self.array_efficiency * health

    def _drive_angle_rad(self, state: PowerState, body_incidence_rad: float) -> float:
        """Where the array drive sits: following the Sun within its range, parked, or stuck.

        A one-axis drive is reduced to one angle: it can take up to its range off the incidence
        the attitude leaves, but no more (for example while the spacecraft tumbles).
        """
        if state.array_stuck:
            return state.drive_angle_rad
        if state.array_pointing == "fixed":
            return 0.0
        return min(body_incidence_rad, self.drive_range_rad)

    def bus_voltage_v(self, soc: float, battery_power_w: float) -> float:
        """Open-circuit voltage minus the I·R drop (battery_power_w positive while charging)."""
        ocv_v = self.cells_in_series * cell_ocv_v(soc)
        current_a = battery_power_w / ocv_v  # into the battery
        return ocv_v + current_a * self.internal_resistance_ohm

    # -- the Subsystem contract ----------------------------------------------------------------

    def initial_state(self) -> PowerState:
        state = PowerState(
            charge_j=self.initial_soc * self.capacity_j,
            nominal_capacity_j=self.capacity_j,
            switches=tuple((consumer, True) for consumer in self.known),
            array_enabled=self.array_enabled,
            array_pointing=self.array_pointing,
            demands=tuple((name, watts) for name, watts in self.base_loads_w.items()),
        )
        return replace(state, bus_voltage_v=self.bus_voltage_v(state.soc, 0.0))

    def step(
        self, state: PowerState, time_s: float, dt_s: float, inputs: Mapping[str, Any]
    ) -> Outcome[PowerState]:
        demands = dict(self.base_loads_w)
        for topic, value in inputs.items():
            if topic.startswith(LOAD_PREFIX) and isinstance(value, LoadDemand):
                demands[value.consumer] = value.power_w
        switches = dict(state.switches)
        for consumer in demands:
            switches.setdefault(consumer, True)  # a new consumer starts switched on
        shorts = dict(state.shorts)
        load_w = sum(
            demands.get(consumer, 0.0) + shorts.get(consumer, 0.0)
            for consumer, on in switches.items()
            if on
        )
        fix = inputs.get(NAVIGATION)
        if isinstance(fix, NavigationFix):
            drive_rad = self._drive_angle_rad(state, fix.sun_incidence_rad)
            incidence_rad = abs(fix.sun_incidence_rad - drive_rad)
            solar_w = self.solar_power_w(state, fix, incidence_rad)
        else:  # no fix yet: assume no sunlight rather than guess
            drive_rad, incidence_rad, solar_w = state.drive_angle_rad, state.incidence_rad, 0.0
        net_w = solar_w - load_w
        if net_w >= 0.0:
            stored_j = min(net_w * self.charge_efficiency * dt_s, state.capacity_j - state.charge_j)
            charge_j = state.charge_j + stored_j
            battery_w = stored_j / self.charge_efficiency / dt_s if dt_s > 0.0 else 0.0
        else:
            drawn_j = min(-net_w / self.discharge_efficiency * dt_s, state.charge_j)
            charge_j = state.charge_j - drawn_j
            # An empty battery cannot carry the load: the bus sags as if it were still asked to.
            battery_w = net_w
        new = replace(
            state,
            charge_j=charge_j,
            switches=tuple(switches.items()),
            drive_angle_rad=drive_rad,
            demands=tuple(demands.items()),
            solar_power_w=solar_w,
            load_power_w=load_w,
            battery_power_w=battery_w,
            incidence_rad=incidence_rad,
        )
        new = replace(new, bus_voltage_v=self.bus_voltage_v(new.soc, battery_w))
        return self._alarms(state, new)

    def _alarms(self, old: PowerState, new: PowerState) -> Outcome[PowerState]:
        """Battery low and undervoltage, each raised once per crossing (with hysteresis)."""
        events: list[Event] = []
        low = old.battery_low
        if not low and new.soc < self.battery_low_soc:
            low = True
            events.append(
                event("battery_low", Severity.MEDIUM, f"battery at {new.soc:.0%}", soc=new.soc)
            )
        elif low and new.soc > self.battery_low_soc + SOC_REARM:
            low = False
        under = old.undervoltage
        if not under and new.bus_voltage_v < self.undervoltage_v:
            under = True
            text = f"bus at {new.bus_voltage_v:.2f} V, below {self.undervoltage_v:g} V"
            events.append(event("undervoltage", Severity.HIGH, text, voltage_v=new.bus_voltage_v))
        elif under and new.bus_voltage_v > self.undervoltage_v + VOLTAGE_REARM_V:
            under = False
        return Outcome(replace(new, battery_low=low, undervoltage=under), tuple(events))

    def publish(self, state: PowerState) -> Mapping[str, Any]:
        return {POWER: PowerStatus(state.bus_voltage_v, state.soc, state.switches)}

    def telemetry_source(self, state: PowerState) -> PowerReading:
        return PowerReading.of(state)

    def execute(
        self, state: PowerState, command: str, args: Mapping[str, Any]
    ) -> Outcome[PowerState]:
        if command in ("load_on", "load_off"):
            consumer, on = args["consumer"], command == "load_on"
            switches = dict(state.switches)
            if consumer not in switches:
                known = ", ".join(switches) or "none"
                raise CommandError(
                    ErrorCode.BAD_ARGUMENT, f"{command}: no consumer {consumer!r} (known: {known})"
                )
            if not on and consumer in self.essential and not args["force"]:
                raise CommandError(
                    ErrorCode.NOT_ALLOWED,
                    f"load_off: {consumer} is essential; send force=true to switch it off anyway",
                )
            switches[consumer] = on
            text = f"{consumer} switched {'on' if on else 'off'}"
            return Outcome(
                replace(state, switches=tuple(switches.items())),
                (event("load_switched", Severity.INFO, text, consumer=consumer, on=on),),
            )
        if command == "array_enable":
            return Outcome(replace(state, array_enabled=args["enabled"]))
        if command == "array_pointing":
            return Outcome(replace(state, array_pointing=args["mode"]))
        return super().execute(state, command, args)

    def inject(self, state: PowerState, fault: str, params: Mapping[str, Any]) -> PowerState:
        if fault == "cell_failure":
            new = replace(state, capacity_loss_fraction=params["capacity_loss_fraction"])
            return replace(new, charge_j=min(new.charge_j, new.capacity_j))
        if fault == "array_degraded":
            return replace(state, array_fault_degradation=params["fraction"])
        if fault == "array_stuck":
            return replace(state, array_stuck=True)
        if fault == "load_short":
            consumer = params["consumer"]
            shorts = {**dict(state.shorts), consumer: params["extra_w"]}
            switches = dict(state.switches)
            switches.setdefault(consumer, True)  # a short on an unseen harness still draws
            return replace(state, shorts=tuple(shorts.items()), switches=tuple(switches.items()))
        raise FaultError(f"power has no fault {fault!r}")

    def clear(self, state: PowerState, fault: str) -> PowerState:
        if fault == "cell_failure":
            return replace(state, capacity_loss_fraction=0.0)
        if fault == "array_degraded":
            return replace(state, array_fault_degradation=0.0)
        if fault == "array_stuck":
            return replace(state, array_stuck=False)
        if fault == "load_short":
            return replace(state, shorts=())
        raise FaultError(f"power has no fault {fault!r}")


def _names(section: Section, key: str, default: tuple[str, ...]) -> tuple[str, ...]:
    """A list of consumer names from the config, e.g. `["avionics"]`."""
    return section.str_list(key, default, what="consumer names")
