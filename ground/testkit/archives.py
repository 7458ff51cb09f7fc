"""Compare two run archives: the evidence that a stepped run repeats bit for bit."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path


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
    """What differs between two archives, table by table; empty when they are byte-identical."""
    if digest(first) == digest(second):
        return []
    found: list[str] = []
    rows_a, rows_b = table_rows(first), table_rows(second)
    for table in sorted(set(rows_a) | set(rows_b)):
        a, b = rows_a.get(table, []), rows_b.get(table, [])
        if a == b:
            continue
        found.append(f"{table}: {len(a)} rows vs {len(b)}")
        mismatched = [i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y][:shown]
        found.extend(f"  row {i}: {a[i]!r}\n       vs {b[i]!r}" for i in mismatched)
    if not found:
        found.append("same rows in every table, but the files differ (page layout)")
    return found
