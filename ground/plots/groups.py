"""What goes on which figure of a run: the panels, their parameters and their units.

`GROUPS` are the figures drawn with care (what goes with what, in which unit); every other
subsystem gets a figure of its numbers by unit (`groups_for`), units from the dictionary.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

# Unit suffixes of parameter names (the project's naming rule), longest first. A legend label is
# the name without its subsystem and without the matched suffix (`avionics_temp_c` → avionics).
UNIT_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("_heart_rate_bpm", "bpm"),
    ("_kpa_min", "kPa/min"),
    ("_per_min", "1/min"),
    ("_temp_c", "°C"),
    ("_m_s", "m/s"),
    ("_mmhg", "mmHg"),
    ("_kpa", "kPa"),
    ("_ppm", "ppm"),
    ("_pct", "%"),
    ("_bpm", "bpm"),
    ("_deg", "deg"),
    ("_km", "km"),
    ("_m2", "m²"),
    ("_wh", "Wh"),
    ("_au", "au"),
    ("_pa", "Pa"),
    ("_kg", "kg"),
    ("_c", "°C"),
    ("_k", "K"),
    ("_w", "W"),
    ("_v", "V"),
    ("_a", "A"),
    ("_j", "J"),
    ("_m", "m"),
    ("_s", "s"),
)
_FRACTIONS = ("soc", "illumination")  # dimensionless 0..1 parameters


@dataclass(frozen=True, slots=True)
class Panel:
    """One subplot: every parameter matching `patterns` (fnmatch, full names) on one y axis.

    The panel is left out when no parameter matches, or when the parameter `unless` (a better
    view of the same quantity) was recorded.
    """

    title: str
    patterns: tuple[str, ...]
    ylabel: str
    scale: float = 1.0
    unless: str | None = None
    from_zero: bool = False  # the y axis starts at 0 (powers, which are never negative)


@dataclass(frozen=True, slots=True)
class Group:
    """One figure of `plot_run`, written to `<run>-<key>.png` when any panel has data."""

    key: str
    title: str
    panels: tuple[Panel, ...]


GROUPS: tuple[Group, ...] = (
    Group(
        "power",
        "electrical power",
        (
            Panel("Battery", ("power.battery_soc",), "state of charge (%)", scale=100.0),
            Panel(
                "Solar array and loads",
                ("power.solar_power_w", "power.load_power_w"),
                "power (W)",
                from_zero=True,
            ),
            Panel("Bus", ("power.bus_voltage_v",), "bus voltage (V)"),
        ),
    ),
    Group(
        "thermal",
        "thermal control",
        (
            Panel("Node temperatures", ("thermal.*_temp_c",), "temperature (°C)"),
            Panel("Heaters", ("thermal.heater_power_w",), "heater power (W)", from_zero=True),
        ),
    ),
    Group(
        "life_support",
        "life support",
        (
            Panel("Cabin pressure", ("life_support.cabin_pressure_kpa",), "pressure (kPa)"),
            Panel("Oxygen", ("life_support.o2_pp_kpa",), "O₂ partial pressure (kPa)"),
            Panel("Carbon dioxide", ("life_support.co2_ppm",), "CO₂ (ppm)"),
            Panel(
                "Carbon dioxide",
                ("life_support.co2_pp_kpa",),
                "CO₂ partial pressure (kPa)",
                unless="life_support.co2_ppm",
            ),
            Panel("Humidity", ("life_support.humidity_pct",), "relative humidity (%)"),
            Panel("Crew heart rate", ("*.*_heart_rate_bpm",), "heart rate (bpm)"),
        ),
    ),
    Group(
        "navigation",
        "orbit and illumination",
        (
            Panel("Altitude", ("navigation.altitude_km",), "altitude (km)"),
            Panel("Sunlight", ("navigation.illumination",), "visible solar disc (0–1)"),
            Panel(
                "Eclipse",
                ("navigation.in_eclipse",),
                "in eclipse",
                unless="navigation.illumination",
            ),
        ),
    ),
)


def unit_of(name: str) -> str:
    """Return the unit of a parameter from its name's suffix ('' when the name has none)."""
    key = name.split(".", 1)[-1]
    if key.endswith(_FRACTIONS):
        return "0–1"
    return next((unit for suffix, unit in UNIT_SUFFIXES if key.endswith(suffix)), "")


PARAMETERS_PER_PANEL = 6  # more lines than this on one axis are hard to tell apart
PLOTTED_KINDS = ("float", "int")  # booleans and text are read better from the timeline


def dictionary_parameters(raw: object) -> dict[str, dict[str, Any]]:
    """The telemetry of an archived dictionary (meta `dictionary`, JSON) by full name; empty
    for an archive without one."""
    try:
        flight = json.loads(raw) if isinstance(raw, str) else None
    except json.JSONDecodeError:
        return {}
    if not isinstance(flight, dict):
        return {}
    found: dict[str, dict[str, Any]] = {}
    for subsystem in flight.get("subsystems", []):
        for spec in subsystem.get("telemetry", []) if isinstance(subsystem, dict) else []:
            if isinstance(spec, dict) and "name" in spec:
                found[f"{subsystem.get('name')}.{spec['name']}"] = spec
    return found


def groups_for(known: Sequence[str], parameters: dict[str, dict[str, Any]]) -> list[Group]:
    """The figures of a run: `GROUPS`, then one for every other subsystem that recorded
    numbers, its parameters on panels by unit (at most PARAMETERS_PER_PANEL a panel)."""
    groups = list(GROUPS)
    drawn = {group.key for group in GROUPS}
    by_subsystem: dict[str, dict[str, list[str]]] = {}
    for name in known:
        subsystem = name.split(".", 1)[0]
        spec = parameters.get(name)
        if subsystem in drawn or spec is None or spec.get("kind", "float") not in PLOTTED_KINDS:
            continue
        unit = str(spec.get("unit", "")) or "no unit"
        by_subsystem.setdefault(subsystem, {}).setdefault(unit, []).append(name)
    for subsystem, units in by_subsystem.items():
        panels = []
        for unit, names in units.items():
            for first in range(0, len(names), PARAMETERS_PER_PANEL):
                chunk = tuple(names[first : first + PARAMETERS_PER_PANEL])
                title = ", ".join(name.split(".", 1)[1] for name in chunk)
                panels.append(Panel(title, chunk, unit))
        groups.append(Group(subsystem, subsystem.replace("_", " "), tuple(panels)))
    return groups
