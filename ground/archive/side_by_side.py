"""Several parameters side by side: one row per instant any of them was sampled.

What `mission export` writes for parameters, as COSMOS's and Yamcs's exports do: the run's
segment, mission time, UTC (the mission epoch plus mission time), then one column per
parameter, empty where that parameter has no sample at the instant. Parameters of one subsystem
share their reports' instants, so they fill the same rows.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from flightsw.icd import Scalar
from ground.archive.query import ArchiveReader
from ground.errors import ArchiveError

LEADING_COLUMNS = ("segment", "time_s", "utc")


def side_by_side(
    archive: ArchiveReader,
    names: Sequence[str],
    start_s: float | None = None,
    end_s: float | None = None,
    segment: int | None = None,
) -> tuple[list[str], Iterator[tuple[Any, ...]]]:
    """The header and rows of `names` side by side, oldest first, in a closed time range.

    Raises:
        ArchiveError: a name is not a recorded parameter, or is given twice.
    """
    recorded = set(archive.parameter_names())
    unknown = [name for name in names if name not in recorded]
    if unknown:
        raise ArchiveError(
            f"no parameter {', '.join(unknown)} in {archive.path}; it records "
            f"{len(recorded)} (`mission export ARCHIVE samples` lists every sample)"
        )
    if len(set(names)) != len(names):
        raise ArchiveError("a parameter is named twice")
    epoch = _epoch(archive)
    streams = [
        _tagged(column, archive.samples(name, start_s, end_s, segment))
        for column, name in enumerate(names)
    ]
    merged = heapq.merge(*streams, key=lambda sample: (sample[0], sample[1], sample[2]))

    def rows() -> Iterator[tuple[Any, ...]]:
        for (number, time_s), samples in itertools.groupby(merged, key=lambda s: (s[0], s[1])):
            values: list[Scalar | None] = [None] * len(names)
            for _, _, column, value in samples:
                values[column] = value
            yield (number, time_s, _utc(epoch, time_s), *values)

    return [*LEADING_COLUMNS, *names], rows()


def _tagged(
    column: int, samples: Iterator[tuple[int, float, Scalar]]
) -> Iterator[tuple[int, float, int, Scalar]]:
    for number, time_s, value in samples:
        yield number, time_s, column, value


def _epoch(archive: ArchiveReader) -> datetime | None:
    """The mission epoch the archive's meta names (None if it names none, or not readably)."""
    text = archive.meta().get("epoch")
    if not isinstance(text, str):
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return None


def _utc(epoch: datetime | None, time_s: float) -> str:
    if epoch is None:
        return ""
    instant = epoch + timedelta(seconds=time_s)
    return instant.isoformat(timespec="milliseconds").replace("+00:00", "Z")
