"""Physics as pure functions over numpy arrays: time is passed in, units are in every name.

- `constants`: physical constants, each with its source (docs/references.md)
- `orbit`: gravity with J2, RK4 propagation, shadow, Sun, Moon and Earth rotation
- `earth_environment`: Earth's atmosphere density and pressure, dipole field, sub-satellite point
- `relative_motion`: Clohessy–Wiltshire relative motion for docking
- `cabin_atmosphere`: gas masses, partial pressures, humidity and choked-flow leaks
- `tank`: propellant tank and pressurant, ideal-gas pressures and the regulator

Nothing here imports the rest of the flight software.
"""

from flightsw.physics import (
    cabin_atmosphere,
    constants,
    earth_environment,
    orbit,
    relative_motion,
    tank,
)

__all__ = [
    "cabin_atmosphere",
    "constants",
    "earth_environment",
    "orbit",
    "relative_motion",
    "tank",
]
