"""Pykka actors of the spacecraft: subsystem shells, the software bus and the downlink."""

from flightsw.executive.actors.bus import SoftwareBus
from flightsw.executive.actors.downlink import DownlinkActor
from flightsw.executive.actors.subsystem_actor import SubsystemActor

__all__ = ["DownlinkActor", "SoftwareBus", "SubsystemActor"]
