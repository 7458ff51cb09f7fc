"""Life support: cabin atmosphere, crew metabolism and vitals, scrubbing, O2 supply and leaks."""

from flightsw.subsystems.life_support.model import LifeSupportModel, LifeSupportState

__all__ = ["LifeSupportModel", "LifeSupportState"]
