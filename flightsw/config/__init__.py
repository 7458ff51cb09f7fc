"""Mission configs: one TOML file per mission, read and checked before anything flies.

Both processes read the same file (the ground its `[link]`, `[ground]` and `[endpoints]` parts),
so the ground imports this package too; it is on the allow-list of tests/test_architecture.py.
"""

from flightsw.config.catalog import resolve_config, shipped_missions, shipped_missions_dir
from flightsw.config.mission import (
    EXECUTIVE,
    ClockConfig,
    LinkConfig,
    MissionConfig,
    load_mission,
)
from flightsw.config.mission_context import CrewMember, GroundStation, MissionContext
from flightsw.config.section import Section
from flightsw.errors import ConfigError

__all__ = [
    "EXECUTIVE",
    "ClockConfig",
    "ConfigError",
    "CrewMember",
    "GroundStation",
    "LinkConfig",
    "MissionConfig",
    "MissionContext",
    "Section",
    "load_mission",
    "resolve_config",
    "shipped_missions",
    "shipped_missions_dir",
]
