"""Cabin alarms: CO2, O2 and depressurisation limits, each raised once and re-armed with margin."""

from __future__ import annotations

from collections.abc import Iterable

from flightsw.icd.services import Severity
from flightsw.subsystems.events import Event, event
from flightsw.subsystems.life_support.crew_vitals import AlarmCheck

# Limits and their sources: docs/references.md#crewed-vehicle.
CO2_HIGH_PPM = 5300.0  # ISS 24-h average CO2 limit (≈ 4 mmHg)
CO2_EMERGENCY_MMHG = 15.0  # CO2 emergency level
O2_LOW_KPA = 19.5  # ISS O2 partial pressure floor (band 19.5-23.1 kPa)
O2_CRITICAL_KPA = 16.0  # ppO2 not below ≈ 16 kPa except in emergencies


def cabin_checks(
    ppm: float, mmhg: float, o2_kpa: float, rate_kpa_min: float, depress_kpa_min: float
) -> list[AlarmCheck]:
    """The cabin's alarm conditions from CO2 (ppm, mmHg), ppO2 and the pressure rate."""
    return [
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
        ("depress_detected", rate_kpa_min < -depress_kpa_min,
         rate_kpa_min > -0.5 * depress_kpa_min, Severity.HIGH,
         f"cabin pressure falling {-rate_kpa_min:.3f} kPa/min"),
    ]  # fmt: skip


def raise_once(
    checks: Iterable[AlarmCheck], alarms: tuple[str, ...]
) -> tuple[tuple[str, ...], tuple[Event, ...]]:
    """Raise each alarm once when its condition starts; re-arm it once clearly back.

    Returns the alarms raised and not yet re-armed (sorted) and the events of those just raised.
    """
    raised = set(alarms)
    events: list[Event] = []
    for name, bad, back, severity, text in checks:
        if bad and name not in raised:
            raised.add(name)
            events.append(event(name, severity, text))
        elif back:
            raised.discard(name)
    return tuple(sorted(raised)), tuple(events)
