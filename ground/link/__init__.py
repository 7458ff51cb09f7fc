"""The link as the ground sees it: the radio channel in mission time, and the ingest checks."""

from ground.link.channel import (
    Blackouts,
    Channel,
    ChannelConfig,
    DelayLine,
    LightTime,
    read_blackouts,
)
from ground.link.ingest import IngestChecks, SeenFrames

__all__ = [
    "Blackouts",
    "Channel",
    "ChannelConfig",
    "DelayLine",
    "IngestChecks",
    "LightTime",
    "SeenFrames",
    "read_blackouts",
]
