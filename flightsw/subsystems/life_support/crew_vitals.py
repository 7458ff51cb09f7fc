"""Crew metabolism and vital signs: the activity schedule and how the cabin air shows in the body.

Activity scales each crew member's metabolic figures (O2 use, CO2 and water-vapour output) on a
fixed 24-hour schedule of mission time, the same for everyone so a run is reproducible: asleep
for the first 8 hours of each day at 0.7×, exercising for one hour (hour 10) at 2×, otherwise
1×. The command `crew_activity` can replace the schedule with one level for the whole crew.

Vital signs are an illustrative model, not a clinical one:

- SpO2 from the inspired O2 partial pressure through the alveolar gas equation
  (PAO2 = PIO2 − PACO2/RQ, with PIO2 the dry inspired pressure after body-temperature water
  vapour, PACO2 40 mmHg, RQ 0.8) and the Severinghaus (1979) oxygen-haemoglobin dissociation
  curve, SO2 = 1 / (23400 / (PO2³ + 150·PO2) + 1). It gives ≈ 97.6 % at sea-level air (21.2 kPa)
  and ≈ 92 % at 16 kPa; it ignores the ventilatory response to hypoxia, so it errs pessimistic.
- Heart rate: resting rate + 50 bpm per unit of activity above 1, + 1.2 bpm per 1000 ppm of CO2
  above 3000 ppm (where symptoms start), + 1.5 bpm per % of SpO2 below 97.
- Respiration: 14 breaths/min + 8 per unit of activity above 1, + 0.5 per mmHg of CO2 above
  4 mmHg, + 0.2 per % of SpO2 below 97.
- Core temperature: 37.0 °C + 0.5 °C per unit of activity above 1.

Small Gaussian noise is drawn from a Generator the caller seeds per step, so a seed gives the
same vitals bit for bit.

Sources of the physiology figures, and which figures are this model's assumptions:
docs/references.md#crewed-vehicle.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from flightsw.config.mission_context import CrewMember
from flightsw.icd.services import Severity
from flightsw.physics.constants import DAY_S, HOUR_S, KPA_MMHG

# The schedule and its activity factors are assumptions: docs/references.md#crewed-vehicle.
ACTIVITY_LEVELS = {"schedule": -1.0, "sleep": 0.7, "nominal": 1.0, "exercise": 2.0}
SLEEP_HOURS = 8.0  # sleep from 00:00 to 08:00 of each mission day
EXERCISE_START_H = 10.0  # one hour of exercise from 10:00
EXERCISE_HOURS = 1.0

BODY_WATER_VAPOUR_MMHG = 47.0  # saturated vapour pressure at 37 °C (standard physiology value)
ALVEOLAR_CO2_MMHG = 40.0  # normal arterial/alveolar PCO2
RESPIRATORY_QUOTIENT = 0.8  # standard physiology value
CO2_SYMPTOM_PPM = 3000.0  # docs/references.md#crewed-vehicle: symptoms from ≈ 3000 ppm
# The vital-sign model's own figures, all assumptions but the clinical SpO2 threshold of 90 %
# (docs/references.md#crewed-vehicle).
SPO2_NOMINAL_PCT = 97.0
RESTING_RESPIRATION_PER_MIN = 14.0
CORE_TEMP_C = 37.0
SPO2_LOW_PCT = 90.0  # clinical threshold of hypoxaemia
SPO2_REARM_PCT = 92.0
HEART_RATE_HIGH_BPM = 130.0
HEART_RATE_REARM_BPM = 120.0

# Standard deviations of the measurement noise.
HEART_RATE_NOISE_BPM = 1.0
SPO2_NOISE_PCT = 0.2
RESPIRATION_NOISE_PER_MIN = 0.3
CORE_TEMP_NOISE_C = 0.03


@dataclass(frozen=True, slots=True)
class Vitals:
    """One crew member's vital signs as the biomedical sensors report them."""

    heart_rate_bpm: float
    spo2_pct: float
    respiration_per_min: float
    core_temp_c: float


def scheduled_activity(time_s: float) -> float:
    """Metabolic activity factor at mission time `time_s` on the fixed daily schedule."""
    hour = (time_s % DAY_S) / HOUR_S
    if hour < SLEEP_HOURS:
        return ACTIVITY_LEVELS["sleep"]
    if EXERCISE_START_H <= hour < EXERCISE_START_H + EXERCISE_HOURS:
        return ACTIVITY_LEVELS["exercise"]
    return ACTIVITY_LEVELS["nominal"]


def activity_factor(mode: str, time_s: float) -> float:
    """The activity factor for the commanded mode (`schedule` follows the daily schedule)."""
    if mode == "schedule":
        return scheduled_activity(time_s)
    return ACTIVITY_LEVELS[mode]


def saturation_pct(pao2_mmhg: float) -> float:
    """Haemoglobin O2 saturation (%) at arterial PO2 `pao2_mmhg` (Severinghaus 1979)."""
    po2 = max(pao2_mmhg, 0.0)
    return 100.0 / (23400.0 / (po2**3 + 150.0 * po2 + 1e-9) + 1.0)


def alveolar_o2_mmhg(o2_pp_kpa: float, total_kpa: float) -> float:
    """Alveolar PO2 (mmHg) from the cabin O2 partial pressure, by the alveolar gas equation."""
    if total_kpa <= 0.0:
        return 0.0
    total_mmhg = total_kpa * KPA_MMHG
    dry_fraction = max(total_mmhg - BODY_WATER_VAPOUR_MMHG, 0.0) / total_mmhg
    inspired_mmhg = o2_pp_kpa * KPA_MMHG * dry_fraction
    return max(inspired_mmhg - ALVEOLAR_CO2_MMHG / RESPIRATORY_QUOTIENT, 0.0)


def vitals(
    resting_heart_rate_bpm: float,
    activity: float,
    o2_pp_kpa: float,
    total_kpa: float,
    co2_ppm: float,
    co2_mmhg: float,
    rng: np.random.Generator,
) -> Vitals:
    """Vital signs of a crew member at `activity` breathing this cabin air, with sensor noise."""
    spo2 = saturation_pct(alveolar_o2_mmhg(o2_pp_kpa, total_kpa))
    hypoxia_pct = max(SPO2_NOMINAL_PCT - spo2, 0.0)
    hypercapnia_kppm = max(co2_ppm - CO2_SYMPTOM_PPM, 0.0) / 1000.0
    heart = resting_heart_rate_bpm + 50.0 * (activity - 1.0) + 1.2 * hypercapnia_kppm
    heart += 1.5 * hypoxia_pct
    breaths = RESTING_RESPIRATION_PER_MIN + 8.0 * (activity - 1.0)
    breaths += 0.5 * max(co2_mmhg - 4.0, 0.0) + 0.2 * hypoxia_pct
    temp_c = CORE_TEMP_C + 0.5 * (activity - 1.0)
    noise = rng.standard_normal(4)
    return Vitals(
        heart_rate_bpm=float(heart + HEART_RATE_NOISE_BPM * noise[0]),
        spo2_pct=float(min(spo2 + SPO2_NOISE_PCT * noise[1], 100.0)),
        respiration_per_min=float(breaths + RESPIRATION_NOISE_PER_MIN * noise[2]),
        core_temp_c=float(temp_c + CORE_TEMP_NOISE_C * noise[3]),
    )


def telemetry_name(crew_name: str) -> str:
    """A crew member's name as a telemetry prefix: lower case, letters, digits and `_`."""
    return re.sub(r"[^a-z0-9]+", "_", crew_name.lower()).strip("_") or "crew"


def metabolic_kg_s(
    crew: Sequence[CrewMember], activity: float, water_kg_per_crew_day: float
) -> np.ndarray:
    """The crew's O2 uptake, CO2 output and water-vapour output (3,) in kg/s at `activity`."""
    o2 = sum(member.o2_kg_per_day for member in crew)
    co2 = sum(member.co2_kg_per_day for member in crew)
    h2o = len(crew) * water_kg_per_crew_day
    result: np.ndarray = np.array([o2, co2, h2o]) * activity / DAY_S
    return result


AlarmCheck = tuple[str, bool, bool, Severity, str]  # name, raise, re-arm, severity, message


def alarm_checks(keys: Sequence[str], crew_vitals: Sequence[Vitals]) -> list[AlarmCheck]:
    """Vital-sign alerts per crew member: low SpO2 and a racing heart."""
    checks: list[AlarmCheck] = []
    for key, vital in zip(keys, crew_vitals, strict=True):
        spo2, heart = vital.spo2_pct, vital.heart_rate_bpm
        checks.append(
            (f"{key}_spo2_low", spo2 < SPO2_LOW_PCT, spo2 > SPO2_REARM_PCT, Severity.HIGH,
             f"{key} SpO2 {spo2:.1f} % below {SPO2_LOW_PCT:.0f} %")
        )  # fmt: skip
        checks.append(
            (f"{key}_heart_rate_high", heart > HEART_RATE_HIGH_BPM, heart < HEART_RATE_REARM_BPM,
             Severity.MEDIUM, f"{key} heart rate {heart:.0f} bpm")
        )  # fmt: skip
    return checks
