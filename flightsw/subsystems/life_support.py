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

A hole of area A vents the cabin to vacuum by choked (sonic) flow through an orifice:
ṁ = C_d·A·p·sqrt(γ/(R_s·T))·(2/(γ+1))^((γ+1)/(2(γ−1))) (e.g. Anderson, Modern Compressible Flow,
ch. 5; NASA Glenn "Mass Flow Choking"). At fixed temperature ṁ ∝ m, so the cabin decays
exponentially with time constant τ = V / (C_d·A·sqrt(γ·R_s·T)·(2/(γ+1))^((γ+1)/(2(γ−1)))); every
gas leaves in proportion to its mass, and the step applies the exact exponential.

Keys of `[subsystems.life_support]` are all optional: `vehicle` ("station", ISS-like, or
"capsule") sets the defaults of `cabin_volume_m3`, `o2_stored_kg` and `water_kg` (VEHICLES);
`scrubber_on`, `fans_on`, `o2_supply_enabled`, `condensing_hx_on` and `activity_schedule` are
booleans (default true); every other key, its default and its range are in `_limits()`.

Equipment draws from the bus as consumer `life_support` and stops while power.status has it
switched off.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, ClassVar

import numpy as np

from flightsw.config_section import Section
from flightsw.constants import DAY_S, ZERO_CELSIUS_K
from flightsw.dictionary import ArgSpec, CommandSpec, FaultSpec, ParamSpec
from flightsw.errorcodes import ErrorCode
from flightsw.errors import CommandError, FaultError
from flightsw.events import Event, Severity, event
from flightsw.mission_context import MissionContext
from flightsw.orbit import substeps
from flightsw.subsystem import Outcome, Subsystem
from flightsw.subsystems import crew_vitals
from flightsw.subsystems.crew_vitals import ACTIVITY_LEVELS, KPA_MMHG, Vitals
from flightsw.topics import (
    LIFE_SUPPORT,
    POWER,
    THERMAL,
    LifeSupportStatus,
    LoadDemand,
    PowerStatus,
    ThermalStatus,
    load_topic,
)

GAS_CONSTANT_J_MOL_K = 8.314462618  # CODATA 2018 (exact since the 2019 SI)
O2, CO2, N2, H2O = range(4)  # order of the gases in every (4,) array
MOLAR_MASS_KG_MOL = np.array([0.031998, 0.044009, 0.028014, 0.018015])  # IUPAC atomic weights
GAMMA_AIR = 1.4  # diatomic gases; the CO2 and vapour fractions hardly change it
CO2_HIGH_PPM = 5300.0  # REFERENCE.md: ISS 24-h average CO2 limit
CO2_EMERGENCY_MMHG = 15.0  # REFERENCE.md
O2_LOW_KPA = 19.5  # REFERENCE.md: ISS O2 partial pressure floor
O2_CRITICAL_KPA = 16.0  # REFERENCE.md: not below ≈ 16 kPa except in emergencies
VEHICLES = {  # volume m3, stored O2 kg, stored water kg
    "station": (916.0, 200.0, 500.0),  # ISS pressurised volume (NASA ISS facts)
    "capsule": (19.56, 20.0, 50.0),  # Orion crew module pressurised volume (NASA)
}
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


def partial_pressures_kpa(gas_kg: np.ndarray, volume_m3: float, temp_k: float) -> np.ndarray:
    """Partial pressures (4,) in kPa of the gas masses (4,) by the ideal gas law."""
    result: np.ndarray = gas_kg / MOLAR_MASS_KG_MOL * GAS_CONSTANT_J_MOL_K * temp_k / volume_m3
    return result / 1e3


def saturation_vapour_kpa(temp_c: float) -> float:
    """Saturation vapour pressure of water over liquid (Buck 1996 equation), kPa."""
    return 0.61121 * math.exp((18.678 - temp_c / 234.5) * (temp_c / (257.14 + temp_c)))


def choked_mass_flow_kg_s(
    pressure_pa: float, area_m2: float, discharge: float, temp_k: float, molar_mass_kg_mol: float
) -> float:
    """Mass flow through an orifice into vacuum: C_d·A·p·sqrt(γ/(R_s·T))·(2/(γ+1))^(…)."""
    specific_r = GAS_CONSTANT_J_MOL_K / molar_mass_kg_mol
    choke = (2.0 / (GAMMA_AIR + 1.0)) ** ((GAMMA_AIR + 1.0) / (2.0 * (GAMMA_AIR - 1.0)))
    return discharge * area_m2 * pressure_pa * math.sqrt(GAMMA_AIR / (specific_r * temp_k)) * choke


def mixture_molar_mass(gas_kg: np.ndarray) -> float:
    """Mean molar mass (kg/mol) of the cabin gas, or that of air when the cabin is empty."""
    moles = float(np.sum(gas_kg / MOLAR_MASS_KG_MOL))
    return float(np.sum(gas_kg)) / moles if moles > 0.0 else 0.02897


def _mass_kg(pp_kpa: float, index: int, volume_m3: float, temp_k: float) -> float:
    """Mass of a gas at partial pressure `pp_kpa` (inverse ideal gas law)."""
    moles = pp_kpa * 1e3 * volume_m3 / (GAS_CONSTANT_J_MOL_K * temp_k)
    return moles * float(MOLAR_MASS_KG_MOL[index])


def _on_arg() -> ArgSpec:
    return ArgSpec("on", "bool", description="true to switch on")


class LifeSupportModel(Subsystem[LifeSupportState]):
    """Cabin atmosphere mass balance with crew, scrubber, CHX, O2 supply and leaks."""

    name: ClassVar[str] = "life_support"
    subscribes: tuple[str, ...] = (POWER, THERMAL)
    commands: tuple[CommandSpec, ...] = (
        CommandSpec("scrubber", "Switch the CO2 scrubber on or off", (_on_arg(),)),
        CommandSpec(
            "o2_supply",
            "Enable the O2 supply and set the O2 partial pressure it holds",
            (
                ArgSpec("enabled", "bool"),
                ArgSpec("set_point_kpa", "float", "kPa", 18.0, 24.0, default=21.3),
            ),
        ),
        CommandSpec("fans", "Switch the cabin fans on or off", (_on_arg(),)),
        CommandSpec(
            "condensing_hx", "Switch the condensing heat exchanger on or off", (_on_arg(),)
        ),
        CommandSpec(
            "crew_activity",
            "Set every crew member's activity, or return to the daily schedule",
            (ArgSpec("mode", "enum", choices=tuple(ACTIVITY_LEVELS)),),
        ),
    )
    faults: tuple[FaultSpec, ...] = (
        FaultSpec("co2_scrubber_failure", "The CO2 scrubber stops removing CO2"),
        FaultSpec(
            "o2_leak",
            "The O2 supply line leaks overboard from the stored tanks",
            (ArgSpec("rate_kg_per_day", "float", "kg/day", 0.0, 1000.0, default=5.0),),
        ),
        FaultSpec(
            "cabin_depressurisation",
            "A hole vents the cabin to vacuum (choked flow)",
            (ArgSpec("hole_area_mm2", "float", "mm2", 0.0, 1e6, default=10.0),),
        ),
    )
    telemetry: tuple[ParamSpec, ...] = (
        ParamSpec("cabin_pressure_kpa", "kPa", "total cabin pressure"),
        ParamSpec("o2_pp_kpa", "kPa", "O2 partial pressure"),
        ParamSpec("co2_pp_kpa", "kPa", "CO2 partial pressure"),
        ParamSpec("co2_ppm", "ppm", "CO2 mole fraction"),
        ParamSpec("co2_mmhg", "mmHg", "CO2 partial pressure"),
        ParamSpec("humidity_pct", "%", "relative humidity"),
        ParamSpec("cabin_temp_c", "degC", "cabin air temperature"),
        ParamSpec("pressure_rate_kpa_min", "kPa/min", "rate of change of cabin pressure"),
        ParamSpec("o2_stored_kg", "kg", "O2 left in the supply tanks"),
        ParamSpec("water_kg", "kg", "potable water stored"),
        ParamSpec("scrubber_on", "", "CO2 scrubber commanded on", "bool"),
        ParamSpec("o2_supply_enabled", "", "O2 supply enabled", "bool"),
        ParamSpec("o2_set_point_kpa", "kPa", "O2 partial pressure the supply holds"),
        ParamSpec("fans_on", "", "cabin fans commanded on", "bool"),
        ParamSpec("condensing_hx_on", "", "condensing heat exchanger commanded on", "bool"),
        ParamSpec("powered", "", "power reports life_support switched on", "bool"),
        ParamSpec("power_w", "W", "electrical demand"),
        ParamSpec("crew_count", "", "crew aboard", "int"),
        ParamSpec("activity_mode", "", "schedule, sleep, nominal or exercise", "str"),
        ParamSpec("activity_factor", "", "metabolic activity now (1 = nominal)"),
        ParamSpec("scrubber_failed", "", "co2_scrubber_failure active", "bool"),
        ParamSpec("o2_leak_kg_per_day", "kg/day", "o2_leak rate (0 when none)"),
        ParamSpec("hole_area_mm2", "mm2", "cabin_depressurisation hole (0 when none)"),
        ParamSpec("faults_active", "", "number of injected faults active", "int"),
    )

    def __init__(
        self,
        context: MissionContext,
        settings: Mapping[str, Any] | None = None,
    ) -> None:
        """Build from `settings`, a map of the config keys in the module docstring."""
        self.context = context
        vehicle = VEHICLES[(settings or {}).get("vehicle", "station")]
        s = {
            **_defaults(),
            "cabin_volume_m3": vehicle[0],
            "o2_stored_kg": vehicle[1],
            "water_kg": vehicle[2],
            **(settings or {}),
        }
        self.settings = s
        self.volume_m3: float = s["cabin_volume_m3"]
        self.crew = context.crew
        self.crew_keys = tuple(crew_vitals.telemetry_name(m.name) for m in self.crew)
        per_crew = crew_vitals.telemetry(self.crew)
        # The crew come from the mission, so the telemetry list is per instance.
        self.telemetry = type(self).telemetry + per_crew

    @classmethod
    def from_config(cls, section: Section, context: MissionContext) -> LifeSupportModel:
        """Read `[subsystems.life_support]`; every key has a default (see the module docstring)."""
        vehicle = section.str("vehicle", "station", tuple(VEHICLES))
        volume, o2, water = VEHICLES[vehicle]
        settings: dict[str, Any] = {"vehicle": vehicle}
        limits = {**_limits(), "cabin_volume_m3": (volume, 0.1, 1e5)}
        limits["o2_stored_kg"] = (o2, 0.0, 1e5)
        limits["water_kg"] = (water, 0.0, 1e6)
        for key, (default, low, high) in limits.items():
            settings[key] = section.float(key, default, low, high)
        for key in ("scrubber_on", "fans_on", "o2_supply_enabled", "condensing_hx_on"):
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
        if hole_area_mm2 <= 0.0:
            return 0.0
        # ṁ = k·p and p = m·R_s·T/V, so ṁ/m = choked flow per pascal times R_s·T/V.
        molar_kg = mixture_molar_mass(gas_kg)
        per_pa = choked_mass_flow_kg_s(
            1.0, hole_area_mm2 * 1e-6, self.settings["leak_discharge_coefficient"], temp_k, molar_kg
        )
        return per_pa * GAS_CONSTANT_J_MOL_K / molar_kg * temp_k / self.volume_m3

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
            saturated = _mass_kg(
                saturation_vapour_kpa(s["chx_coolant_temp_c"]), H2O, 1.0, coolant_k
            )
            excess_kg = max(gas[H2O] - saturated * volume, 0.0)
            condensed = min(s["chx_air_flow_m3_s"] * effect * excess_kg / volume * h_s, excess_kg)
            gas[H2O] -= condensed
            water += s["condensate_recovery"] * condensed
        water = max(water - len(self.crew) * s["drinking_water_kg_per_crew_day"] / DAY_S * h_s, 0.0)
        if state.o2_supply_enabled and state.powered:
            deficit = _mass_kg(state.o2_set_point_kpa - pp[O2], O2, volume, temp_k)
            added = min(max(deficit, 0.0), s["o2_max_flow_kg_per_h"] / 3600.0 * h_s, stored)
            gas[O2] += added
            stored -= added
        stored = max(stored - state.o2_leak_kg_per_day / DAY_S * h_s, 0.0)
        gas *= math.exp(-self.leak_rate_per_s(gas, state.hole_area_mm2, temp_k) * h_s)
        return replace(state, gas_kg=_gas(gas), o2_stored_kg=float(stored), water_kg=float(water))

    def _vitals(self, state: LifeSupportState) -> tuple[Vitals, ...]:
        rng = np.random.default_rng([self.context.seed % 2**63, SEED_TAG, state.step_count])
        pp = self.pressures_kpa(state)
        total = float(np.sum(pp))
        ppm = pp[CO2] / total * 1e6 if total > 0.0 else 0.0
        return tuple(
            crew_vitals.vitals(
                member.resting_heart_rate_bpm,
                state.activity,
                float(pp[O2]),
                total,
                ppm,
                pp[CO2] * KPA_MMHG,
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
        gas = tuple(_mass_kg(p, i, self.volume_m3, temp_k) for i, p in enumerate(pressures))
        mode = "schedule" if s["activity_schedule"] else "nominal"
        state = LifeSupportState(
            gas_kg=_gas(np.array(gas)),
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
        hk = self.housekeeping(new)
        ppm, mmhg, o2_kpa = float(hk["co2_ppm"]), float(hk["co2_mmhg"]), float(hk["o2_pp_kpa"])
        threshold = self.settings["depress_rate_kpa_per_min"]
        checks: list[tuple[str, bool, bool, Severity, str]] = [
            ("co2_high", ppm > CO2_HIGH_PPM, ppm < 0.95 * CO2_HIGH_PPM,
             Severity.MEDIUM, f"CO2 {ppm:.0f} ppm above {CO2_HIGH_PPM:.0f} ppm"),
            ("co2_emergency", mmhg >= CO2_EMERGENCY_MMHG,
             mmhg < CO2_EMERGENCY_MMHG - 1.0, Severity.HIGH,
             f"CO2 {mmhg:.1f} mmHg: emergency level"),
            ("o2_low", o2_kpa < O2_LOW_KPA, o2_kpa > O2_LOW_KPA + 0.2,
             Severity.MEDIUM, f"ppO2 {o2_kpa:.2f} kPa below {O2_LOW_KPA} kPa"),
            ("o2_critical", o2_kpa < O2_CRITICAL_KPA,
             o2_kpa > O2_CRITICAL_KPA + 0.2, Severity.HIGH,
             f"ppO2 {o2_kpa:.2f} kPa below {O2_CRITICAL_KPA} kPa"),
            ("depress_detected", new.pressure_rate_kpa_min < -threshold,
             new.pressure_rate_kpa_min > -0.5 * threshold, Severity.HIGH,
             f"cabin pressure falling {-new.pressure_rate_kpa_min:.3f} kPa/min"),
        ]  # fmt: skip
        checks.extend(crew_vitals.alarm_checks(self.crew_keys, new.vitals))
        raised = set(new.alarms)
        events: list[Event] = []
        for name, bad, back, severity, text in checks:
            if bad and name not in raised:
                raised.add(name)
                events.append(event(name, severity, text))
            elif back:
                raised.discard(name)
        return Outcome(replace(new, alarms=tuple(sorted(raised))), tuple(events))

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

    def housekeeping(self, state: LifeSupportState) -> dict[str, float | int | bool | str]:
        pp = self.pressures_kpa(state)
        total = float(np.sum(pp))
        temp_c = state.temp_k - ZERO_CELSIUS_K
        values: dict[str, float | int | bool | str] = {
            "cabin_pressure_kpa": total,
            "o2_pp_kpa": float(pp[O2]),
            "co2_pp_kpa": float(pp[CO2]),
            "co2_ppm": float(pp[CO2]) / total * 1e6 if total > 0.0 else 0.0,
            "co2_mmhg": float(pp[CO2]) * KPA_MMHG,
            "humidity_pct": 100.0 * float(pp[H2O]) / saturation_vapour_kpa(temp_c),
            "cabin_temp_c": temp_c,
            "pressure_rate_kpa_min": state.pressure_rate_kpa_min,
            "o2_stored_kg": state.o2_stored_kg,
            "water_kg": state.water_kg,
            "scrubber_on": state.scrubber_on,
            "o2_supply_enabled": state.o2_supply_enabled,
            "o2_set_point_kpa": state.o2_set_point_kpa,
            "fans_on": state.fans_on,
            "condensing_hx_on": state.chx_on,
            "powered": state.powered,
            "power_w": self.power_w(state),
            "crew_count": len(self.crew),
            "activity_mode": state.activity_mode,
            "activity_factor": state.activity,
            "scrubber_failed": state.scrubber_failed,
            "o2_leak_kg_per_day": state.o2_leak_kg_per_day,
            "hole_area_mm2": state.hole_area_mm2,
            "faults_active": int(
                state.scrubber_failed
                + (state.o2_leak_kg_per_day > 0.0)
                + (state.hole_area_mm2 > 0.0)
            ),
        }
        values.update(crew_vitals.housekeeping(self.crew_keys, state.vitals))
        return values

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


def _gas(gas: np.ndarray) -> tuple[float, float, float, float]:
    return (float(gas[0]), float(gas[1]), float(gas[2]), float(gas[3]))


def _switched(state: LifeSupportState, what: str, on: bool) -> Outcome[LifeSupportState]:
    text = f"{what} {'on' if on else 'off'}"
    return Outcome(state, (event(f"{what}_switched", Severity.INFO, text, on=on),))


def _limits() -> dict[str, tuple[float, float, float]]:
    """Numeric config keys: (default, minimum, maximum)."""
    return {
        "cabin_temp_c": (22.0, -50.0, 80.0),
        "cabin_pressure_kpa": (101.3, 0.0, 200.0),
        "o2_kpa": (21.3, 0.0, 200.0),
        "co2_kpa": (0.1, 0.0, 50.0),
        "humidity_pct": (40.0, 0.0, 100.0),
        # BVAD 2004 (Hanford, NASA/CR-2004-208941): respiration + perspiration 2.28 kg/CM-d.
        "respiration_water_kg_per_crew_day": (2.28, 0.0, 20.0),
        "drinking_water_kg_per_crew_day": (2.5, 0.0, 20.0),  # assumed: drink + food preparation
        "condensate_recovery": (0.9, 0.0, 1.0),
        "scrubber_rate_kg_per_day": (6.0, 0.0, 1000.0),  # 4 crew × 1.00 kg/day with 50 % margin
        "scrubber_rated_co2_kpa": (0.4, 0.01, 10.0),
        "fans_off_effectiveness": (0.25, 0.0, 1.0),
        "chx_air_flow_m3_s": (0.2, 0.0, 100.0),  # about the flow of an ISS CCAA fan
        "chx_coolant_temp_c": (10.0, 0.0, 30.0),
        "o2_max_flow_kg_per_h": (1.0, 0.0, 1000.0),
        "leak_discharge_coefficient": (0.62, 0.01, 1.0),  # sharp-edged orifice
        "depress_rate_kpa_per_min": (0.1, 0.0, 100.0),
        "fans_power_w": (150.0, 0.0, 1e5),
        "scrubber_power_w": (500.0, 0.0, 1e5),
        "chx_power_w": (300.0, 0.0, 1e5),
        "o2_supply_power_w": (20.0, 0.0, 1e5),
        "max_substep_s": (10.0, 0.01, 600.0),
    }


def _defaults() -> dict[str, Any]:
    defaults: dict[str, Any] = {key: value[0] for key, value in _limits().items()}
    for key in ("scrubber_on", "fans_on", "o2_supply_enabled", "condensing_hx_on"):
        defaults[key] = True
    defaults["activity_schedule"] = True
    return defaults
