"""The whole mission config checked before anything starts: every table, read by its reader.

A config is read in parts, each by the code that uses it: `load_mission` the mission's own
tables, each subsystem's model its `[subsystems.NAME]` table, the ground its `[ground]` and
`[link.channel]`. `read_mission` does the flight software's part of that; a process then reads
its own parts and calls `MissionConfig.refuse_unread`, so a key that nobody reads is refused.
"""

from __future__ import annotations

from pathlib import Path

from flightsw.config.mission import GROUND_TABLES, MissionConfig, load_mission


def read_mission(path: str | Path) -> MissionConfig:
    """Read the flight software's part of a config: its tables and every model's table.

    Raises:
        ConfigError: naming the file, the dotted key and the reason, for the first problem.
    """
    # The models import this package (their tables are read by them, each key declared where
    # it is used), so the registry is imported here, when a whole check is asked for, not at
    # the top: the config package stays below the models, and the ground, which may import
    # only this package of the flight side's internals, checks subsystem tables the same way.
    from flightsw.subsystems.registry import build_models

    config = load_mission(path)
    build_models(config)
    return config


def check_mission(path: str | Path) -> MissionConfig:
    """The config as the spacecraft flies it, every key of the spacecraft's part read.

    The ground's tables (`GROUND_TABLES`) are left to the ground's own check, which reads them
    and refuses what is left of the whole file.

    Raises:
        ConfigError: naming the file, the dotted key and the reason, for the first problem.
    """
    config = read_mission(path)
    config.refuse_unread(skip=GROUND_TABLES)
    return config
