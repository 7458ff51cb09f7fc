"""The PUS services of the link and the numbers they carry: services, verification stages and
event severities (ECSS-E-ST-70-41C; the tables are in docs/icd.md)."""

from __future__ import annotations

from enum import IntEnum


class Service(IntEnum):
    VERIFICATION = 1
    HOUSEKEEPING = 3
    EVENT = 5
    FUNCTION = 8
    TIME = 9
    SCHEDULING = 11
    STORAGE = 15
    TEST = 17
    PARAMETER = 20


class Stage(IntEnum):
    """TM[1,x] subtypes: even numbers are failures of the stage before them."""

    ACCEPTED = 1
    ACCEPT_FAILED = 2
    STARTED = 3
    START_FAILED = 4
    PROGRESS = 5
    PROGRESS_FAILED = 6
    COMPLETED = 7
    COMPLETION_FAILED = 8
    ROUTING_FAILED = 10

    @property
    def failed(self) -> bool:
        return self in (
            Stage.ACCEPT_FAILED,
            Stage.START_FAILED,
            Stage.PROGRESS_FAILED,
            Stage.COMPLETION_FAILED,
            Stage.ROUTING_FAILED,
        )


class Severity(IntEnum):
    """Event severity; the value is the TM[5,x] subtype (ECSS-E-ST-70-41C service 5)."""

    INFO = 1
    LOW = 2
    MEDIUM = 3
    HIGH = 4
