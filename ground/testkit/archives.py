"""Compare two run archives: the evidence that a stepped run repeats bit for bit.

Every row of every table must be the same, raw frames included, save the columns that hold
wall time (`WALL_TIME_COLUMNS`: when a segment began, when an audited request was answered).
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from ground.archive.schema import WALL_TIME_COLUMNS


def digest(path: Path) -> str:
    """SHA-256 of the archive file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def table_rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows in storage order (frames as raw octets, decoded tables as stored)."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        names = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {
            name: connection.execute(f"SELECT * FROM {name} ORDER BY rowid").fetchall()
            for name in names
        }


def differences(first: Path, second: Path, shown: int = 3) -> list[str]:
    """What differs between two archives, table by table, wall time aside; empty when none."""
    if digest(first) == digest(second):
        return []
    found: list[str] = []
    rows_a, rows_b = table_rows(first), table_rows(second)
    for table in sorted(set(rows_a) | set(rows_b)):
        a = _without_wall_time(table, rows_a.get(table, []))
        b = _without_wall_time(table, rows_b.get(table, []))
        if a == b:
            continue
        found.append(f"{table}: {len(a)} rows vs {len(b)}")
        mismatched = [i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y][:shown]
        found.extend(f"  row {i}: {a[i]!r}\n       vs {b[i]!r}" for i in mismatched)
    return found


def _without_wall_time(table: str, rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    masked = WALL_TIME_COLUMNS.get(table, ())
    if not masked:
        return rows
    return [tuple("<wall time>" if i in masked else v for i, v in enumerate(row)) for row in rows]
