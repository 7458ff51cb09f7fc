"""Navigation: orbit, eclipse, attitude pointing and ground-station visibility."""

from flightsw.subsystems.navigation.model import NavigationModel, NavigationState

__all__ = ["NavigationModel", "NavigationState"]
