"""Compare two folders of run archives table by table, row by row, raw frames included.

A change that must not alter what the processes send (a codec, a scheduling change) is checked
by flying every shipped scenario with the code before and after and comparing the archives:

    PYTHONPATH=<before> python -m pytest tests/scenarios --hil-data-dir /tmp/before
    PYTHONPATH=<after>  python -m pytest tests/scenarios --hil-data-dir /tmp/after
    python bench/compare_archives.py /tmp/before /tmp/after

Only the meta entries that name the checkout (`config`, `rules`: file paths) may differ.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

PATH_KEYS = ("config", "rules")


def table_rows(connection: sqlite3.Connection, table: str) -> list[tuple[object, ...]]:
    rows = connection.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
    return [r for r in rows if r[0] not in PATH_KEYS] if table == "meta" else rows


def compare(before: Path, after: Path) -> list[str]:
    """What differs between the archives of two folders (nothing: an empty list)."""
    names = sorted(p.name for p in before.glob("*.sqlite"))
    if names != sorted(p.name for p in after.glob("*.sqlite")):
        return [f"the folders hold different archives: {names}"]
    differences = []
    for name in names:
        old, new = sqlite3.connect(before / name), sqlite3.connect(after / name)
        tables = [t for (t,) in old.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in sorted(tables):
            rows_old, rows_new = table_rows(old, table), table_rows(new, table)
            if rows_old != rows_new:
                first = next(
                    (i for i, (a, b) in enumerate(zip(rows_old, rows_new, strict=False)) if a != b),
                    min(len(rows_old), len(rows_new)),
                )
                differences.append(
                    f"{name} {table}: {len(rows_old)} vs {len(rows_new)} rows, first differs at {first}"
                )
    return differences


def main() -> int:
    before, after = map(Path, sys.argv[1:3])
    differences = compare(before, after)
    archives = len(list(before.glob("*.sqlite")))
    print("\n".join(differences) or f"{archives} archives identical, row for row")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
