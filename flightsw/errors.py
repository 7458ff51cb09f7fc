"""Exceptions raised by the spacecraft side.

FlightSwError
├── ConfigError          a mission config is missing, unreadable or wrong
├── FrameError           a link frame is malformed (header, CRC, length, body)
├── CommandError         a telecommand cannot be accepted or executed (carries a PUS error code)
├── FaultError           an unknown fault or a bad fault parameter
└── ClockError           time would go backwards, or a clock is driven in the wrong mode
"""

from __future__ import annotations


class FlightSwError(Exception):
    """Base of every error the spacecraft side raises on purpose."""


class ConfigError(FlightSwError):
    """A mission config is missing, unreadable or holds a wrong value."""

    def __init__(self, path: str, key: str, reason: str) -> None:
        super().__init__(f"{path}: [{key}] {reason}")
        self.path = path
        self.key = key
        self.reason = reason


class FrameError(FlightSwError):
    """A frame on the link cannot be parsed; `reason` is a short machine-readable word."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


class CommandError(FlightSwError):
    """A telecommand is refused or fails; `code` goes into the TM[1,x] failure report."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


class FaultError(FlightSwError):
    """A fault name or parameter that the subsystem does not know."""


class ClockError(FlightSwError):
    """Time would run backwards, or a clock was asked for something its mode cannot do."""
