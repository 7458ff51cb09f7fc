"""The life support subsystem's dictionary, vehicles and numeric config keys with their limits."""

from __future__ import annotations

from typing import Any

from flightsw.icd.dictionary import ArgSpec, CommandSpec, FaultSpec
from flightsw.subsystems.life_support.crew_vitals import ACTIVITY_LEVELS

VEHICLES = {  # volume m3, stored O2 kg, stored water kg
    "station": (916.0, 200.0, 500.0),  # ISS pressurised volume (NASA ISS facts)
    "capsule": (19.56, 20.0, 50.0),  # Orion crew module pressurised volume (NASA)
}
SWITCHES = ("scrubber_on", "fans_on", "o2_supply_enabled", "condensing_hx_on")  # bool config keys


def _on_arg() -> ArgSpec:
    return ArgSpec("on", "bool", description="true to switch on")


COMMANDS: tuple[CommandSpec, ...] = (
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
    CommandSpec("condensing_hx", "Switch the condensing heat exchanger on or off", (_on_arg(),)),
    CommandSpec(
        "crew_activity",
        "Set every crew member's activity, or return to the daily schedule",
        (ArgSpec("mode", "enum", choices=tuple(ACTIVITY_LEVELS)),),
    ),
)
FAULTS: tuple[FaultSpec, ...] = (
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


def config_limits(vehicle: str = "station") -> dict[str, tuple[float, float, float]]:
    """Numeric config keys: (default, minimum, maximum); `vehicle` sets the last three defaults.

    The defaults' sources, and which of them are assumptions: docs/references.md#crewed-vehicle
    (cabin air, crew figures) and docs/references.md#cabin-physics (the leak).
    """
    volume_m3, o2_kg, water_kg = VEHICLES[vehicle]
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
        "cabin_volume_m3": (volume_m3, 0.1, 1e5),
        "o2_stored_kg": (o2_kg, 0.0, 1e5),
        "water_kg": (water_kg, 0.0, 1e6),
    }


def config_defaults(vehicle: str = "station") -> dict[str, Any]:
    """Every config key's default for `vehicle`."""
    values: dict[str, Any] = {key: value[0] for key, value in config_limits(vehicle).items()}
    for key in SWITCHES:
        values[key] = True
    values["activity_schedule"] = True
    return values
