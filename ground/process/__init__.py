"""The ground process: the service without sockets, its main loop, control API and sockets."""

from ground.process.control import ControlApi
from ground.process.mission_config import GroundConfig, check_config
from ground.process.runtime import GroundRuntime
from ground.process.service import GroundService
from ground.process.sockets import GroundSockets

__all__ = [
    "ControlApi",
    "GroundConfig",
    "GroundRuntime",
    "GroundService",
    "GroundSockets",
    "check_config",
]
