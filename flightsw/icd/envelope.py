"""The uplink envelope: `[arrival time, frame]`, the two parts of every telecommand message.

The ground's channel model decides when a frame reaches the spacecraft's antenna and says so in
the first part, a big-endian IEEE-754 double of mission seconds (docs/icd.md, "Transport"). A
one-part message is a frame alone, handled on arrival. Anything else, or an arrival time that
is not a mission time (NaN, ±inf, negative), is refused here; whether a good arrival time is
too far ahead is the receiver's to judge against its clock (`MAX_AHEAD_S`).
"""

from __future__ import annotations

import math
import struct
from typing import NamedTuple

from flightsw.errors import FrameError

ARRIVAL = struct.Struct(">d")
"""The first part of an enveloped uplink message: arrival time, mission seconds."""


class Envelope(NamedTuple):
    """One uplink message opened: the frame, and when it arrives (None: on arrival)."""

    arrival_s: float | None
    frame: bytes


def encode_envelope(arrival_s: float, frame: bytes) -> list[bytes]:
    """The two parts the ground sends for a frame that reaches the spacecraft at `arrival_s`."""
    return [ARRIVAL.pack(arrival_s), frame]


def is_enveloped(parts: list[bytes]) -> bool:
    """The message has the enveloped shape (it counts towards the stepping handshake), whether
    or not its arrival time turns out to be good."""
    return len(parts) == 2 and len(parts[0]) == ARRIVAL.size


def open_envelope(parts: list[bytes]) -> Envelope:
    """The frame and arrival time of an uplink message; FrameError if either is not as the ICD says.

    Reasons: `bad_envelope` (not one part, nor two with an 8-octet first), `bad_arrival` (the
    arrival time is NaN, ±inf or negative).
    """
    if len(parts) == 1:
        return Envelope(None, parts[0])
    if not is_enveloped(parts):
        shape = ", ".join(f"{len(part)}" for part in parts[:4]) + (
            ", ..." if len(parts) > 4 else ""
        )
        raise FrameError(
            "bad_envelope",
            f"{len(parts)} parts of {shape} octets; expected [arrival time (8 octets), frame] "
            "or [frame]",
        )
    (arrival_s,) = ARRIVAL.unpack(parts[0])
    if not math.isfinite(arrival_s) or arrival_s < 0.0:
        raise FrameError(
            "bad_arrival", f"arrival time {arrival_s!r} is not a mission time (finite, >= 0 s)"
        )
    return Envelope(arrival_s, parts[1])
