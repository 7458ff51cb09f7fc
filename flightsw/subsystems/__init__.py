"""Subsystem models: pure physics behind the flight software's actors, one module each."""
