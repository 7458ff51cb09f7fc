"""The ground archive: one SQLite file per run, written in batches, queried by mission time.

    GroundError (ground.errors)
    └── ArchiveError    the archive cannot do what was asked (defined in ground.archive.schema)

Rows are written in batches (`ground.archive.batch`). The file is in WAL mode with
`synchronous=NORMAL`: a crash loses at most the uncommitted batch, and every committed row stays
readable. Input is validated when it is recorded, never at commit, so one bad value cannot block
a batch.

A housekeeping report is one row of its subsystem's telemetry table, a typed column per
parameter (`ground.archive.telemetry_tables`); a frame's octets go into a compressed block
(`ground.archive.frame_blocks`). Ingest costs one row per packet, not one per parameter.
Nothing in the tables comes from the wall clock but the wall time a segment after the first
began: the same calls give the same rows.

Every row is stamped with the segment being written (`segment`); `begin_segment` starts the
next one, when another spacecraft flies under the same ground.

An Archive belongs to the thread that made it (sqlite3's rule): an actor creates it in
`on_start` and closes it in `on_stop`.
"""

from __future__ import annotations

import re
import sqlite3
from array import array
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import Any

from flightsw.clock import wall_stamp
from ground.archive.batch import ArchiveStats, BatchWriter
from ground.archive.checked_names import CheckedNames
from ground.archive.held import DEFAULT_HOLD, ROW_OVERHEAD_BYTES, HoldLimit
from ground.archive.schema import (
    INT64_MAX,
    INT64_MIN,
    PLAIN,
    SCHEMA_VERSION,
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
    text,
    to_json,
)
from ground.archive.telemetry_tables import SQL_TYPES
from ground.errors import ArchiveError

__all__ = ["Archive", "ArchiveError", "ArchiveStats"]

DEFAULT_BATCH_ROWS = 1000
REPORT_BYTES_PER_VALUE = 16  # what a report's value counts for against the bytes held
_HEADER_FIELDS = ("apid", "seq", "packet_type", "service", "subtype")
_RUN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def default_run_name(mission: str) -> str:
    """`MISSION-YYYYmmdd-HHMMSS`, a run's archive name when the operator gives none."""
    return f"{mission}-{wall_stamp()}"


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


def _plain_and_64_bit(values: Collection[object]) -> bool:
    """Every value a plain bool, int, float or str, and every int 64-bit (an array of signed
    64-bit ints refuses a larger one): checks mostly made in C, as they run once per report.
    `values` is walked twice: a collection, not an iterator."""
    types = set(map(type, values))
    if not PLAIN.issuperset(types):
        return False
    if int in types:
        try:
            array("q", [value for value in values if value.__class__ is int])
        except OverflowError:
            return False
    return True


def _plain(subsystem: str, params: object) -> dict[str, Scalar]:
    """A report's parameters as plain bool, int (64-bit), float and str values, or ArchiveError."""
    if not isinstance(params, Mapping):
        raise ArchiveError(
            f"housekeeping of {subsystem!r}: params must be a mapping of name to value, got "
            f"{type(params).__name__}"
        )
    plain: dict[str, Scalar] = {}
    for key, value in params.items():
        name = f"{subsystem}.{key}"
        kind, stored = encode_scalar(name, value)
        if kind == "int" and type(stored) is str:
            raise ArchiveError(
                f"parameter {name!r}: {stored} does not fit in 64 bits, as telemetry ints must"
            )
        plain[text("parameter name", key)] = stored
    return plain


def _check_batch_rows(batch_rows: int) -> None:
    if batch_rows < 1:
        raise ArchiveError(f"batch_rows must be at least 1, got {batch_rows}")


class Archive(BatchWriter):
    """One run's archive: record telemetry, events and commands; query them back.

    Make one with `Archive.create` (a new run) or `Archive.open` (replay and queries); the
    constructor takes over an already opened connection.
    Queries on a writable archive flush first, so they see every accepted row (after a failed
    commit they answer from the committed rows until a commit succeeds).
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
        super().__init__(connection, path, readonly=readonly, batch_rows=batch_rows, hold=hold)
        self._checked_names = CheckedNames()
        self._key_sets = self._checked_names.seen  # the same set: one lookup per report
        begun = self._ready_connection().execute("SELECT max(segment) FROM segments").fetchone()
        self.segment: int = begun[0] or 1  # what new rows are stamped with
        self._segment_begun = begun[0] is not None

    @classmethod
    def create(
        cls,
        data_dir: Path | str,
        run_name: str,
        meta: Mapping[str, MetaValue] | None = None,
        *,
        batch_rows: int = DEFAULT_BATCH_ROWS,
        busy_timeout_s: float = 5.0,
        hold: HoldLimit = DEFAULT_HOLD,
    ) -> Archive:
        """Create `data_dir/<run_name>.sqlite` with the schema and `meta`, and open it to write.

        Args:
            data_dir: directory of the run archives; made if missing.
            run_name: file stem: letters, digits, '.', '_' and '-', not starting with '.'.
            meta: what identifies the run (mission, config path, seed, created-by version,
                epoch); stored as given, next to `schema_version`.
            batch_rows: pending rows that trigger a commit.
            busy_timeout_s: how long a commit waits for another connection's lock.
            hold: how much may be held in memory while commits fail (`held_full` says when
                it is reached).

        Raises:
            ArchiveError: the name is unusable, the file already exists, or SQLite failed.
        """
        if not _RUN_NAME.fullmatch(run_name):
            raise ArchiveError(
                f"run name {run_name!r} cannot be a file name; use letters, digits, '.', '_' "
                "and '-', not starting with '.'"
            )
        _check_batch_rows(batch_rows)
        path = Path(data_dir) / f"{run_name}.sqlite"
        connection = create_file(
            path, {"schema_version": SCHEMA_VERSION, **(meta or {})}, busy_timeout_s
        )
        return cls(connection, path, readonly=False, batch_rows=batch_rows, hold=hold)

    @classmethod
    def open(
        cls,
        path: Path | str,
        readonly: bool = True,
        *,
        batch_rows: int = DEFAULT_BATCH_ROWS,
        busy_timeout_s: float = 5.0,
        hold: HoldLimit = DEFAULT_HOLD,
    ) -> Archive:
        """Open an existing archive, read-only unless `readonly=False` (to append to a run).

        Raises:
            ArchiveError: the file is missing, is not an archive, or has another schema version.
        """
        _check_batch_rows(batch_rows)
        path = Path(path)
        connection = open_file(path, readonly, busy_timeout_s)
        return cls(connection, path, readonly=readonly, batch_rows=batch_rows, hold=hold)

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
                self.segment,
            )
        )
        self._added(1, ROW_OVERHEAD_BYTES + len(raw))
        return frame_id

    def declare_parameters(self, parameters: Iterable[tuple[str, str, str, str]]) -> None:
        """Make a column for each `(subsystem, name, kind, unit)` not stored yet, in this order
        (the dictionary's), so the telemetry tables read like the dictionary; `kind` is
        float, int, bool or str. A parameter never declared gets its column when a report
        first carries it.

        Raises:
            ArchiveError: a name is not a str, a subsystem holds a '.', or a kind is unknown.
        """
        self._check_writable()
        for subsystem, name, kind, unit in parameters:
            if kind not in SQL_TYPES:
                raise ArchiveError(
                    f"parameter {subsystem}.{name}: kind {kind!r} is not one of "
                    f"{', '.join(SQL_TYPES)}"
                )
            row = (_subsystem(subsystem), text("parameter name", name), kind, text("unit", unit))
            # Declarations ride in the next commit without counting as rows held or batched.
            self._pending["declarations"].append(row)

    def record_housekeeping(
        self, time_s: float, subsystem: str, params: Mapping[str, Scalar]
    ) -> None:
        """Record one housekeeping report of `subsystem` as one row of its telemetry table.

        Values keep their type (bool, int, float or str; numpy scalars and enums become their
        plain equivalents; ints fit in 64 bits, as on the link). The parameters are queried by
        their full names `subsystem.name`.

        Raises:
            ArchiveError: the time is not a finite number, the subsystem is not a str or holds
                a '.', a name is not a str, or a value is not a scalar (bool, int, float, str).
        """
        self._check_writable()
        if type(params) is not dict or not _plain_and_64_bit(params.values()):
            params = _plain(subsystem, params)
        row = (
            mission_time("time_s", time_s),
            subsystem if type(subsystem) is str and "." not in subsystem else _subsystem(subsystem),
            params,
            self.segment,
        )
        key_set = (row[1], tuple(params))
        if key_set not in self._key_sets:
            self._checked_names.check(*key_set)
        self._pending["reports"].append(row)
        self._added(1, ROW_OVERHEAD_BYTES + REPORT_BYTES_PER_VALUE * len(params))

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
            self.segment,
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
            self.segment,
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
            self.segment,
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
            self.segment,
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
            self.segment,
        )
        self._append("injections", row)

    def record_audit(
        self,
        time_s: float,
        utc: str,
        operator: str,
        role: str,
        action: str,
        request: str,
        outcome: str,
    ) -> None:
        """Record who asked the control API for what (`request`, JSON), when, and how it ended."""
        self._check_writable()
        row = (
            self._next_ids["audit"],
            mission_time("time_s", time_s),
            text("utc", utc),
            text("operator", operator),
            text("role", role),
            text("action", action),
            text("request", request),
            text("outcome", outcome),
            self.segment,
        )
        self._append("audit", row)

    def begin_segment(self, start_s: float, reason: str, wall_time: str | None = None) -> int:
        """Start the next segment at mission time `start_s` and return its number.

        The first call on a new archive describes segment 1 (the run's beginning; pass no wall
        time, so a stepped run repeats byte for byte); each later one starts segment 2, 3, ...,
        and every row recorded from now on is stamped with it.
        """
        self._check_writable()
        segment = self.segment + 1 if self._segment_begun else 1
        row = (segment, mission_time("start_s", start_s), optional_text("wall_time", wall_time),
               text("segment reason", reason))  # fmt: skip
        self._append("segments", row)
        self.segment = segment
        self._segment_begun = True
        return segment

    def set_meta(self, key: str, value: MetaValue) -> None:
        """Set one metadata entry (replacing an older value), committed with the next batch."""
        self._check_writable()
        self._append("meta", (text("meta key", key), meta_json(key, value)))

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
