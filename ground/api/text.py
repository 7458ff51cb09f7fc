"""How the ground's values read to an operator: mission times and telemetry values."""

from __future__ import annotations

import zlib
from typing import Any


def mission_time(time_s: float | None) -> str:
    """`T+12.5 s`, or `never` for a value that has not arrived."""
    return "never" if time_s is None else f"T+{time_s:,.1f} s"


def fmt_value(value: Any) -> str:
    """A value as a console shows it: 6 significant digits, strings quoted, octets summarised."""
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(
        value, bytes | bytearray
    ):  # an image chunk: its size and checksum, not its octets
        return f"<{len(value)} octets, crc32 {zlib.crc32(value):08x}>"
    return repr(value) if isinstance(value, str) else str(value)
