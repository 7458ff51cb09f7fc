"""Which model flies each subsystem a config may name: the names, in tick order, and classes.

Module paths, not classes: the config is checked against the names without importing the models
(which import the config); `flightsw.subsystems.registry` imports a class when it builds one.
"""

from __future__ import annotations

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
