"""Electrical power: solar arrays, battery charge and bus voltage, and a switch per consumer."""

from flightsw.subsystems.power.model import PowerModel
from flightsw.subsystems.power.state import PowerState

__all__ = ["PowerModel", "PowerState"]
