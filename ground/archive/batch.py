"""Batched writing of an archive: pending rows per table, committed in one transaction each.

Writes append to in-memory batches; one transaction commits every pending row when they reach
`batch_rows` or when `flush()` is called (the caller flushes at least once per mission second
and on shutdown). A failed commit (disk full, file locked, I/O error) raises ArchiveError and
keeps the batch in memory, so a later `flush()` can still commit it.
"""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ground.archive.query import ArchiveReader
from ground.archive.schema import INSERTS, UPDATE_COMMAND_STATUS
from ground.errors import ArchiveError

_ADVICE = {
    "SQLITE_FULL": "the disk (or the file's size limit) is full: free space under {dir}",
    "SQLITE_BUSY": "another connection holds the write lock: close the other writer",
    "SQLITE_LOCKED": "another connection holds the write lock: close the other writer",
    "SQLITE_READONLY": "the file or its directory is read-only: make {dir} writable",
}
_ID_TABLES = ("frames", "events", "commands", "verifications", "alarms", "injections")


@dataclass(frozen=True, slots=True)
class ArchiveStats:
    """What an archive has written so far (committed rows only, except `pending_rows`)."""

    rows_written: dict[str, int]
    status_updates: int
    batches_committed: int
    pending_rows: int


class BatchWriter(ArchiveReader):
    """The pending rows of a writable archive, their ids, their commit and its statistics.

    `Archive` adds what is recorded; this class owns when and how it reaches the file.
    """

    def __init__(
        self, connection: sqlite3.Connection, path: Path, *, readonly: bool, batch_rows: int
    ) -> None:
        super().__init__(connection, path)
        self._writable = not readonly
        self._batch_rows = batch_rows
        self._pending: dict[str, list[tuple[Any, ...]]] = {table: [] for table in INSERTS}
        self._pending_updates: list[tuple[str, int]] = []
        self._pending_count = 0
        self._rows_written = dict.fromkeys(INSERTS, 0)
        self._status_updates = 0
        self._batches = 0
        self._commit_failed = False
        connection = self._ready_connection()
        self._next_ids = {  # ids are given out at record time: a command's id before commit
            table: connection.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0]
            for table in _ID_TABLES
        }

    def flush(self) -> int:
        """Commit every pending row in one transaction; return how many rows were committed.

        Raises:
            ArchiveError: the commit failed; the rows stay pending, call `flush()` again once
                the cause (a full disk, a lock held elsewhere) is gone. Until a flush succeeds,
                recording keeps accepting rows without retrying the commit on every call.
        """
        if self._pending_count == 0:
            return 0
        connection = self._ready_connection()
        try:
            connection.execute("BEGIN IMMEDIATE")
            for table, rows in self._pending.items():
                if rows:
                    connection.executemany(INSERTS[table], rows)
            if self._pending_updates:
                connection.executemany(UPDATE_COMMAND_STATUS, self._pending_updates)
            connection.execute("COMMIT")
        except sqlite3.Error as exc:
            if connection.in_transaction:
                with contextlib.suppress(sqlite3.Error):  # the commit's error is the one to report
                    connection.execute("ROLLBACK")
            self._commit_failed = True
            raise ArchiveError(self._commit_failure(exc)) from exc
        self._commit_failed = False
        committed = self._pending_count
        for table, rows in self._pending.items():
            self._rows_written[table] += len(rows)
            rows.clear()
        self._status_updates += len(self._pending_updates)
        self._pending_updates.clear()
        self._pending_count = 0
        self._batches += 1
        return committed

    def close(self, *, discard_pending: bool = False) -> None:
        """Flush and close. If the flush fails the archive stays open with its pending rows
        (retry, or pass `discard_pending=True` to give them up)."""
        if self._connection is None:
            return
        if self._writable and not discard_pending:
            self.flush()
        self._connection.close()
        self._connection = None

    @property
    def stats(self) -> ArchiveStats:
        """Rows committed per table, command status updates, batches committed, rows pending."""
        return ArchiveStats(
            dict(self._rows_written), self._status_updates, self._batches, self._pending_count
        )

    # -- internals -------------------------------------------------------------------------

    def _ready(self) -> sqlite3.Connection:
        connection = super()._ready()
        # Queries see every accepted row; while commits fail they see the committed ones.
        if self._writable and not self._commit_failed:
            self.flush()
        return connection

    def _ready_connection(self) -> sqlite3.Connection:
        return super()._ready()

    def _check_writable(self) -> None:
        if not self._writable:
            raise ArchiveError(
                f"archive {self.path} is open read-only; use Archive.create to write"
            )
        if self._connection is None:
            raise ArchiveError(f"archive {self.path} is closed; nothing more can be recorded")

    def _append(self, table: str, row: tuple[Any, ...]) -> None:
        """Queue a validated row; a table with an id column hands out the next id."""
        self._pending[table].append(row)
        if table in self._next_ids:
            self._next_ids[table] += 1
        self._added(1)

    def _added(self, count: int) -> None:
        self._pending_count += count
        # After a failed commit only flush() retries: a retry per record would stall ingest.
        if self._pending_count >= self._batch_rows and not self._commit_failed:
            self.flush()

    def _commit_failure(self, exc: sqlite3.Error) -> str:
        name = getattr(exc, "sqlite_errorname", "") or type(exc).__name__
        advice = _ADVICE.get(name, "check the disk and the file").format(dir=self.path.parent)
        return (
            f"could not commit {self._pending_count} pending rows to {self.path}: {exc} ({name}). "
            f"The rows are kept in memory: {advice}, then call flush() again."
        )
