"""The TM time field: CCSDS Unsegmented Time Code, 4 octets of seconds and 2 of fraction.

The time code is implicit (no P-field) and its epoch is the mission epoch from the config, so
the coarse time is mission seconds. Resolution 2**-16 s ≈ 15 µs; range 136 years.
"""

from __future__ import annotations

import struct

from flightsw.errors import FrameError

CUC_LENGTH = 6
FRACTION_PER_S = 1 << 16  # the fine time's units in a second
_MAX_COARSE_S = (1 << 32) - 1
MAX_MISSION_TIME_S = float(_MAX_COARSE_S)  # the last mission second a TM time field can carry
_CUC = struct.Struct(">IH")


def encode_cuc(time_s: float) -> bytes:
    """Pack mission seconds into 6 octets, rounding to the nearest 2**-16 s."""
    if not 0.0 <= time_s <= _MAX_COARSE_S:
        raise ValueError(f"mission time {time_s} s is outside the CUC range 0..{_MAX_COARSE_S} s")
    ticks = round(time_s * FRACTION_PER_S)
    coarse, fine = divmod(ticks, FRACTION_PER_S)
    return _CUC.pack(coarse, fine)


def decode_cuc(field: bytes | memoryview) -> float:
    """Unpack 6 octets of CUC into mission seconds."""
    if len(field) != CUC_LENGTH:
        raise FrameError("bad_time", f"time field is {len(field)} octets, expected {CUC_LENGTH}")
    coarse, fine = _CUC.unpack(field)
    return coarse + fine / FRACTION_PER_S
