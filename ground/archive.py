"""The ground archive: one SQLite file per run, written in batches, queried by mission time.

    GroundError (ground.errors)
    └── ArchiveError    the archive cannot do what was asked (defined in ground.archive_schema)

Writes append to in-memory batches; one transaction commits every pending row when they reach
`batch_rows` or when `flush()` is called (the caller flushes at least once per mission second
and on shutdown). The file is in WAL mode with `synchronous=NORMAL`: a crash loses at most the
uncommitted batch, and every committed row stays readable. A failed commit (disk full, file
locked, I/O error) raises ArchiveError and keeps the batch in memory, so a later `flush()`
can still commit it. Input is validated when it is recorded, never at commit, so one bad value
cannot block a batch.

A housekeeping report is one row, its parameters packed with msgpack
(`ground.archive_schema`), so ingest costs one insert per packet, not one per parameter.
Nothing in the tables comes from the wall clock: the same calls give the same rows.

An Archive belongs to the thread that made it (sqlite3's rule): an actor creates it in
`on_start` and closes it in `on_stop`.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ground.archive_query import ArchiveReader
from ground.archive_schema import (
    INSERTS,
    INT64_MAX,
    INT64_MIN,
    SCHEMA_VERSION,
    UPDATE_COMMAND_STATUS,
    ArchiveError,
    MetaValue,
    Scalar,
    create_file,
    encode_scalar,
    meta_json,
    mission_time,
    open_file,
    optional_int,
    optional_text,
    optional_time,
    pack_params,
    packer,
    text,
    to_json,
)

__all__ = ["Archive", "ArchiveError", "ArchiveStats"]

DEFAULT_BATCH_ROWS = 1000
_HEADER_FIELDS = ("apid", "seq", "packet_type", "service", "subtype")
_KEY_SETS_REMEMBERED = 4096  # distinct (subsystem, keys) a writer remembers; more are re-checked
_RUN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_ADVICE = {
    "SQLITE_FULL": "the disk (or the file's size limit) is full: free space under {dir}",
    "SQLITE_BUSY": "another connection holds the write lock: close the other writer",
    "SQLITE_LOCKED": "another connection holds the write lock: close the other writer",
    "SQLITE_READONLY": "the file or its directory is read-only: make {dir} writable",
}


def _command_id(value: object) -> int:
    number = optional_int("command_id", value)
    if number is None or number < 1:
        raise ArchiveError(f"command_id must be an id from record_command, got {value!r}")
    return number


def _octets(raw: object) -> bytes:
    if not isinstance(raw, bytes | bytearray | memoryview):
        raise ArchiveError(f"raw must be bytes, got {type(raw).__name__}")
    return bytes(raw)


def _subsystem(value: object) -> str:
    subsystem = text("subsystem", value)
    if "." in subsystem:
        raise ArchiveError(
            f"subsystem {subsystem!r} holds a '.', which separates it from the parameter in "
            "full names; use a name without '.'"
        )
    return subsystem


def _check_batch_rows(batch_rows: int) -> None:
    if batch_rows < 1:
        raise ArchiveError(f"batch_rows must be at least 1, got {batch_rows}")


@dataclass(frozen=True, slots=True)
class ArchiveStats:
    """What an archive has written so far (committed rows only, except `pending_rows`)."""

    rows_written: dict[str, int]
    status_updates: int
    batches_committed: int
    pending_rows: int


class Archive(ArchiveReader):
    """One run's archive: record telemetry, events and commands; query them back.

    Make one with `Archive.create` (a new run) or `Archive.open` (replay and queries); the
    constructor takes over an already opened connection.
    Queries on a writable archive flush first, so they see every accepted row (after a failed
    commit they answer from the committed rows until a `flush()` succeeds).
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
        self._pack = packer().pack
        # Key sets already checked and listed in housekeeping_keys: the next report with the
        # same keys (nearly every report) costs one set lookup, not a look at every key.
        self._key_sets: set[tuple[str, tuple[str, ...]]] = set()
        self._keys: dict[str, set[str]] = {}
        for subsystem, key in connection.execute("SELECT subsystem, key FROM housekeeping_keys"):
            self._keys.setdefault(subsystem, set()).add(key)
        self._next_ids = {  # ids are given out at record time: a command's id before commit
            table: connection.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0]
            for table in ("frames", "events", "commands", "verifications", "alarms", "injections")
        }

    @classmethod
    def create(
        cls,
        data_dir: Path | str,
        run_name: str,
        meta: Mapping[str, MetaValue] | None = None,
        *,
        batch_rows: int = DEFAULT_BATCH_ROWS,
        busy_timeout_s: float = 5.0,
    ) -> Archive:
        """Create `data_dir/<run_name>.sqlite` with the schema and `meta`, and open it to write.

        Args:
            data_dir: directory of the run archives; made if missing.
            run_name: file stem: letters, digits, '.', '_' and '-', not starting with '.'.
            meta: what identifies the run (mission, config path, seed, created-by version,
                epoch); stored as given, next to `schema_version`.
            batch_rows: pending rows that trigger a commit.
            busy_timeout_s: how long a commit waits for another connection's lock.

        Raises:
            ArchiveError: the name is unusable, the file already exists, or SQLite failed.
        """
        if not _RUN_NAME.fullmatch(run_name):
            raise ArchiveError(
                f"run name {run_name!r} cannot be a file name; use letters, digits, '.', '_' "
                "and '-', not starting with '.'"
            )
        _check_batch_rows(batch_rows)
        directory = Path(data_dir)
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"{run_name}.sqlite"
        connection = create_file(
            path, {"schema_version": SCHEMA_VERSION, **(meta or {})}, busy_timeout_s
        )
        return cls(connection, path, readonly=False, batch_rows=batch_rows)

    @classmethod
    def open(
        cls,
        path: Path | str,
        readonly: bool = True,
        *,
        batch_rows: int = DEFAULT_BATCH_ROWS,
        busy_timeout_s: float = 5.0,
    ) -> Archive:
        """Open an existing archive, read-only unless `readonly=False` (to append to a run).

        Raises:
            ArchiveError: the file is missing, is not an archive, or has another schema version.
        """
        _check_batch_rows(batch_rows)
        path = Path(path)
        connection = open_file(path, readonly, busy_timeout_s)
        return cls(connection, path, readonly=readonly, batch_rows=batch_rows)

    # -- writing ---------------------------------------------------------------------------

    def record_frame(
        self,
        received_s: float,
        raw: bytes,
        *,
        ok: bool = True,
        reason: str | None = None,
        generated_s: float | None = None,
        apid: int | None = None,
        seq: int | None = None,
        packet_type: int | None = None,
        service: int | None = None,
        subtype: int | None = None,
    ) -> int:
        """Record one received frame, good or bad, and return its id (ids grow in receipt order).

        Header fields are None when the frame was too broken to decode them; `reason` says why
        a bad frame was rejected. The `length` column is `len(raw)` in octets.
        """
        self._check_writable()
        if type(raw) is not bytes:
            raw = _octets(raw)
        header: tuple[int | None, ...] = (apid, seq, packet_type, service, subtype)
        if not (  # a decoded frame's five small ints are checked inline, without five calls
            type(apid) is int
            and type(seq) is int
            and type(packet_type) is int
            and type(service) is int
            and type(subtype) is int
            and min(apid, seq, packet_type, service, subtype) >= INT64_MIN
            and max(apid, seq, packet_type, service, subtype) <= INT64_MAX
        ):
            header = tuple(map(optional_int, _HEADER_FIELDS, header))
        frame_id = self._next_ids["frames"]
        self._next_ids["frames"] = frame_id + 1
        self._pending["frames"].append(
            (
                frame_id,
                mission_time("received_s", received_s),
                optional_time("generated_s", generated_s),
                *header,
                len(raw),
                1 if ok else 0,
                reason if reason is None or type(reason) is str else text("reason", reason),
                raw,
            )
        )
        self._added(1)
        return frame_id

    def record_housekeeping(
        self, time_s: float, subsystem: str, params: Mapping[str, Scalar]
    ) -> None:
        """Record one housekeeping report of `subsystem` as one row: its `params` packed.

        Values keep their type (bool, int, float or str; numpy scalars and enums become their
        plain equivalents). The parameters are queried by their full names `subsystem.name`.

        Raises:
            ArchiveError: the time is not a finite number, the subsystem is not a str or holds
                a '.', a name is not a str, or a value is not a scalar (bool, int, float, str).
        """
        self._check_writable()
        row = (
            mission_time("time_s", time_s),
            subsystem if type(subsystem) is str and "." not in subsystem else _subsystem(subsystem),
            pack_params(self._pack, subsystem, params),
        )
        key_set = (row[1], tuple(params))
        if key_set not in self._key_sets:
            self._note_keys(*key_set)
        self._pending["housekeeping"].append(row)
        self._added(1)

    def record_event(
        self,
        time_s: float,
        subsystem: str,
        name: str,
        severity: int,
        message: str = "",
        params: Mapping[str, Any] | None = None,
        *,
        received_s: float | None = None,
    ) -> None:
        """Record an event; `severity` is 1 (informative) to 4 (high), as in TM[5,1..4]."""
        self._check_writable()
        level = optional_int("severity", severity)
        if level is None or not 1 <= level <= 4:
            raise ArchiveError(f"event severity must be 1..4 (TM[5,x] subtype), got {severity!r}")
        row = (
            self._next_ids["events"],
            mission_time("time_s", time_s),
            optional_time("received_s", received_s),
            text("subsystem", subsystem),
            text("event name", name),
            level,
            text("message", message),
            to_json("event params", params),
        )
        self._append("events", row)

    def record_command(
        self,
        uplinked_s: float,
        name: str,
        args: Mapping[str, Any] | None = None,
        *,
        apid: int | None = None,
        seq: int | None = None,
        status: str = "uplinked",
        source: str | None = None,
        time_tag_s: float | None = None,
    ) -> int:
        """Record a telecommand sent (or queued) and return its id for later updates."""
        self._check_writable()
        row = (
            self._next_ids["commands"],
            mission_time("uplinked_s", uplinked_s),
            text("command name", name),
            to_json("command args", args),
            optional_int("apid", apid),
            optional_int("seq", seq),
            text("status", status),
            optional_text("source", source),
            optional_time("time_tag_s", time_tag_s),
        )
        self._append("commands", row)
        return int(row[0])

    def update_command_status(self, command_id: int, status: str) -> None:
        """Set a recorded command's status (applied in the same batch as later rows)."""
        self._check_writable()
        number = _command_id(command_id)
        if not number < self._next_ids["commands"]:
            raise ArchiveError(f"no command {number} in {self.path}; use record_command's id")
        self._pending_updates.append((text("status", status), number))
        self._added(1)

    def record_verification(
        self,
        command_id: int,
        time_s: float,
        stage: str,
        ok: bool,
        code: int | None = None,
        detail: str | None = None,
    ) -> None:
        """Record one verification stage (acceptance, start, progress, completion) of a command."""
        self._check_writable()
        row = (
            self._next_ids["verifications"],
            _command_id(command_id),
            mission_time("time_s", time_s),
            text("stage", stage),
            int(bool(ok)),
            optional_int("code", code),
            optional_text("detail", detail),
        )
        self._append("verifications", row)

    def record_alarm(
        self,
        time_s: float,
        name: str,
        kind: str,
        severity: str,
        condition: str,
        value: Scalar | None = None,
        *,
        operator: str | None = None,
        comment: str | None = None,
    ) -> None:
        """Record a step in an alarm's life: `kind` is e.g. triggered, acknowledged, cleared.

        `condition` is the rule's own description; `operator` is who acknowledged or shelved.
        """
        self._check_writable()
        value_kind, stored = (None, None) if value is None else encode_scalar(name, value)
        row = (
            self._next_ids["alarms"],
            mission_time("time_s", time_s),
            text("alarm name", name),
            text("alarm kind", kind),
            text("alarm severity", severity),
            text("condition", condition),
            value_kind,
            stored,
            optional_text("operator", operator),
            optional_text("comment", comment),
        )
        self._append("alarms", row)

    def record_injection(
        self,
        time_s: float,
        subsystem: str,
        fault: str,
        action: str,
        params: Mapping[str, Any] | None = None,
    ) -> None:
        """Record a fault injected (`action="inject"`) or cleared (`action="clear"`)."""
        self._check_writable()
        if action not in ("inject", "clear"):
            raise ArchiveError(f"injection action must be 'inject' or 'clear', got {action!r}")
        row = (
            self._next_ids["injections"],
            mission_time("time_s", time_s),
            text("subsystem", subsystem),
            text("fault", fault),
            action,
            to_json("injection params", params),
        )
        self._append("injections", row)

    def set_meta(self, key: str, value: MetaValue) -> None:
        """Set one metadata entry (replacing an older value), committed with the next batch."""
        self._check_writable()
        self._append("meta", (text("meta key", key), meta_json(key, value)))

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

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

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

    def _note_keys(self, subsystem: str, keys: tuple[str, ...]) -> None:
        """Check a key set not seen before and queue the keys new to the archive.

        The keys ride in the batch of their report without counting towards `batch_rows`.
        """
        for key in keys:
            text("parameter name", key)
        known = self._keys.setdefault(subsystem, set())
        new = [(subsystem, key) for key in keys if key not in known]
        known.update(keys)
        self._pending["housekeeping_keys"].extend(new)
        if len(self._key_sets) >= _KEY_SETS_REMEMBERED:
            self._key_sets.clear()
        self._key_sets.add((subsystem, keys))

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
