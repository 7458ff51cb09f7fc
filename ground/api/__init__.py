"""What a client of a running ground uses: the control API client, check expressions, the
session a running ground leaves for its clients, and how clients write times and values."""

from ground.api.checks import Check, parse_check, parse_value
from ground.api.client import GroundClient
from ground.api.display import fmt_value, mission_time
from ground.api.session import Session

__all__ = [
    "Check",
    "GroundClient",
    "Session",
    "fmt_value",
    "mission_time",
    "parse_check",
    "parse_value",
]
