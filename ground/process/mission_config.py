"""The whole mission config, checked as the ground reads it, before anything starts.

`check_config` reads the spacecraft's part of the file as the spacecraft does
(`flightsw.config.read_mission`: the mission's tables and every model's), then the ground's
(`[link.channel]`, `[ground]` rules and data_dir), refuses any key that no reader took, and
loads the rule file. `ground`, `mission run`, `mission script` and the test kit's launcher all
call it, so a bad config is refused the same way, with the same words, wherever it is met.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flightsw.config import PATH_CHARS, MissionConfig, read_mission
from ground.link.channel import Blackout, ChannelConfig, read_blackouts
from ground.process.silence import DEFAULT_SILENCE_S
from ground.rules.loader import load_rules

MIN_SILENCE_S, MAX_SILENCE_S = 0.1, 3600.0  # [ground] silence_s, and --silence-s


@dataclass(frozen=True, slots=True)
class GroundConfig:
    """Everything the ground takes from one mission config, checked."""

    mission: MissionConfig
    channel: ChannelConfig
    blackouts: tuple[Blackout, ...]
    rules_path: Path | None  # [ground] rules, resolved against the config file's folder
    rule_count: int
    data_dir: Path | None  # [ground] data_dir, resolved against the config file's folder
    silence_s: float  # [ground] silence_s: wall seconds without a word owed before a silence


def check_config(path: str | Path) -> GroundConfig:
    """Read and check a whole mission config and its rule file.

    Raises:
        ConfigError: the mission config is wrong (file, dotted key, reason).
        RuleError: its rule file is wrong (file, dotted key, reason).
    """
    mission = read_mission(path)
    channel = mission.link.channel
    blackouts = tuple(read_blackouts(channel).windows)
    channel_config = ChannelConfig.from_section(channel, mission.context.seed)
    rules_path = _path(mission, "rules")
    data_dir = _path(mission, "data_dir")
    silence_s = mission.ground.float(
        "silence_s", DEFAULT_SILENCE_S, MIN_SILENCE_S, MAX_SILENCE_S, "s"
    )
    mission.refuse_unread()
    rules = load_rules(rules_path) if rules_path is not None else []
    return GroundConfig(
        mission, channel_config, blackouts, rules_path, len(rules), data_dir, silence_s
    )


def _path(mission: MissionConfig, key: str) -> Path | None:
    """A path in `[ground]`: relative ones start from the config file's folder, never the cwd."""
    if not mission.ground.has(key):
        return None
    return mission.resolve(mission.ground.str(key, max_chars=PATH_CHARS))
