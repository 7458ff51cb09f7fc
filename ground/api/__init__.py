"""What a client of a running ground uses: the control API client."""

from ground.api.client import GroundClient

__all__ = ["GroundClient"]
