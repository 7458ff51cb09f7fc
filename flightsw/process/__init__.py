"""The spacecraft process: its sockets and main loop, the sim port, and the `flightsw` command."""

from flightsw.process.main import main
from flightsw.process.runtime import FlightRuntime
from flightsw.process.simport import SimPort

__all__ = ["FlightRuntime", "SimPort", "main"]
