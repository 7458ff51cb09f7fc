"""Text charts of one parameter, for the console and `mission plot --terminal` (no matplotlib)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from flightsw.icd import Scalar
from ground.errors import PlotError
from ground.plots.figures import HOUR_S, format_number


def terminal_plot(
    samples: Sequence[tuple[float, Scalar]], width: int = 72, height: int = 16
) -> str:
    """Return a plain-text line chart of `(time_s, value)` samples, `height` lines of at most
    `width` characters: the value axis on the left (maximum on the top line), mission time in
    hours below. Booleans plot as 0 and 1.

    Raises:
        PlotError: no samples, text values, or a chart smaller than 24 × 5.
    """
    if width < 24 or height < 5:
        raise PlotError(f"a text chart needs at least 24 × 5 characters, got {width} × {height}")
    if not samples:
        raise PlotError("no samples to draw; widen the time range")
    if any(isinstance(value, str) for _, value in samples):
        raise PlotError("the parameter holds text, not numbers; a text chart cannot draw it")
    times = np.array([float(t) for t, _ in samples])
    values = np.array([float(v) for _, v in samples])
    top, bottom = float(np.nanmax(values)), float(np.nanmin(values))
    rows = height - 2  # the last two lines are the time axis and its labels
    labels = {0: format_number(top), rows - 1: format_number(bottom), (rows - 1) // 2: ""}
    labels[(rows - 1) // 2] = format_number(top - (top - bottom) * ((rows - 1) // 2) / (rows - 1))
    margin = max(map(len, labels.values()))
    columns = width - margin - 2
    span_s = times[-1] - times[0]
    cols = (
        np.zeros(len(times), int)
        if span_s <= 0
        else np.rint((times - times[0]) / span_s * (columns - 1)).astype(int)
    )
    levels = (
        np.full(len(values), (rows - 1) / 2)
        if top == bottom
        else (top - values) / (top - bottom) * (rows - 1)
    )
    grid = [[" "] * columns for _ in range(rows)]
    previous = (int(cols[0]), float(levels[0]))
    for col, level in zip(cols.tolist(), levels.tolist(), strict=True):
        if math.isnan(level):
            continue
        col0, level0 = previous
        for c in range(col0, col + 1):  # the line between two samples, column by column
            here = level if c == col else level0 + (level - level0) * (c - col0) / (col - col0)
            last = (
                level0 if c == col0 else level0 + (level - level0) * (c - 1 - col0) / (col - col0)
            )
            low, high = sorted((round(last), round(here)))
            for r in range(low, high + 1):
                grid[r][c] = "*"
        previous = (col, level)
    lines = [
        f"{labels.get(r, ''):>{margin}} {'+' if r in labels else '|'}{''.join(grid[r])}".rstrip()
        for r in range(rows)
    ]
    lines.append(f"{'':>{margin}} +{'-' * columns}")
    start, end = f"T+{times[0] / HOUR_S:.2f} h", f"T+{times[-1] / HOUR_S:.2f} h"
    lines.append(f"{'':>{margin}}  {start}{end:>{columns - len(start)}}".rstrip())
    return "\n".join(lines)
