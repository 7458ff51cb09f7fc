"""What a client of a running ground uses: the control API client and check expressions."""

from ground.api.checks import Check, parse_check, parse_value
from ground.api.client import GroundClient

__all__ = ["Check", "GroundClient", "parse_check", "parse_value"]
