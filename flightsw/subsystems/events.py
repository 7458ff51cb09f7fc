"""Onboard events: what happened and how bad it is (the TM[5,x] subtype it travels in)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flightsw.icd.services import Severity


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
