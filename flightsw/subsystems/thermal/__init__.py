"""Thermal control: lumped nodes, radiators, heaters and a pumped coolant loop."""

from flightsw.subsystems.thermal.model import ThermalModel, ThermalState

__all__ = ["ThermalModel", "ThermalState"]
