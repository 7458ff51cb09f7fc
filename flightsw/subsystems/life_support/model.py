"""Life support: cabin atmosphere as gas masses, crew metabolism, scrubbing, O2 supply and leaks.

The cabin holds O2, CO2, N2 and water vapour as masses (kg) in a fixed volume; each partial
pressure follows from the ideal gas law p_i = m_i·R·T/(M_i·V) at the cabin temperature (the
thermal node `cabin` when thermal.status carries one, else the configured temperature). Every
crew member breathes O2 out of it and CO2 and water vapour into it at their RP-1324 / BVAD rates
times the activity factor (crew_vitals). The CO2 scrubber removes CO2 at its rated rate once the
CO2 partial pressure reaches its rated level, proportionally less below it; the condensing heat
exchanger (CHX) passes cabin air over a cold plate and keeps the water it holds above saturation
at the coolant temperature; both need the cabin fans to reach full effectiveness. The O2 supply
meters O2 from the stored tanks to hold the O2 partial pressure at a set point.

A hole vents the cabin to vacuum by choked flow (cabin_atmosphere.leak_rate_per_s); every gas
leaves in proportion to its mass, and the step applies the exact exponential.

Keys of `[subsystems.life_support]` are all optional: `vehicle` ("station", ISS-like, or
"capsule") sets the defaults of `cabin_volume_m3`, `o2_stored_kg` and `water_kg` (VEHICLES);
`scrubber_on`, `fans_on`, `o2_supply_enabled`, `condensing_hx_on` and `activity_schedule` are
booleans (default true); every other key, its default and its range are in
`life_support_dictionary.config_limits()`.

Equipment draws from the bus as consumer `life_support` and stops while power.status has it
switched off.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, ClassVar

import numpy as np

from flightsw.config.mission_context import MissionContext
from flightsw.config.section import Section
from flightsw.errors import CommandError, FaultError
from flightsw.icd.dictionary import CommandSpec, FaultSpec
from flightsw.icd.errorcodes import ErrorCode
from flightsw.icd.services import Severity
from flightsw.physics.cabin_atmosphere import (
    CO2,
    H2O,
    O2,
    choked_mass_flow_kg_s,  # noqa: F401 (re-exported: tests import it from here)
    gas_mass_kg,
    gas_tuple,
    leak_rate_per_s,
    mixture_molar_mass,  # noqa: F401 (re-exported: tests import it from here)
    partial_pressures_kpa,
    saturation_vapour_kpa,
)
from flightsw.physics.constants import DAY_S, HOUR_S, ZERO_CELSIUS_K
from flightsw.physics.orbit import substeps
from flightsw.subsystems.base import Outcome, Subsystem
from flightsw.subsystems.events import event
from flightsw.subsystems.life_support import crew_vitals
from flightsw.subsystems.life_support.cabin_alarms import cabin_checks, raise_once
from flightsw.subsystems.life_support.crew_vitals import Vitals
from flightsw.subsystems.life_support.dictionary import (
    COMMANDS,
    FAULTS,
    SWITCHES,
    VEHICLES,
    config_defaults,
    config_limits,
)
from flightsw.subsystems.life_support.telemetry import CabinReading, telemetry_points
from flightsw.subsystems.topics import (
    LIFE_SUPPORT,
    POWER,
    THERMAL,
    LifeSupportStatus,
    LoadDemand,
    PowerStatus,
    ThermalStatus,
    load_topic,
)

SEED_TAG = 0x4C5353  # "LSS": this subsystem's own noise stream under the mission seed


@dataclass(frozen=True, slots=True)
class LifeSupportState:
    """Cabin gas masses, stores, equipment settings, faults, crew vitals and raised alarms."""

    gas_kg: tuple[float, float, float, float]  # O2, CO2, N2, H2O vapour
    o2_stored_kg: float
    water_kg: float
    temp_k: float
    scrubber_on: bool
    fans_on: bool
    chx_on: bool
    o2_supply_enabled: bool
    o2_set_point_kpa: float
    activity_mode: str  # schedule, sleep, nominal or exercise
    vitals: tuple[Vitals, ...]
    activity: float = 1.0
    powered: bool = True
    scrubber_failed: bool = False
    o2_leak_kg_per_day: float = 0.0
    hole_area_mm2: float = 0.0
    pressure_rate_kpa_min: float = 0.0
    step_count: int = 0  # draws of the noise stream so far
    alarms: tuple[str, ...] = ()  # conditions raised and not yet re-armed


class LifeSupportModel(Subsystem[LifeSupportState]):
    """Cabin atmosphere mass balance with crew, scrubber, CHX, O2 supply and leaks."""

    name: ClassVar[str] = "life_support"
    subscribes: tuple[str, ...] = (POWER, THERMAL)
    commands: tuple[CommandSpec, ...] = COMMANDS
    faults: tuple[FaultSpec, ...] = FAULTS

    def __init__(
        self,
        context: MissionContext,
        settings: Mapping[str, Any] | None = None,
    ) -> None:
        """Build from `settings`, a map of the config keys in the module docstring."""
        self.context = context
        s = {**config_defaults((settings or {}).get("vehicle", "station")), **(settings or {})}
        self.settings = s
        self.volume_m3: float = s["cabin_volume_m3"]
        self.crew = context.crew
        self.crew_keys = tuple(crew_vitals.telemetry_name(m.name) for m in self.crew)
        # The crew come from the mission, so the telemetry list is per instance.
        self.telemetry_points = telemetry_points(self)

    @classmethod
    def from_config(cls, section: Section, context: MissionContext) -> LifeSupportModel:
        """Read `[subsystems.life_support]`; every key has a default (see the module docstring)."""
        vehicle = section.str("vehicle", "station", tuple(VEHICLES))
        settings: dict[str, Any] = {"vehicle": vehicle}
        for key, (default, low, high) in config_limits(vehicle).items():
            settings[key] = section.float(key, default, low, high)
        for key in SWITCHES:
            settings[key] = section.bool(key, True)
        settings["activity_schedule"] = section.bool("activity_schedule", True)
        if settings["o2_kpa"] + settings["co2_kpa"] > settings["cabin_pressure_kpa"]:
            raise section.error("o2_kpa", "O2 and CO2 partial pressures exceed the total")
        return cls(context, settings)

    # -- physics -------------------------------------------------------------------------------

    def pressures_kpa(self, state: LifeSupportState) -> np.ndarray:
        """Partial pressures (4,) of O2, CO2, N2 and H2O in kPa."""
        return partial_pressures_kpa(np.array(state.gas_kg), self.volume_m3, state.temp_k)

    def leak_rate_per_s(self, gas_kg: np.ndarray, hole_area_mm2: float, temp_k: float) -> float:
        """Fractional mass loss rate (1/s) of the cabin through a hole: ṁ/m of choked flow."""
        discharge = self.settings["leak_discharge_coefficient"]
        return leak_rate_per_s(gas_kg, hole_area_mm2 * 1e-6, discharge, temp_k, self.volume_m3)

    def _metabolic_kg_s(self, activity: float) -> np.ndarray:
        water = self.settings["respiration_water_kg_per_crew_day"]
        return crew_vitals.metabolic_kg_s(self.crew, activity, water)

    def _substep(
        self, state: LifeSupportState, h_s: float, metabolic: np.ndarray
    ) -> LifeSupportState:
        """Advance the masses and stores by `h_s` seconds (explicit, each flow capped)."""
        s, temp_k, volume = self.settings, state.temp_k, self.volume_m3
        gas = np.array(state.gas_kg)
        stored, water = state.o2_stored_kg, state.water_kg
        gas[O2] = max(gas[O2] - metabolic[0] * h_s, 0.0)
        gas[CO2] += metabolic[1] * h_s
        gas[H2O] += metabolic[2] * h_s
        pp = partial_pressures_kpa(gas, volume, temp_k)
        fans = state.fans_on and state.powered
        effect = 1.0 if fans else s["fans_off_effectiveness"]
        if state.scrubber_on and state.powered and not state.scrubber_failed:
            rated = min(1.0, pp[CO2] / s["scrubber_rated_co2_kpa"])
            gas[CO2] -= min(s["scrubber_rate_kg_per_day"] / DAY_S * effect * rated * h_s, gas[CO2])
        if state.chx_on and state.powered:
            coolant_k = s["chx_coolant_temp_c"] + ZERO_CELSIUS_K
            saturated = gas_mass_kg(
                saturation_vapour_kpa(s["chx_coolant_temp_c"]), H2O, 1.0, coolant_k
            )
            excess_kg = max(gas[H2O] - saturated * volume, 0.0)
            condensed = min(s["chx_air_flow_m3_s"] * effect * excess_kg / volume * h_s, excess_kg)
            gas[H2O] -= condensed
            water += s["condensate_recovery"] * condensed
        water = max(water - len(self.crew) * s["drinking_water_kg_per_crew_day"] / DAY_S * h_s, 0.0)
        if state.o2_supply_enabled and state.powered:
            deficit = gas_mass_kg(state.o2_set_point_kpa - pp[O2], O2, volume, temp_k)
            added = min(max(deficit, 0.0), s["o2_max_flow_kg_per_h"] / HOUR_S * h_s, stored)
            gas[O2] += added
            stored -= added
        stored = max(stored - state.o2_leak_kg_per_day / DAY_S * h_s, 0.0)
        gas *= math.exp(-self.leak_rate_per_s(gas, state.hole_area_mm2, temp_k) * h_s)
        return replace(
            state, gas_kg=gas_tuple(gas), o2_stored_kg=float(stored), water_kg=float(water)
        )

    def _vitals(self, state: LifeSupportState) -> tuple[Vitals, ...]:
        rng = np.random.default_rng([self.context.seed % 2**63, SEED_TAG, state.step_count])
        air = self.telemetry_source(state)
        return tuple(
            crew_vitals.vitals(
                member.resting_heart_rate_bpm,
                state.activity,
                air.o2_pp_kpa,
                air.total_kpa,
                air.co2_ppm,
                air.co2_mmhg,
                rng,
            )
            for member in self.crew
        )

    def _cabin_temp_k(self, inputs: Mapping[str, Any]) -> float:
        thermal = inputs.get(THERMAL)
        if isinstance(thermal, ThermalStatus) and "cabin" in dict(thermal.node_temps_c):
            return thermal.temp_c("cabin") + ZERO_CELSIUS_K
        return float(self.settings["cabin_temp_c"]) + ZERO_CELSIUS_K

    def power_w(self, state: LifeSupportState) -> float:
        s = self.settings
        return (
            s["fans_power_w"] * state.fans_on
            + s["scrubber_power_w"] * state.scrubber_on
            + s["chx_power_w"] * state.chx_on
            + s["o2_supply_power_w"] * state.o2_supply_enabled
        )

    # -- the Subsystem contract ----------------------------------------------------------------

    def initial_state(self) -> LifeSupportState:
        s = self.settings
        temp_k = s["cabin_temp_c"] + ZERO_CELSIUS_K
        h2o_kpa = s["humidity_pct"] / 100.0 * saturation_vapour_kpa(s["cabin_temp_c"])
        n2_kpa = max(s["cabin_pressure_kpa"] - s["o2_kpa"] - s["co2_kpa"] - h2o_kpa, 0.0)
        pressures = (s["o2_kpa"], s["co2_kpa"], n2_kpa, h2o_kpa)
        gas = tuple(gas_mass_kg(p, i, self.volume_m3, temp_k) for i, p in enumerate(pressures))
        mode = "schedule" if s["activity_schedule"] else "nominal"
        state = LifeSupportState(
            gas_kg=gas_tuple(np.array(gas)),
            o2_stored_kg=s["o2_stored_kg"],
            water_kg=s["water_kg"],
            temp_k=temp_k,
            scrubber_on=s["scrubber_on"],
            fans_on=s["fans_on"],
            chx_on=s["condensing_hx_on"],
            o2_supply_enabled=s["o2_supply_enabled"],
            o2_set_point_kpa=s["o2_kpa"],
            activity_mode=mode,
            vitals=(),
            activity=crew_vitals.activity_factor(mode, 0.0),
        )
        return replace(state, vitals=self._vitals(state))

    def step(
        self, state: LifeSupportState, time_s: float, dt_s: float, inputs: Mapping[str, Any]
    ) -> Outcome[LifeSupportState]:
        power = inputs.get(POWER)
        powered = power.powered(self.name) if isinstance(power, PowerStatus) else True
        old_kpa = float(np.sum(self.pressures_kpa(state)))
        new = replace(state, powered=powered, temp_k=self._cabin_temp_k(inputs))
        if dt_s > 0.0:
            count, h_s = substeps(dt_s, self.settings["max_substep_s"])
            for i in range(count):
                # The schedule is sampled at each sub-step's midpoint, so it integrates exactly
                # whenever sub-steps do not straddle a change of activity.
                t_mid = time_s + (i + 0.5) * h_s
                activity = crew_vitals.activity_factor(new.activity_mode, t_mid)
                new = self._substep(new, h_s, self._metabolic_kg_s(activity))
        end_activity = crew_vitals.activity_factor(new.activity_mode, time_s + dt_s)
        rate = (float(np.sum(self.pressures_kpa(new))) - old_kpa) / dt_s * 60.0 if dt_s else 0.0
        new = replace(
            new, activity=end_activity, pressure_rate_kpa_min=rate, step_count=state.step_count + 1
        )
        new = replace(new, vitals=self._vitals(new))
        return self._alarms(new)

    def _alarms(self, new: LifeSupportState) -> Outcome[LifeSupportState]:
        """Raise each alarm once when its condition starts; re-arm it once clearly back."""
        air = self.telemetry_source(new)
        checks = cabin_checks(
            air.co2_ppm,
            air.co2_mmhg,
            air.o2_pp_kpa,
            new.pressure_rate_kpa_min,
            self.settings["depress_rate_kpa_per_min"],
        )
        checks.extend(crew_vitals.alarm_checks(self.crew_keys, new.vitals))
        alarms, events = raise_once(checks, new.alarms)
        return Outcome(replace(new, alarms=alarms), events)

    def publish(self, state: LifeSupportState) -> Mapping[str, Any]:
        pp = self.pressures_kpa(state)
        crew_o2 = sum(m.o2_kg_per_day for m in self.crew) * state.activity
        drink = len(self.crew) * self.settings["drinking_water_kg_per_crew_day"]
        status = LifeSupportStatus(
            cabin_pressure_kpa=float(np.sum(pp)),
            o2_partial_pressure_kpa=float(pp[O2]),
            co2_partial_pressure_kpa=float(pp[CO2]),
            o2_stored_kg=state.o2_stored_kg,
            water_kg=state.water_kg,
            crew_count=len(self.crew),
            o2_use_kg_per_day=crew_o2,
            water_use_kg_per_day=drink,
        )
        return {
            LIFE_SUPPORT: status,
            load_topic(self.name): LoadDemand(self.name, self.power_w(state)),
        }

    def telemetry_source(self, state: LifeSupportState) -> CabinReading:
        return CabinReading.of(state, self.pressures_kpa(state))

    def execute(
        self, state: LifeSupportState, command: str, args: Mapping[str, Any]
    ) -> Outcome[LifeSupportState]:
        if command == "scrubber":
            return _switched(replace(state, scrubber_on=args["on"]), "scrubber", args["on"])
        if command == "fans":
            return _switched(replace(state, fans_on=args["on"]), "fans", args["on"])
        if command == "condensing_hx":
            return _switched(replace(state, chx_on=args["on"]), "condensing_hx", args["on"])
        if command == "o2_supply":
            if args["enabled"] and state.o2_stored_kg <= 0.0:
                raise CommandError(
                    ErrorCode.EXECUTION_FAILED, "o2_supply: the O2 tanks are empty; nothing to feed"
                )
            new = replace(
                state, o2_supply_enabled=args["enabled"], o2_set_point_kpa=args["set_point_kpa"]
            )
            return _switched(new, "o2_supply", args["enabled"])
        if command == "crew_activity":
            if not self.crew:
                raise CommandError(ErrorCode.NOT_ALLOWED, "crew_activity: no crew aboard")
            return Outcome(replace(state, activity_mode=args["mode"]))
        return super().execute(state, command, args)

    def inject(
        self, state: LifeSupportState, fault: str, params: Mapping[str, Any]
    ) -> LifeSupportState:
        if fault == "co2_scrubber_failure":
            return replace(state, scrubber_failed=True)
        if fault == "o2_leak":
            return replace(state, o2_leak_kg_per_day=params["rate_kg_per_day"])
        if fault == "cabin_depressurisation":
            return replace(state, hole_area_mm2=params["hole_area_mm2"])
        raise FaultError(f"life_support has no fault {fault!r}")

    def clear(self, state: LifeSupportState, fault: str) -> LifeSupportState:
        if fault == "co2_scrubber_failure":
            return replace(state, scrubber_failed=False)
        if fault == "o2_leak":
            return replace(state, o2_leak_kg_per_day=0.0)
        if fault == "cabin_depressurisation":
            return replace(state, hole_area_mm2=0.0)
        raise FaultError(f"life_support has no fault {fault!r}")


def _switched(state: LifeSupportState, what: str, on: bool) -> Outcome[LifeSupportState]:
    text = f"{what} {'on' if on else 'off'}"
    return Outcome(state, (event(f"{what}_switched", Severity.INFO, text, on=on),))
