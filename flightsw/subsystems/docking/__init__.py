"""Docking of a visiting vehicle: Clohessy–Wiltshire approach, guidance, latches and aborts."""

from flightsw.subsystems.docking.model import DockingModel
from flightsw.subsystems.docking.state import DockingState

__all__ = ["DockingModel", "DockingState"]
