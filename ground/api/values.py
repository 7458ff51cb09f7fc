"""The constrained values the control API's messages are made of: times, durations, names, text.

Each is a type with its range (`msgspec.Meta`), checked when a message is decoded, and a
`description` that a refusal quotes to say what was expected. Numbers are finite: every bound
below is finite, so NaN and infinities are refused by the bounds themselves.
"""

from __future__ import annotations

from typing import Annotated, Any

from msgspec import Meta

from flightsw.icd import MAX_CLOCK_RATE, MAX_STEP_S

MISSION_TIME_LIMIT_S = 2.0**32
"""The latest mission time a TM time field can carry (CUC 4+2 coarse seconds, docs/icd.md §2)."""

MAX_NAME_CHARS = 128
MAX_TEXT_CHARS = 2000
MAX_RATE = MAX_CLOCK_RATE
"""The fastest realtime clock rate a client may ask for (mission seconds per wall second)."""

MissionTimeS = Annotated[
    float,
    Meta(ge=0.0, le=MISSION_TIME_LIMIT_S, description="a mission time in seconds, 0 to 2^32"),
]
TimeBoundS = Annotated[
    float,
    Meta(
        ge=-MISSION_TIME_LIMIT_S,
        le=MISSION_TIME_LIMIT_S,
        description="a finite mission time in seconds (one end of a range)",
    ),
]
StepS = Annotated[
    float,
    Meta(
        ge=0.0,
        le=MAX_STEP_S,
        description=f"a duration in seconds, 0 to {MAX_STEP_S:.0f} ({MAX_STEP_S / 86_400:g} days)",
    ),
]
ShelveS = Annotated[
    float,
    Meta(
        gt=0.0,
        le=MISSION_TIME_LIMIT_S,
        description="a duration in seconds, more than 0 and finite",
    ),
]
Rate = Annotated[
    float, Meta(gt=0.0, le=MAX_RATE, description=f"a rate above 0, at most {MAX_RATE:g}")
]
MAX_ROW_ID = 2**62
"""The largest id, segment or row number a request may name: well inside SQLite's 64-bit
integers and every index the archive makes of one."""
CommandId = Annotated[int, Meta(ge=0, le=MAX_ROW_ID, description="a command id, 0 or more")]
Segment = Annotated[
    int,
    Meta(
        ge=1,
        le=MAX_ROW_ID,
        description="a segment of the run, 1 or more (one per spacecraft flown)",
    ),
]
EventSeverity = Annotated[
    int, Meta(ge=1, le=4, description="an event severity, 1 (info) to 4 (high)")
]

Name = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=MAX_NAME_CHARS,
        description=f"a name of 1 to {MAX_NAME_CHARS} characters",
    ),
]
QualifiedName = Annotated[
    str,
    Meta(
        pattern=r"^[A-Za-z][A-Za-z0-9_]*\.[A-Za-z][A-Za-z0-9_]*$",
        max_length=MAX_NAME_CHARS,
        description="a full name, subsystem.name, such as power.battery_soc",
    ),
]
"""A parameter or a command by its full name, `subsystem.name`."""
Text = Annotated[
    str, Meta(max_length=MAX_TEXT_CHARS, description=f"text of at most {MAX_TEXT_CHARS} characters")
]
RunName = Annotated[
    str,
    Meta(
        pattern=r"^[^/.][^/]*$",
        max_length=MAX_NAME_CHARS,
        description="a plain file name (no '/', not starting with '.')",
    ),
]
RowNumber = Annotated[int, Meta(ge=0, le=MAX_ROW_ID, description="a row number, 0 or more")]

Arguments = dict[str, Any]
"""Command arguments or fault parameters by name. Their types and ranges are the dictionary's:
the ground checks a command's before uplink (a refusal is archived, so the history has every
attempt), the spacecraft a fault's."""
