"""Fault detection, isolation and recovery: monitors, event-actions, safe mode and abort."""

from flightsw.subsystems.fdir.model import FdirModel, FdirState

__all__ = ["FdirModel", "FdirState"]
