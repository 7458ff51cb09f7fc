"""The link as the ground sees it: the radio channel in mission time, ingest checks, truth intake."""

from ground.link.channel import (
    Blackouts,
    Channel,
    ChannelConfig,
    DelayLine,
    LightTime,
    read_blackouts,
)
from ground.link.ingest import IngestChecks, SeenFrames
from ground.link.truth import TruthIntake

__all__ = [
    "Blackouts",
    "Channel",
    "ChannelConfig",
    "DelayLine",
    "IngestChecks",
    "LightTime",
    "SeenFrames",
    "TruthIntake",
    "read_blackouts",
]
