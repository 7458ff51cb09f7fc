"""Onboard events: what happened, how bad it is, and the TM[5,x] subtype it travels in."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any


class Severity(IntEnum):
    """Event severity; the value is the TM[5,x] subtype (ECSS-E-ST-70-41C service 5)."""

    INFO = 1
    LOW = 2
    MEDIUM = 3
    HIGH = 4


@dataclass(frozen=True, slots=True)
class Event:
    """An onboard event raised by a subsystem or by the flight software itself."""

    name: str
    severity: Severity
    message: str
    params: tuple[tuple[str, Any], ...] = ()

    def params_dict(self) -> dict[str, Any]:
        return dict(self.params)


def event(name: str, severity: Severity, message: str, **params: Any) -> Event:
    """Build an Event with keyword parameters (kept as an immutable tuple of pairs)."""
    return Event(name, severity, message, tuple(sorted(params.items())))
