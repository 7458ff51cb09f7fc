"""Cabin atmosphere physics: gas masses, partial pressures, humidity and choked-flow leaks.

Pure functions over (4,) arrays of gas masses in kg, ordered O2, CO2, N2, H2O vapour. A hole
vents the cabin to vacuum by choked (sonic) flow through an orifice:
ṁ = C_d·A·p·sqrt(γ/(R_s·T))·(2/(γ+1))^((γ+1)/(2(γ−1))) (e.g. Anderson, Modern Compressible Flow,
ch. 5; NASA Glenn "Mass Flow Choking"). At fixed temperature ṁ ∝ m, so the cabin decays
exponentially with time constant τ = V / (C_d·A·sqrt(γ·R_s·T)·(2/(γ+1))^((γ+1)/(2(γ−1)))).

Sources of every figure here: docs/references.md#cabin-physics.
"""

from __future__ import annotations

import math

import numpy as np

from flightsw.physics.constants import GAS_CONSTANT_J_MOL_K, KPA_PA

O2, CO2, N2, H2O = range(4)  # order of the gases in every (4,) array
MOLAR_MASS_KG_MOL = np.array([0.031998, 0.044009, 0.028014, 0.018015])  # IUPAC atomic weights
GAMMA_AIR = 1.4  # diatomic gases; the CO2 and vapour fractions hardly change it


def partial_pressures_kpa(gas_kg: np.ndarray, volume_m3: float, temp_k: float) -> np.ndarray:
    """Partial pressures (4,) in kPa of the gas masses (4,) by the ideal gas law."""
    result: np.ndarray = gas_kg / MOLAR_MASS_KG_MOL * GAS_CONSTANT_J_MOL_K * temp_k / volume_m3
    return result / KPA_PA


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
    # Dry air, 28.9644 g/mol (U.S. Standard Atmosphere 1976; docs/references.md#cabin-physics).
    return float(np.sum(gas_kg)) / moles if moles > 0.0 else 0.02897


def leak_rate_per_s(
    gas_kg: np.ndarray, hole_area_m2: float, discharge: float, temp_k: float, volume_m3: float
) -> float:
    """Fractional mass loss rate (1/s) of the cabin (4,) through a hole: ṁ/m of choked flow."""
    if hole_area_m2 <= 0.0:
        return 0.0
    # ṁ = k·p and p = m·R_s·T/V, so ṁ/m = choked flow per pascal times R_s·T/V.
    molar_kg = mixture_molar_mass(gas_kg)
    per_pa = choked_mass_flow_kg_s(1.0, hole_area_m2, discharge, temp_k, molar_kg)
    return per_pa * GAS_CONSTANT_J_MOL_K / molar_kg * temp_k / volume_m3


def gas_mass_kg(pp_kpa: float, index: int, volume_m3: float, temp_k: float) -> float:
    """Mass of gas `index` at partial pressure `pp_kpa` (inverse ideal gas law)."""
    moles = pp_kpa * KPA_PA * volume_m3 / (GAS_CONSTANT_J_MOL_K * temp_k)
    return moles * float(MOLAR_MASS_KG_MOL[index])


def gas_tuple(gas: np.ndarray) -> tuple[float, float, float, float]:
    """The gas masses (4,) as a tuple of plain floats, as the frozen state holds them."""
    return (float(gas[0]), float(gas[1]), float(gas[2]), float(gas[3]))
