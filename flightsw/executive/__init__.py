"""The onboard executive: rate groups, the actors that run the subsystems, and onboard services.

- `executive`: the main thread's tick loop with a barrier per tick; `tick_runs`, `bus_inputs`
- `supervisor` and `actors/`: the subsystem actor shells, the software bus and the downlink
- `dispatcher`: telecommand routing and PUS verification; `onboard_services`, `schedule`,
  `recorder`: the time-based schedule (PUS 11) and onboard storage (PUS 15)
- `messages`: every message between actors, small and immutable
- `spacecraft`: all of it assembled from a mission config
"""

from flightsw.executive.executive import Executive
from flightsw.executive.spacecraft import Spacecraft, mission_dictionary
from flightsw.executive.supervisor import Supervisor

__all__ = ["Executive", "Spacecraft", "Supervisor", "mission_dictionary"]
