"""The field types of every message the flight side owns, each with its range, declared once.

A message class names its fields with these types; `flightsw.icd.codec` decodes into them and
checks the ranges, and words the refusal from the same declaration (the `words` of a type are
what a refusal says was expected, and what docs/icd.md lists).

Floats: `FiniteFloat` and the times refuse NaN and ±inf (a bound of ±`FLOAT_MAX` does it: NaN
fails every comparison). Telemetry values (`Scalar`) may be NaN or ±inf: an onboard estimate
with nothing to estimate from is NaN (sensors, consumables), a link margin without a link is -inf.
"""

from __future__ import annotations

import sys
from typing import Annotated

from msgspec import Meta

FLOAT_MAX = sys.float_info.max
NAME_CHARS = 64  # subsystem, parameter, command, fault and event names
TEXT_CHARS = 4096  # free text: event messages, reasons, descriptions
MAX_BODY_OCTETS = 60_000  # a link body; a whole frame nested in one stays under it too

Name = Annotated[
    str, Meta(min_length=1, max_length=NAME_CHARS, extra={"words": "a name of 1 to 64 characters"})
]
SubsystemName = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=NAME_CHARS,
        pattern=r"^[^.]+$",  # the ground's full names are `subsystem.parameter`
        extra={"words": "a subsystem name of 1 to 64 characters without '.'"},
    ),
]
Text = Annotated[
    str, Meta(max_length=TEXT_CHARS, extra={"words": "a string of at most 4096 characters"})
]

Scalar = Annotated[
    bool | int | float | str,
    Meta(extra={"words": "true/false, a whole number, a number (NaN and ±inf too) or a string"}),
]
"""What a telemetry parameter holds on the link: msgpack keeps the four apart."""

FiniteFloat = Annotated[
    float, Meta(ge=-FLOAT_MAX, le=FLOAT_MAX, extra={"words": "a finite number"})
]
MissionTime = Annotated[
    float, Meta(ge=0.0, le=FLOAT_MAX, extra={"words": "a finite number of seconds >= 0"})
]
Seconds = Annotated[
    float, Meta(ge=-FLOAT_MAX, le=FLOAT_MAX, extra={"words": "a finite number of seconds"})
]
Rate = Annotated[
    float,
    Meta(ge=0.0, le=FLOAT_MAX, extra={"words": "a finite number >= 0 (mission s per wall s)"}),
]
Distance = Annotated[
    float, Meta(ge=0.0, le=FLOAT_MAX, extra={"words": "a finite number of metres >= 0"})
]

Count = Annotated[int, Meta(ge=0, extra={"words": "a whole number >= 0"})]
Apid = Annotated[int, Meta(ge=0, le=2047, extra={"words": "a whole number from 0 to 2047"})]
SequenceCount = Annotated[
    int, Meta(ge=0, le=16383, extra={"words": "a whole number from 0 to 16383"})
]
Octet = Annotated[int, Meta(ge=0, le=255, extra={"words": "a whole number from 0 to 255"})]

Frame = Annotated[
    bytes,
    Meta(
        min_length=1,
        max_length=MAX_BODY_OCTETS,
        extra={"words": "binary data of 1 to 60000 octets (a whole frame)"},
    ),
]

__all__ = [
    "FLOAT_MAX",
    "MAX_BODY_OCTETS",
    "NAME_CHARS",
    "TEXT_CHARS",
    "Apid",
    "Count",
    "Distance",
    "FiniteFloat",
    "Frame",
    "MissionTime",
    "Name",
    "Octet",
    "Rate",
    "Scalar",
    "Seconds",
    "SequenceCount",
    "SubsystemName",
    "Text",
]
