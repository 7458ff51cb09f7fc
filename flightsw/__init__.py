"""Spacecraft side of the flight software emulator: subsystem actors, executive and the link."""

__version__ = "0.1.0"
