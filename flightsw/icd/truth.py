"""The truth feed: what the spacecraft knows after every tick and the ground's channel needs.

It is not part of the flight link: the spacecraft process pushes one `Truth` per tick on its
truth socket, and the ground moves its clock and judges the link with it (docs/icd.md, "Truth
feed"). The ground refuses (and counts) a message that does not decode.
"""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta, Struct

from flightsw.icd.codec import Codec
from flightsw.icd.fields import FLOAT_MAX, Count, Distance, MissionTime, Name, SubsystemName, Text
from flightsw.icd.messages import Arguments

TOPIC = b"truth"  # the first part of each message on the truth socket

UtcTime = Annotated[
    float, Meta(ge=0.0, le=FLOAT_MAX, extra={"words": "a finite number of POSIX seconds >= 0"})
]
Generation = Annotated[int, Meta(ge=1, extra={"words": "a whole number >= 1"})]


class Injection(Struct, frozen=True):
    """A fault injected or cleared through the sim port since the last truth, and by whom (the
    requesting client's name: a ground's is `ground-PID`), so that the ground archives every
    injection, from wherever it came."""

    subsystem: SubsystemName
    fault: Name
    action: Literal["inject", "clear"]
    params: Arguments
    by: Text


class Truth(Struct, frozen=True):
    """The spacecraft's truth at the end of a tick.

    `generation` counts the spacecraft built since the process started (a reset builds a new
    one); `downlink_sent` counts the downlink messages sent so far, so the ground moves its clock to
    `time_s` only once it has them all. `range_m` and `station_visible` are None without
    navigation, `downlink_closes` None without comms. `utc_s` is the UTC (POSIX seconds) at
    which a realtime spacecraft's clock read `time_s` (None when stepped or paused): the ground
    runs its own clock on it, not on when the message arrived.
    """

    generation: Generation
    time_s: MissionTime
    downlink_sent: Count
    range_m: Distance | None
    station_visible: bool | None
    downlink_closes: bool | None
    injections: tuple[Injection, ...] = ()
    utc_s: UtcTime | None = None


TRUTH = Codec[Truth](Truth)


def encode_truth(truth: Truth) -> bytes:
    return TRUTH.encode(truth)


def decode_truth(data: bytes) -> Truth:
    """The Truth in `data`, or MessageError saying which field is wrong and what was expected."""
    return TRUTH.decode(data)
