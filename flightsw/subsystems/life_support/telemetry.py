"""Life support's housekeeping parameters, each declared once with how it is read.

Six parameters follow from the cabin's partial pressures; `CabinReading` computes them once
per report, and the cabin alarms and the crew's vitals read the same figures from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from flightsw.config.mission_context import CrewMember
from flightsw.physics.cabin_atmosphere import CO2, H2O, O2, saturation_vapour_kpa
from flightsw.physics.constants import KPA_MMHG, ZERO_CELSIUS_K
from flightsw.subsystems.life_support.crew_vitals import telemetry_name
from flightsw.subsystems.telemetry import TelemetryPoint, point

if TYPE_CHECKING:
    from flightsw.subsystems.life_support.model import LifeSupportModel, LifeSupportState

PPM = 1e6  # parts per million in one


@dataclass(frozen=True, slots=True)
class CabinReading:
    """The state with its cabin air's partial pressures (4,) in kPa, computed once."""

    state: LifeSupportState
    pp_kpa: np.ndarray  # O2, CO2, N2, H2O
    total_kpa: float

    @classmethod
    def of(cls, state: LifeSupportState, pp_kpa: np.ndarray) -> CabinReading:
        """The reading of `state`, whose cabin has the partial pressures `pp_kpa` (4,)."""
        return cls(state, pp_kpa, float(np.sum(pp_kpa)))

    @property
    def o2_pp_kpa(self) -> float:
        return float(self.pp_kpa[O2])

    @property
    def co2_pp_kpa(self) -> float:
        return float(self.pp_kpa[CO2])

    @property
    def co2_ppm(self) -> float:
        """CO2 mole fraction, 0 in an empty cabin."""
        return self.co2_pp_kpa / self.total_kpa * PPM if self.total_kpa > 0.0 else 0.0

    @property
    def co2_mmhg(self) -> float:
        return self.co2_pp_kpa * KPA_MMHG

    @property
    def temp_c(self) -> float:
        return self.state.temp_k - ZERO_CELSIUS_K

    @property
    def humidity_pct(self) -> float:
        return 100.0 * float(self.pp_kpa[H2O]) / saturation_vapour_kpa(self.temp_c)


Points = tuple[TelemetryPoint[CabinReading], ...]


def faults_active(state: LifeSupportState) -> int:
    """Injected faults active: a failed scrubber, an O2 leak, a hole in the cabin."""
    return int(
        state.scrubber_failed + (state.o2_leak_kg_per_day > 0.0) + (state.hole_area_mm2 > 0.0)
    )


def crew_points(index: int, member: CrewMember) -> Points:
    """The vital signs of the crew member at `index`, prefixed by their telemetry name."""
    key, name = telemetry_name(member.name), member.name
    return (
        point(f"{key}_heart_rate_bpm", "bpm", f"{name} heart rate",
              lambda r: r.state.vitals[index].heart_rate_bpm),
        point(f"{key}_spo2_pct", "%", f"{name} O2 saturation",
              lambda r: r.state.vitals[index].spo2_pct),
        point(f"{key}_respiration_per_min", "1/min", f"{name} breathing rate",
              lambda r: r.state.vitals[index].respiration_per_min),
        point(f"{key}_core_temp_c", "degC", f"{name} core temperature",
              lambda r: r.state.vitals[index].core_temp_c),
    )  # fmt: skip


def telemetry_points(m: LifeSupportModel) -> Points:
    """Every parameter of life support model `m`, in report order: the cabin, then the crew."""
    crew_count = len(m.crew)
    return (
        point("cabin_pressure_kpa", "kPa", "total cabin pressure", lambda r: r.total_kpa),
        point("o2_pp_kpa", "kPa", "O2 partial pressure", lambda r: r.o2_pp_kpa),
        point("co2_pp_kpa", "kPa", "CO2 partial pressure", lambda r: r.co2_pp_kpa),
        point("co2_ppm", "ppm", "CO2 mole fraction", lambda r: r.co2_ppm),
        point("co2_mmhg", "mmHg", "CO2 partial pressure", lambda r: r.co2_mmhg),
        point("humidity_pct", "%", "relative humidity", lambda r: r.humidity_pct),
        point("cabin_temp_c", "degC", "cabin air temperature", lambda r: r.temp_c),
        point("pressure_rate_kpa_min", "kPa/min", "rate of change of cabin pressure",
              lambda r: r.state.pressure_rate_kpa_min),
        point("o2_stored_kg", "kg", "O2 left in the supply tanks", lambda r: r.state.o2_stored_kg),
        point("water_kg", "kg", "potable water stored", lambda r: r.state.water_kg),
        point("scrubber_on", "", "CO2 scrubber commanded on",
              lambda r: r.state.scrubber_on, "bool"),
        point("o2_supply_enabled", "", "O2 supply enabled",
              lambda r: r.state.o2_supply_enabled, "bool"),
        point("o2_set_point_kpa", "kPa", "O2 partial pressure the supply holds",
              lambda r: r.state.o2_set_point_kpa),
        point("fans_on", "", "cabin fans commanded on", lambda r: r.state.fans_on, "bool"),
        point("condensing_hx_on", "", "condensing heat exchanger commanded on",
              lambda r: r.state.chx_on, "bool"),
        point("powered", "", "power reports life_support switched on",
              lambda r: r.state.powered, "bool"),
        point("power_w", "W", "electrical demand", lambda r: m.power_w(r.state)),
        point("crew_count", "", "crew aboard", lambda r: crew_count, "int"),
        point("activity_mode", "", "schedule, sleep, nominal or exercise",
              lambda r: r.state.activity_mode, "str"),
        point("activity_factor", "", "metabolic activity now (1 = nominal)",
              lambda r: r.state.activity),
        point("scrubber_failed", "", "co2_scrubber_failure active",
              lambda r: r.state.scrubber_failed, "bool"),
        point("o2_leak_kg_per_day", "kg/day", "o2_leak rate (0 when none)",
              lambda r: r.state.o2_leak_kg_per_day),
        point("hole_area_mm2", "mm2", "cabin_depressurisation hole (0 when none)",
              lambda r: r.state.hole_area_mm2),
        point("faults_active", "", "number of injected faults active",
              lambda r: faults_active(r.state), "int"),
        *(p for i, member in enumerate(m.crew) for p in crew_points(i, member)),
    )  # fmt: skip
