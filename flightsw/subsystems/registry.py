"""Which model class flies each subsystem named in a mission config."""

from __future__ import annotations

import importlib
from typing import Any

from flightsw.config.mission import MissionConfig
from flightsw.errors import ConfigError
from flightsw.subsystems.base import Subsystem

# Order matters: it is the order of the tick report and of telemetry within a tick.
MODELS: dict[str, str] = {
    "navigation": "flightsw.subsystems.navigation.model:NavigationModel",
    "propulsion": "flightsw.subsystems.propulsion.model:PropulsionModel",
    "power": "flightsw.subsystems.power.model:PowerModel",
    "thermal": "flightsw.subsystems.thermal.model:ThermalModel",
    "comms": "flightsw.subsystems.comms:CommsModel",
    "life_support": "flightsw.subsystems.life_support.model:LifeSupportModel",
    "docking": "flightsw.subsystems.docking.model:DockingModel",
    "payload": "flightsw.subsystems.payload.model:PayloadModel",
    "sensors": "flightsw.subsystems.sensors:SensorArrayModel",
    "environment": "flightsw.subsystems.environment:EnvironmentModel",
    "resources": "flightsw.subsystems.resources:ResourcesModel",
    "software": "flightsw.subsystems.software.model:SoftwareModel",
    "mission_events": "flightsw.subsystems.mission_events:MissionEventsModel",
    "fdir": "flightsw.subsystems.fdir.model:FdirModel",
}


def model_class(name: str) -> type[Subsystem[Any]]:
    module_name, class_name = MODELS[name].split(":")
    cls: type[Subsystem[Any]] = getattr(importlib.import_module(module_name), class_name)
    return cls


def build_models(config: MissionConfig) -> list[Subsystem[Any]]:
    """One model per `[subsystems.NAME]` table, in the registry's order."""
    for name in config.subsystems:
        if name not in MODELS:
            known = ", ".join(MODELS)
            raise ConfigError(
                str(config.path), f"subsystems.{name}", f"no such subsystem (known: {known})"
            )
    return [
        model_class(name).from_config(config.subsystems[name], config.context)  # type: ignore[attr-defined]
        for name in MODELS
        if name in config.subsystems
    ]
