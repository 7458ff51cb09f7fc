"""Propellant tank and pressurant: ideal-gas pressures and the regulator, as pure functions."""

from __future__ import annotations

import math

from flightsw.physics.constants import GAS_CONSTANT_J_MOL_K


def ullage_m3(tank_volume_m3: float, propellant_kg: float, density_kg_m3: float) -> float:
    """The tank volume the propellant leaves to the pressurant gas."""
    return tank_volume_m3 - propellant_kg / density_kg_m3


def gas_pressure_pa(gas_mol: float, temp_k: float, volume_m3: float) -> float:
    """Ideal gas: P = n·R·T/V."""
    return gas_mol * GAS_CONSTANT_J_MOL_K * temp_k / volume_m3


def gas_mol(pressure_pa: float, volume_m3: float, temp_k: float) -> float:
    """Ideal gas: n = P·V/(R·T)."""
    return pressure_pa * volume_m3 / (GAS_CONSTANT_J_MOL_K * temp_k)


def regulator_flow_mol(
    tank_gas_mol: float,
    bottle_gas_mol: float,
    ullage_m3: float,
    bottle_volume_m3: float,
    temp_k: float,
    set_pressure_pa: float,
    failed_open_time_s: float | None,
    dt_s: float,
) -> float:
    """Pressurant moved from the bottle into the ullage over `dt_s` (never back: a check valve).

    A working regulator tops the ullage up to `set_pressure_pa` while the bottle can equalise
    above it. One failed open (`failed_open_time_s` its leak time constant, else None) lets the
    two volumes equalise exponentially.
    """
    total_mol = tank_gas_mol + bottle_gas_mol
    equal_mol = total_mol * ullage_m3 / (ullage_m3 + bottle_volume_m3)
    if failed_open_time_s is not None:
        leak = -math.expm1(-dt_s / failed_open_time_s)
        flow_mol = (equal_mol - tank_gas_mol) * leak
    else:
        rt = GAS_CONSTANT_J_MOL_K * temp_k
        flow_mol = min(set_pressure_pa * ullage_m3 / rt, equal_mol) - tank_gas_mol
    return max(0.0, flow_mol)
