"""The ground process: the service without sockets, its main loop, control API and sockets."""

from ground.process.control import ControlApi
from ground.process.runtime import GroundRuntime
from ground.process.service import GroundService
from ground.process.sockets import GroundSockets

__all__ = ["ControlApi", "GroundRuntime", "GroundService", "GroundSockets"]
