"""Navigation: orbit, eclipse, attitude pointing and ground-station visibility."""

from flightsw.subsystems.navigation.model import NavigationModel
from flightsw.subsystems.navigation.state import NavigationState

__all__ = ["NavigationModel", "NavigationState"]
