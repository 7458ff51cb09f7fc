"""Error codes carried by TM[1,x] failure reports (documented in docs/icd.md)."""

from __future__ import annotations

from enum import IntEnum


class ErrorCode(IntEnum):
    """Why a telecommand failed; the number travels in the verification report."""

    ILLEGAL_APID = 1
    UNKNOWN_SERVICE = 2
    UNKNOWN_COMMAND = 3
    BAD_ARGUMENT = 4
    EXECUTION_FAILED = 5
    NOT_ALLOWED = 6
    BAD_BODY = 7
    SUBSYSTEM_UNAVAILABLE = 8
    SCHEDULE_REJECTED = 9
    AUTHENTICATION = 10
