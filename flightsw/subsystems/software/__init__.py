"""Onboard software update: upload an application image in chunks, check it, switch to it."""

from flightsw.subsystems.software.model import SoftwareModel
from flightsw.subsystems.software.state import SoftwareState

__all__ = ["SoftwareModel", "SoftwareState"]
