"""How a client of the ground writes what it answers: mission times and telemetry values.

The console and the test kit show the same times and values in the same way, so an operator
reading a console script's output and a test's step report sees one notation.
"""

from __future__ import annotations

import zlib
from typing import Any


def mission_time(time_s: float | None) -> str:
    """`T+12.5 s` (`T+1,573.0 s` past a thousand), or `never` for a value that has not arrived."""
    return "never" if time_s is None else f"T+{time_s:,.1f} s"


def fmt_value(value: Any) -> str:
    """A telemetry value as an operator reads it: floats to six figures, strings quoted."""
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, bytes | bytearray):  # an image chunk: its size and checksum, not octets
        return f"<{len(value)} octets, crc32 {zlib.crc32(value):08x}>"
    return repr(value) if isinstance(value, str) else str(value)
