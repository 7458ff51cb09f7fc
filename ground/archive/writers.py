"""Rows out of the archive as a file people open elsewhere: CSV, or Parquet for pandas and co.

CSV goes row by row (a file, or standard output), so an export of any size streams. Parquet is
written from columns, each typed by what it holds (a column that mixes text and numbers is
text); it needs pyarrow, the `parquet` extra.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

from ground.errors import ArchiveError

Format = Literal["csv", "parquet"]


def format_for(out: Path | None, asked: Format | None) -> Format:
    """The format asked for, else the one the file's suffix names, else CSV."""
    if asked is not None:
        return asked
    return "parquet" if out is not None and out.suffix == ".parquet" else "csv"


def write_rows(
    header: Sequence[str], rows: Iterable[Sequence[Any]], out: Path | None, fmt: Format
) -> int:
    """Write `header` and `rows` to `out` (None: standard output) as `fmt`; the row count.

    Raises:
        ArchiveError: Parquet without pyarrow installed, or a file that cannot be written.
    """
    try:
        if fmt == "parquet":
            return _parquet(header, rows, out)
        if out is None:
            return _csv(header, rows, sys.stdout)
        with out.open("w", newline="", encoding="utf-8") as stream:
            return _csv(header, rows, stream)
    except OSError as error:
        raise ArchiveError(f"cannot write {out}: {error.strerror or error}") from None


def _csv(header: Sequence[str], rows: Iterable[Sequence[Any]], stream: Any) -> int:
    writer = csv.writer(stream)
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
        count += 1
    return count


def _parquet(header: Sequence[str], rows: Iterable[Sequence[Any]], out: Path | None) -> int:
    try:
        import pyarrow as pa  # type: ignore[import-untyped]
        import pyarrow.parquet as pq  # type: ignore[import-untyped]
    except ImportError:
        raise ArchiveError(
            "Parquet needs pyarrow: pip install '.[parquet]' (or export as CSV)"
        ) from None
    columns: list[list[Any]] = [[] for _ in header]
    for row in rows:
        for column, value in zip(columns, row, strict=True):
            column.append(value)
    arrays = []
    for values in columns:
        try:
            arrays.append(pa.array(values))
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed kinds: keep each as text
            arrays.append(pa.array([None if v is None else str(v) for v in values]))
    table = pa.Table.from_arrays(arrays, names=list(header))
    pq.write_table(table, sys.stdout.buffer if out is None else str(out))
    return table.num_rows
