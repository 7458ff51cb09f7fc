"""Replay: a recorded run's frames through a fresh ground, as if live, into a new archive."""

from ground.replay.engine import Replay, ReplaySummary, replay
from ground.replay.pacing import Pacer
from ground.replay.runtime import ReplayRuntime, ReplaySockets

__all__ = ["Pacer", "Replay", "ReplayRuntime", "ReplaySockets", "ReplaySummary", "replay"]
