"""Subsystem models: pure physics behind the flight software's actors, one module or package each.

Every model meets the contract of `base.Subsystem` (a frozen state, a pure `step`, its
dictionary of commands, faults and telemetry); `telemetry` declares each housekeeping parameter
once with its reader; `registry` says which model flies each subsystem a mission config names;
`topics` are the values they exchange on the software bus.
"""

from flightsw.subsystems.base import Outcome, Request, Subsystem
from flightsw.subsystems.events import Event, event
from flightsw.subsystems.registry import MODELS, build_models, model_class
from flightsw.subsystems.telemetry import TelemetryPoint, point, read_points, specs

__all__ = [
    "MODELS",
    "Event",
    "Outcome",
    "Request",
    "Subsystem",
    "TelemetryPoint",
    "build_models",
    "event",
    "model_class",
    "point",
    "read_points",
    "specs",
]
