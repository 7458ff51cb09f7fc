"""Median and spread of repeated measurements."""

from __future__ import annotations

import statistics
from collections.abc import Sequence


def summary(values: Sequence[float], unit: str, digits: int = 0) -> str:
    """`median (min–max, n=N) unit`: the spread a reader needs to judge a figure."""
    median = statistics.median(values)
    return f"{median:,.{digits}f} {unit} (min {min(values):,.{digits}f}, max {max(values):,.{digits}f}, n={len(values)})"
