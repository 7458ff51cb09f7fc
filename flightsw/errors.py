"""Exceptions raised by the spacecraft side, every one of them, in one tree.

FlightSwError
├── ConfigError          a mission config is missing, unreadable or wrong (file, key, reason)
├── FrameError           a link frame is malformed (header, CRC, length, body): a reason word
├── MessageError         a truth or sim-port message (or a body) does not match the ICD (also
│                        a ValueError: a bad value, wherever bad values are refused)
├── CommandError         a telecommand cannot be accepted or executed (carries a PUS error code)
├── Rejection            a telecommand fails at a given verification stage (dispatcher only)
├── FaultError           an unknown fault or a bad fault parameter
├── ClockError           time would go backwards, or a clock is driven in the wrong mode
├── SimPortError         a sim-port request is refused; the message goes back in the reply
└── BindError            a socket could not be bound (usually: the port is in use)

Each message says what was wrong and, where it can, what to do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the ICD imports this module; only the type checker needs these names here
    from flightsw.icd.errorcodes import ErrorCode
    from flightsw.icd.services import Stage


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


class MessageError(FlightSwError, ValueError):
    """A message does not match its ICD type; `reason` is a short word, `detail` says which field
    and what was expected (`Truth: range_m — expected a finite number of metres >= 0, got -1.0`)."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


class CommandError(FlightSwError):
    """A telecommand is refused or fails; `code` goes into the TM[1,x] failure report."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


class Rejection(FlightSwError):
    """A TC fails at `stage` with `code`; raised and caught inside the dispatcher only."""

    def __init__(self, stage: Stage, code: ErrorCode, reason: str) -> None:
        super().__init__(reason)
        self.stage = stage
        self.code = code
        self.reason = reason


class FaultError(FlightSwError):
    """A fault name or parameter that the subsystem does not know."""


class ClockError(FlightSwError):
    """Time would run backwards, or a clock was asked for something its mode cannot do."""


class SimPortError(FlightSwError):
    """A request the sim port refuses; the message goes back in the reply's `error`."""


class BindError(FlightSwError):
    """A socket could not be bound (usually: the port is in use)."""
