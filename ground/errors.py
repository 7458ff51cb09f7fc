"""Exceptions raised by the ground side.

GroundError
├── RuleError    a rule file or rule definition is wrong (file, key, reason)
└── AlarmError   an operator action on an alarm cannot be done (unknown alarm, bad duration)
"""

from __future__ import annotations


class GroundError(Exception):
    """Base of every error the ground side raises on purpose."""


class RuleError(GroundError):
    """A rule file or a rule definition is refused; the message reads `FILE: [KEY] REASON`."""

    def __init__(self, path: str, key: str, reason: str) -> None:
        super().__init__(f"{path}: [{key}] {reason}")
        self.path = path
        self.key = key
        self.reason = reason


class AlarmError(GroundError):
    """An operator action names an alarm that is not active, or gives a bad value."""
