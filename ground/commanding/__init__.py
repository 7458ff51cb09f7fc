"""Everything that goes up: validation, confirmation, the queue, numbering and verification."""

from ground.commanding.commander import QUEUE_STATES, Commander
from ground.commanding.tracker import CommandTracker, StageUpdate, TrackedCommand

__all__ = ["QUEUE_STATES", "CommandTracker", "Commander", "StageUpdate", "TrackedCommand"]
