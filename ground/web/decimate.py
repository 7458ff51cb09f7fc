"""A parameter's history cut to about a number of points, keeping what a plot must show.

Samples are split into equal runs; each run keeps its lowest and its highest number, in time
order (min-max decimation), so a spike or a dip survives however far a plot is zoomed out.
Runs of text or booleans keep their first sample and every sample that differs from the one
kept before it, up to the run's share.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import pairwise

from ground.api import Sample


def decimated(samples: Sequence[Sample], points: int) -> list[Sample]:
    """At most `points` of `samples` (at least 2), keeping each run's extremes."""
    if points < 2:
        raise ValueError(f"points must be at least 2, not {points}")
    if len(samples) <= points:
        return list(samples)
    runs = points // 2
    size = math.ceil(len(samples) / runs)
    kept: list[Sample] = []
    for start in range(0, len(samples), size):
        kept += _extremes(samples[start : start + size])
    return kept


def _extremes(run: Sequence[Sample]) -> list[Sample]:
    numbers = [
        (sample.value, index)
        for index, sample in enumerate(run)
        if isinstance(sample.value, int | float)
        and not isinstance(sample.value, bool)
        and not math.isnan(sample.value)
    ]
    if not numbers:
        changes = [run[0]] + [b for a, b in pairwise(run) if b.value != a.value]
        return changes[:2]
    low, high = min(numbers)[1], max(numbers)[1]
    return [run[index] for index in sorted({low, high})]
