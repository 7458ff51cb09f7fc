"""Propulsion: a pressure-fed tank, a thruster, and burns that change the orbit."""

from flightsw.subsystems.propulsion.model import PropulsionModel
from flightsw.subsystems.propulsion.state import PropulsionState

__all__ = ["PropulsionModel", "PropulsionState"]
