"""Payload: science instruments with modes, power draw, data production and self-protection."""

from flightsw.subsystems.payload.model import PayloadModel
from flightsw.subsystems.payload.state import PayloadState

__all__ = ["PayloadModel", "PayloadState"]
