"""Batched writing of an archive: pending rows per table, committed in one transaction each.

Writes append to in-memory batches; one transaction commits every pending row when they reach
`batch_rows` or when the caller flushes (at least once per mission second and on shutdown).
A commit that fails (a full disk, the file size limit, a lock held elsewhere, an I/O error)
keeps its rows held in memory and says why in `failure`; nothing is lost and nothing retries
by itself: the caller retries with `try_flush()` on its own schedule, watches what is held
against its bound (`held_full`), and, if it must stop first, saves the held rows to a spill
file (`ground.archive.spill`). `flush()` is the same commit for callers that want an exception.
"""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ground.archive.held import (
    DEFAULT_HOLD,
    ROW_OVERHEAD_BYTES,
    HeldRows,
    HoldLimit,
    WriteFailure,
    row_bytes,
)
from ground.archive.query import ArchiveReader
from ground.archive.schema import COMMIT_ORDER, ID_TABLES, UPDATE_COMMAND_STATUS
from ground.archive.writing import RowWriter
from ground.errors import ArchiveError


@dataclass(frozen=True, slots=True)
class ArchiveStats:
    """What an archive has written so far (committed rows only), and what it holds."""

    rows_written: dict[str, int]
    status_updates: int
    batches_committed: int
    pending_rows: int  # accepted, not in the file yet (a batch filling, or held after a failure)
    pending_bytes: int  # what the pending rows count for against the bytes bound (`row_bytes`)
    failed_commits: int
    rows_written_late: int  # committed by the first commit that succeeded after a failure


class BatchWriter(ArchiveReader):
    """The pending rows of a writable archive, their ids, their commit and its statistics.

    `Archive` adds what is recorded; this class owns when and how it reaches the file.
    """

    def __init__(
        self,
        connection: sqlite3.Connection,
        path: Path,
        *,
        readonly: bool,
        batch_rows: int,
        hold: HoldLimit = DEFAULT_HOLD,
    ) -> None:
        super().__init__(connection, path)
        self._writable = not readonly
        self._batch_rows = batch_rows
        self.hold = hold
        self._pending: dict[str, list[tuple[Any, ...]]] = {table: [] for table in COMMIT_ORDER}
        self._writer = RowWriter()
        self._pending_updates: list[tuple[str, int]] = []
        self._pending_count = 0
        self._pending_bytes = 0
        self._rows_written = dict.fromkeys(COMMIT_ORDER, 0)
        self._status_updates = 0
        self._batches = 0
        self._failed_commits = 0
        self._rows_late = 0
        self.failure: WriteFailure | None = None
        """Why the latest commit failed; None once one succeeds (or before any failed)."""
        connection = self._ready_connection()
        self._next_ids = {  # ids are given out at record time: a command's id before commit
            table: connection.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0]
            for table in ID_TABLES
        }

    def try_flush(self) -> int:
        """Commit every pending row in one transaction; return how many rows were committed.

        A commit that fails returns 0 and keeps the rows held, in order; `failure` says why.
        """
        if self._pending_count == 0 and not self._pending["declarations"]:
            return 0
        connection = self._ready_connection()
        try:
            connection.execute("BEGIN IMMEDIATE")
            for table, rows in self._pending.items():
                if rows:
                    self._writer.write(connection, table, rows)
            if self._pending_updates:
                connection.executemany(UPDATE_COMMAND_STATUS, self._pending_updates)
            connection.execute("COMMIT")
        except Exception as exc:  # whatever fails, the transaction must end, and say why
            if connection.in_transaction:
                with contextlib.suppress(sqlite3.Error):  # the commit's error is the one to report
                    connection.execute("ROLLBACK")
            self._writer.rolled_back()
            self.failure = WriteFailure.of(self.path, exc)
            self._failed_commits += 1
            return 0
        committed = self._pending_count
        if self.failure is not None:
            self._rows_late += committed
            self.failure = None
        for table, rows in self._pending.items():
            self._rows_written[table] += len(rows)
            rows.clear()
        self._status_updates += len(self._pending_updates)
        self._pending_updates.clear()
        self._pending_count = 0
        self._pending_bytes = 0
        self._batches += 1
        return committed

    def flush(self) -> int:
        """Commit every pending row in one transaction; return how many rows were committed.

        Raises:
            ArchiveError: the commit failed; the rows stay pending, call `flush()` again once
                the cause (a full disk, a lock held elsewhere) is gone. Until a flush succeeds,
                recording keeps accepting rows without retrying the commit on every call.
        """
        committed = self.try_flush()
        failure = self.failure
        if failure is not None and self._pending_count:
            raise ArchiveError(
                f"could not commit {self._pending_count:,} pending rows to {self.path}: "
                f"{failure.reason} ({failure.error_name}: {failure.detail}). They stay pending: "
                f"{failure.advice}, then call flush() again."
            )
        return committed

    def close(self, *, discard_pending: bool = False) -> None:
        """Flush and close. If the flush fails the archive stays open with its pending rows
        (retry, or pass `discard_pending=True` to give them up, once they are saved elsewhere)."""
        if self._connection is None:
            return
        if self._writable and not discard_pending:
            self.flush()
        self._connection.close()
        self._connection = None
        for rows in self._pending.values():
            rows.clear()
        self._pending_updates.clear()
        self._pending_count = self._pending_bytes = 0

    @property
    def closed(self) -> bool:
        return self._connection is None

    @property
    def held_full(self) -> bool:
        """The rows pending have reached the bound on what may be held (`hold`)."""
        hold = self.hold
        return self._pending_count >= hold.rows or self._pending_bytes >= hold.size_bytes

    def held(self) -> HeldRows:
        """A snapshot of the pending rows, per table in commit order (to spill them)."""
        return HeldRows(
            {table: tuple(rows) for table, rows in self._pending.items()},
            tuple(self._pending_updates),
        )

    @property
    def stats(self) -> ArchiveStats:
        """Rows committed per table, command status updates, batches committed, rows pending."""
        return ArchiveStats(
            dict(self._rows_written),
            self._status_updates,
            self._batches,
            self._pending_count,
            self._pending_bytes,
            self._failed_commits,
            self._rows_late,
        )

    # -- internals -------------------------------------------------------------------------

    def _ready(self) -> sqlite3.Connection:
        connection = super()._ready()
        # Queries see every accepted row; while commits fail they see the committed ones.
        if self._writable and self.failure is None:
            self.try_flush()
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
        self._added(1, row_bytes(row))

    def _added(self, count: int, size_bytes: int = ROW_OVERHEAD_BYTES) -> None:
        self._pending_count += count
        self._pending_bytes += size_bytes
        # After a failed commit only the caller retries: a retry per record would stall ingest.
        if self._pending_count >= self._batch_rows and self.failure is None:
            self.try_flush()
