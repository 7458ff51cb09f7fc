"""The propulsion subsystem's dictionary: its config, commands and faults."""

from __future__ import annotations

from dataclasses import dataclass

from flightsw.icd.dictionary import ArgSpec, CommandSpec, FaultSpec

DIRECTIONS = ("prograde", "retrograde", "normal", "antinormal", "radial", "antiradial")
PRESSURIZATIONS = ("regulated", "blowdown")


@dataclass(frozen=True, slots=True)
class PropulsionConfig:
    """`[subsystems.propulsion]`: defaults are a small LEO satellite with a 22 N hydrazine
    thruster (Isp 220 s, the Aerojet MR-106 class); docs/references.md#spacecraft-engineering
    gives each figure's source."""

    dry_mass_kg: float = 180.0
    propellant_kg: float = 20.0
    propellant_capacity_kg: float = 25.0
    propellant_density_kg_m3: float = 1004.0  # hydrazine near 20 °C (CRC: 1.0036 g/cm3, 25 °C)
    tank_volume_m3: float = 0.030
    thrust_n: float = 22.0  # at the rated feed pressure
    isp_s: float = 220.0
    pressurization: str = "regulated"  # or "blowdown"
    regulated_pressure_kpa: float = 1500.0
    bottle_volume_m3: float = 0.005
    bottle_pressure_kpa: float = 20_000.0
    initial_pressure_kpa: float = 2200.0  # blowdown only: ullage pressure at the initial fill
    max_tank_pressure_kpa: float = 2400.0  # maximum expected operating pressure
    regulator_leak_time_s: float = 300.0  # a failed-open regulator equalises this slowly
    tank_temp_c: float = 20.0  # used until thermal publishes `thermal_node`
    thermal_node: str = "tank"
    propellant_low_fraction: float = 0.1
    standby_power_w: float = 2.0  # valve drivers and pressure transducers
    armed_power_w: float = 8.0  # catalyst-bed heaters, on while armed
    valve_power_w: float = 15.0  # thruster valve coils, while firing


# Bounds of the numeric config keys: (minimum, maximum, unit).
CONFIG_BOUNDS: dict[str, tuple[float, float, str]] = {
    "dry_mass_kg": (0.1, 1e7, "kg"),
    "propellant_kg": (0.0, 1e7, "kg"),
    "propellant_capacity_kg": (0.0, 1e7, "kg"),
    "propellant_density_kg_m3": (1.0, 1e5, "kg/m3"),
    "tank_volume_m3": (1e-6, 1e4, "m3"),
    "thrust_n": (1e-6, 1e8, "N"),
    "isp_s": (1.0, 1e5, "s"),
    "regulated_pressure_kpa": (1.0, 1e6, "kPa"),
    "bottle_volume_m3": (0.0, 1e4, "m3"),
    "bottle_pressure_kpa": (0.0, 1e6, "kPa"),
    "initial_pressure_kpa": (1.0, 1e6, "kPa"),
    "max_tank_pressure_kpa": (1.0, 1e6, "kPa"),
    "regulator_leak_time_s": (0.001, 1e7, "s"),
    "tank_temp_c": (-100.0, 200.0, "degC"),
    "propellant_low_fraction": (0.0, 1.0, ""),
    "standby_power_w": (0.0, 1e4, "W"),
    "armed_power_w": (0.0, 1e4, "W"),
    "valve_power_w": (0.0, 1e4, "W"),
}


_DIRECTION_ARG = ArgSpec("direction", "enum", choices=DIRECTIONS, default="prograde")

COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("arm", "Open the latch valve so the thruster can fire"),
    CommandSpec("safe", "Close the latch valve and abort any burn"),
    CommandSpec(
        "burn_dv",
        "Burn until the Δv is achieved, pointed in an orbit-frame direction",
        (ArgSpec("delta_v_m_s", "float", "m/s", 0.001, 5000.0), _DIRECTION_ARG),
        hazardous=True,
    ),
    CommandSpec(
        "burn_duration",
        "Fire the thruster for a duration, pointed in an orbit-frame direction",
        (ArgSpec("duration_s", "float", "s", 0.001, 100_000.0), _DIRECTION_ARG),
        hazardous=True,
    ),
)

FAULTS: tuple[FaultSpec, ...] = (
    FaultSpec(
        "leak",
        "Propellant leaks overboard at a constant rate: from the tank (nothing on board stops "
        "it) or downstream of the latch valve, in the thruster feed (safe stops it)",
        (
            ArgSpec("rate_kg_per_s", "float", "kg/s", 0.0, 10.0, default=0.001),
            ArgSpec("location", "enum", choices=("tank", "feed"), default="tank"),
        ),
    ),
    FaultSpec(
        "thruster_stuck_open",
        "Thruster valve stuck open: fires whenever the latch valve is open (safe stops it)",
    ),
    FaultSpec("thruster_failed", "Thruster does not fire: burns end with a Δv shortfall"),
    FaultSpec(
        "regulator_fault",
        "Regulator fails open: tank pressure drifts up towards the bottle pressure",
    ),
)
