"""Rows an archive holds in memory because it cannot write them: why, how many, which, when.

A commit that fails leaves its rows held (`ground.archive.batch`); this module says in the
operator's words why the file refused them (`WriteFailure`), what they are (`HeldRows`, a
snapshot in commit order) and how they add up (`HeldSummary`: rows per table and the mission
time they span), for an alarm, a log line or a spill file (`ground.archive.spill`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ground.archive.schema import TIME_COLUMNS

ROW_OVERHEAD_BYTES = 64
"""What a row's numbers count for in `row_bytes`, besides its texts and octets."""

# The operator's words for a failed commit, by SQLite's error name (or the start of it):
# what happened, then what to do. {path} is the archive, {dir} its folder.
_FAILURES: tuple[tuple[str, str, str], ...] = (
    (
        "SQLITE_FULL",
        "the disk is full (or the file size limit was reached)",
        "free space under {dir}",
    ),
    (
        "SQLITE_IOERR",
        "a write to the disk failed (the disk is full, the file size limit was reached, or the "
        "disk is failing)",
        "free space under {dir}, or raise the file size limit (`ulimit -f`)",
    ),
    (
        "SQLITE_BUSY",
        "another program holds the archive's write lock",
        "close the other writer of {path}",
    ),
    (
        "SQLITE_LOCKED",
        "another program holds the archive's write lock",
        "close the other writer of {path}",
    ),
    ("SQLITE_READONLY", "the file or its folder is read-only", "make {dir} writable"),
    (
        "SQLITE_CANTOPEN",
        "the file can no longer be opened (moved, deleted, or its folder unreadable)",
        "put {path} back where it was",
    ),
)

# How a summary names each table's rows: (one, several).
_ROW_WORDS = {
    "meta": ("run metadata entry", "run metadata entries"),
    "segments": ("segment", "segments"),
    "declarations": ("parameter declaration", "parameter declarations"),
    "frames": ("frame", "frames"),
    "reports": ("housekeeping report", "housekeeping reports"),
    "events": ("event", "events"),
    "commands": ("command", "commands"),
    "verifications": ("verification stage", "verification stages"),
    "alarms": ("alarm step", "alarm steps"),
    "injections": ("fault injection", "fault injections"),
    "audit": ("audit entry", "audit entries"),
}


def row_bytes(row: tuple[Any, ...]) -> int:
    """What a row counts for against the bytes bound: its texts and octets, and an overhead.

    About what the row takes in memory (Python's objects add some 40 bytes more) and a little
    more than in a spill file.
    """
    return ROW_OVERHEAD_BYTES + sum(len(value) for value in row if isinstance(value, str | bytes))


def count(number: int, one: str, several: str) -> str:
    """`1 frame`, `1,234 frames`."""
    return f"{number:,} {one if number == 1 else several}"


def in_words(parts: list[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


@dataclass(frozen=True, slots=True)
class HoldLimit:
    """How much an archive may hold in memory while its commits fail: rows, and their bytes
    (`row_bytes`, within some 40 bytes a row of what Python holds for them). The defaults hold
    about 18 hours of the station's telemetry (1.5 frames a second, each a frame row and a
    housekeeping row of about 500 bytes), in about 70 MB."""

    rows: int = 200_000
    size_bytes: int = 64 * 2**20

    def __str__(self) -> str:
        return f"{self.rows:,} rows or {self.size_bytes / 2**20:,.0f} MiB"


DEFAULT_HOLD = HoldLimit()


@dataclass(frozen=True, slots=True)
class WriteFailure:
    """Why the archive's last commit failed, in the operator's words and in SQLite's."""

    path: Path
    error_name: str  # SQLite's, e.g. SQLITE_FULL
    detail: str  # SQLite's message, e.g. "database or disk is full"
    reason: str  # what happened, e.g. "the disk is full (or the file size limit was reached)"
    advice: str  # what to do, e.g. "free space under runs"

    @classmethod
    def of(cls, path: Path, error: Exception) -> WriteFailure:
        name = getattr(error, "sqlite_errorname", "") or type(error).__name__
        reason, advice = "SQLite refused the commit", "check the disk and the file {path}"
        for prefix, what, todo in _FAILURES:
            if name.startswith(prefix):
                reason, advice = what, todo
                break
        advice = advice.format(path=path, dir=path.parent)
        return cls(path, name, str(error), reason, advice)

    def __str__(self) -> str:
        return f"the archive {self.path} cannot be written: {self.reason}"


@dataclass(frozen=True, slots=True)
class HeldSummary:
    """How many rows of each table were held, command status updates, and their time span."""

    rows: dict[str, int]  # per table that has any, in commit order
    status_updates: int
    first_s: float | None  # the earliest mission time among the rows (None: no timed row)
    last_s: float | None

    @property
    def total(self) -> int:
        return sum(self.rows.values()) + self.status_updates

    def __str__(self) -> str:
        """`12 frames, 12 housekeeping reports and 1 alarm step (mission time 80.0–95.0 s)`."""
        parts = [count(number, *_ROW_WORDS[table]) for table, number in self.rows.items()]
        if self.status_updates:
            parts.append(
                count(self.status_updates, "command status update", "command status updates")
            )
        if not parts:
            return "no rows"
        span = (
            ""
            if self.first_s is None or self.last_s is None
            else f" (mission time {self.first_s:.1f}–{self.last_s:.1f} s)"
        )
        return in_words(parts) + span


@dataclass(frozen=True, slots=True)
class HeldRows:
    """The rows an archive holds, per table in commit order, and its command status updates."""

    tables: dict[str, tuple[tuple[Any, ...], ...]]
    status_updates: tuple[tuple[str, int], ...]

    def summary(self) -> HeldSummary:
        times = [
            row[column]
            for table, rows in self.tables.items()
            if (column := TIME_COLUMNS[table]) is not None
            for row in rows
        ]
        return HeldSummary(
            {table: len(rows) for table, rows in self.tables.items() if rows},
            len(self.status_updates),
            min(times, default=None),
            max(times, default=None),
        )
