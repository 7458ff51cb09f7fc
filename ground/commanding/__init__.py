"""Everything that goes up: validation, confirmation, the queue, numbering and verification."""

from ground.commanding.commander import Commander
from ground.commanding.tracker import CommandTracker, StageUpdate, TrackedCommand

__all__ = ["CommandTracker", "Commander", "StageUpdate", "TrackedCommand"]
