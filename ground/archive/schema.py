"""The archive's SQLite schema, its row types, and how Python values become column values.

Besides the two functions that make and open the file, everything here is pure.
`ground.archive.store` writes with it and `ground.archive.query` reads with it.

Telemetry is stored in typed columns, one table per subsystem (`tm_<subsystem>`), described
by the `parameters` catalogue (`ground.archive.telemetry_tables`); raw frames are kept,
compressed in blocks, for replay (`ground.archive.frame_blocks`). docs/archive.md draws the
schema with example queries.

Alarm values keep their Python type through a `value_kind` column next to the value:

    kind     stored value                        read back as
    'float'  REAL (NaN is stored as NULL)        float
    'int'    INTEGER (as TEXT beyond 64 bits)    int
    'bool'   INTEGER 0 or 1                      bool
    'str'    TEXT                                str

That `value` column is declared without a type so SQLite keeps an int an INTEGER instead of
rounding it through REAL.

A run is cut into segments, one per spacecraft the ground flew with: a spacecraft that restarts
or is replaced under a running ground starts a new one at its own mission time (T+0 again).
Every row says its `segment`, and `segments` says when and why each began, so T+0 of segment 2
is never mistaken for T+0 of segment 1. Segment 1's wall time is left out (NULL): it began with
the archive, and a stepped run's archive must repeat byte for byte.
"""

from __future__ import annotations

import json
import math
import numbers
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from flightsw.icd import Scalar
from ground.errors import ArchiveError

SCHEMA_VERSION = 5
"""5: typed telemetry tables and compressed frame blocks; 4: the audit trail; 3: segments;
2: housekeeping packed one row per report; 1: one row a value."""
PREVIOUS_LAYOUT = 4  # what `mission archive convert` reads

MetaValue = bool | int | float | str | None

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1

PLAIN = frozenset({bool, int, float, str})  # value types stored and given back as they are


def encode_scalar(name: str, value: object) -> tuple[str, Scalar]:
    """Return `(kind, column_value)` for a parameter value, or raise ArchiveError.

    Accepts bool, int, float and str, their subclasses (an IntEnum is stored as int) and
    numpy scalars (through `.item()`).
    """
    if isinstance(value, bool):
        return "bool", bool(value)
    if isinstance(value, numbers.Integral):
        number = int(value)
        # SQLite integers are 64-bit; text keeps a larger int exact.
        return "int", number if INT64_MIN <= number <= INT64_MAX else str(number)
    if isinstance(value, numbers.Real):
        return "float", float(value)
    if isinstance(value, str):
        return "str", str(value)
    item = getattr(value, "item", None)
    if callable(item):
        plain = item()
        if type(plain) in (bool, int, float, str):
            return encode_scalar(name, plain)
    raise ArchiveError(
        f"parameter {name!r}: a {type(value).__name__} ({value!r}) cannot be archived; "
        "pass a bool, int, float or str"
    )


def decode_scalar(kind: str, value: Any) -> Scalar:
    """Return the Python value that `encode_scalar` stored as `(kind, value)`."""
    if kind == "float":
        return math.nan if value is None else float(value)
    if kind == "int":
        return int(value)
    if kind == "bool":
        return bool(value)
    return str(value)


def to_json(field: str, value: Mapping[str, Any] | None) -> str:
    """Encode a mapping as canonical JSON (sorted keys, no spaces): equal inputs, equal rows."""
    try:
        return json.dumps(dict(value or {}), sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        raise ArchiveError(
            f"{field}: {exc}; pass only JSON-compatible values (str, numbers, bool, None, "
            "lists and dicts with str keys)"
        ) from exc


def meta_json(key: str, value: object) -> str:
    """Encode one metadata value as JSON, or raise ArchiveError."""
    if value is not None and not isinstance(value, bool | int | float | str):
        raise ArchiveError(
            f"meta {key!r}: a {type(value).__name__} cannot be stored; pass a str, number, "
            "bool or None"
        )
    return json.dumps(value)


def mission_time(field: str, value: object) -> float:
    """Return `value` as a finite float mission time, or raise ArchiveError."""
    if type(value) is float and value - value == 0.0:  # fast path; inf - inf and nan are nan
        return value
    try:
        time_s = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ArchiveError(f"{field} must be a number of mission seconds, got {value!r}") from None
    if not math.isfinite(time_s):
        raise ArchiveError(f"{field} must be a finite number of mission seconds, got {value!r}")
    return time_s


def optional_time(field: str, value: object) -> float | None:
    """Like `mission_time`, but None stays None (the column is NULL)."""
    return None if value is None else mission_time(field, value)


def text(field: str, value: object) -> str:
    """Return `value` if it is a str, or raise ArchiveError naming the field."""
    if type(value) is str:
        return value
    if not isinstance(value, str):
        raise ArchiveError(f"{field} must be a str, got {type(value).__name__} {value!r}")
    return str(value)


def optional_text(field: str, value: object) -> str | None:
    return None if value is None else text(field, value)


def optional_int(field: str, value: object) -> int | None:
    """Return `value` as an int in SQLite's 64-bit range (None stays None), or raise."""
    if value is None or (type(value) is int and INT64_MIN <= value <= INT64_MAX):
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ArchiveError(f"{field} must be an int, got {type(value).__name__} {value!r}")
    number = int(value)
    if not INT64_MIN <= number <= INT64_MAX:
        raise ArchiveError(f"{field} must fit in 64 bits, got {number}")
    return number


SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE segments (
    segment INTEGER PRIMARY KEY, start_s REAL NOT NULL, wall_time TEXT, reason TEXT NOT NULL);

-- A frame's octets are in its block of frame_blocks, at block_offset (ground.archive.frame_blocks).
CREATE TABLE frames (
    id INTEGER PRIMARY KEY, received_s REAL NOT NULL, generated_s REAL,
    apid INTEGER, seq INTEGER, packet_type INTEGER, service INTEGER, subtype INTEGER,
    length INTEGER NOT NULL, ok INTEGER NOT NULL, reason TEXT, segment INTEGER NOT NULL,
    block INTEGER NOT NULL, block_offset INTEGER NOT NULL);
CREATE INDEX frames_received ON frames (segment, received_s);

CREATE TABLE frame_blocks (
    block INTEGER PRIMARY KEY, codec TEXT NOT NULL, frames INTEGER NOT NULL, data BLOB NOT NULL);

-- Where each parameter is stored: table tm_<subsystem>, a column each (ground.archive.telemetry_tables).
CREATE TABLE parameters (
    subsystem TEXT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL, unit TEXT NOT NULL,
    table_name TEXT NOT NULL, column_name TEXT NOT NULL, recorded INTEGER NOT NULL,
    UNIQUE (subsystem, name));

CREATE TABLE events (
    id INTEGER PRIMARY KEY, time_s REAL NOT NULL, received_s REAL,
    subsystem TEXT NOT NULL, name TEXT NOT NULL,
    severity INTEGER NOT NULL CHECK (severity BETWEEN 1 AND 4),
    message TEXT NOT NULL, params TEXT NOT NULL, segment INTEGER NOT NULL);
CREATE INDEX events_time ON events (segment, time_s);

CREATE TABLE commands (
    id INTEGER PRIMARY KEY, uplinked_s REAL NOT NULL, name TEXT NOT NULL, args TEXT NOT NULL,
    apid INTEGER, seq INTEGER, status TEXT NOT NULL, source TEXT, time_tag_s REAL,
    segment INTEGER NOT NULL);
CREATE INDEX commands_uplinked ON commands (segment, uplinked_s);

CREATE TABLE verifications (
    id INTEGER PRIMARY KEY, command_id INTEGER NOT NULL, time_s REAL NOT NULL,
    stage TEXT NOT NULL, ok INTEGER NOT NULL, code INTEGER, detail TEXT,
    segment INTEGER NOT NULL);
CREATE INDEX verifications_command ON verifications (command_id, time_s);
CREATE INDEX verifications_time ON verifications (segment, time_s);

CREATE TABLE alarms (
    id INTEGER PRIMARY KEY, time_s REAL NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL,
    severity TEXT NOT NULL, condition TEXT NOT NULL, value_kind TEXT, value,
    operator TEXT, comment TEXT, segment INTEGER NOT NULL);
CREATE INDEX alarms_time ON alarms (segment, time_s);

CREATE TABLE injections (
    id INTEGER PRIMARY KEY, time_s REAL NOT NULL, subsystem TEXT NOT NULL, fault TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('inject', 'clear')), params TEXT NOT NULL,
    segment INTEGER NOT NULL);
CREATE INDEX injections_time ON injections (segment, time_s);

-- Who did what through the control API: every request beyond reading, and every refusal.
-- `utc` is the wall time of the answer (ISO 8601), the one column a stepped run does not repeat.
CREATE TABLE audit (
    id INTEGER PRIMARY KEY, time_s REAL NOT NULL, utc TEXT NOT NULL, operator TEXT NOT NULL,
    role TEXT NOT NULL, action TEXT NOT NULL, request TEXT NOT NULL, outcome TEXT NOT NULL,
    segment INTEGER NOT NULL);
CREATE INDEX audit_time ON audit (segment, time_s);

-- What happened, in order: `rank` breaks ties between kinds at the same instant.
CREATE VIEW timeline (segment, time_s, rank, id, kind, text) AS
    SELECT segment, time_s, 1, id, 'event',
        CASE severity WHEN 1 THEN 'INFO' WHEN 2 THEN 'LOW' WHEN 3 THEN 'MEDIUM' ELSE 'HIGH' END
        || ' ' || subsystem || '.' || name || ': ' || message
    FROM events
    UNION ALL
    SELECT segment, uplinked_s, 2, id, 'command',
        'command #' || id || ' ' || name || ' ' || args || ' ' || status
        || coalesce(' from ' || source, '') || coalesce(' at ' || time_tag_s, '')
    FROM commands
    UNION ALL
    SELECT segment, time_s, 3, id, 'verification',
        'command #' || command_id || ' ' || stage
        || CASE WHEN ok THEN ' ok' ELSE ' failed' || coalesce(' code ' || code, '') END
        || coalesce(': ' || detail, '')
    FROM verifications
    UNION ALL
    SELECT segment, time_s, 4, id, 'alarm',
        'alarm ' || name || ' ' || kind || ' ' || severity || ': ' || condition
        || coalesce(' value ' || value, '') || coalesce(' by ' || operator, '')
        || coalesce(' (' || comment || ')', '')
    FROM alarms
    UNION ALL
    SELECT segment, time_s, 5, id, 'injection',
        action || ' ' || subsystem || '.' || fault || ' ' || params
    FROM injections;
"""


# Insert statements of the tables written row for row (ground.archive.writing writes the others).
INSERTS: dict[str, str] = {
    "meta": "INSERT OR REPLACE INTO meta VALUES (?, ?)",
    "segments": "INSERT INTO segments VALUES (?, ?, ?, ?)",
    "events": "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "commands": "INSERT INTO commands VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "verifications": "INSERT INTO verifications VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    "alarms": "INSERT INTO alarms VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "injections": "INSERT INTO injections VALUES (?, ?, ?, ?, ?, ?, ?)",
    "audit": "INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
}
UPDATE_COMMAND_STATUS = "UPDATE commands SET status = ? WHERE id = ?"

RULES_JUDGED = "rules_judged"
"""The meta key of the run's rules as the ground judged by them: a JSON list of the control
API's rule records (`ground.api.RuleStatus`: name, kind, parameter, severity, a limit rule's
bands), written as each run starts, so plots draw the limits the alarms came from."""

# Tables whose rows carry an `id` first, given out when a row is recorded (a command's id is
# known before its commit).
# What a batch holds, in the order it writes them: `declarations` are parameters to make columns
# for, `frames` carry their octets and `reports` their parameters (ground.archive.writing).
COMMIT_ORDER = ("meta", "segments", "declarations", "frames", "reports", "events", "commands",
                "verifications", "alarms", "injections", "audit")  # fmt: skip
ID_TABLES = ("frames", "events", "commands", "verifications", "alarms", "injections", "audit")
# Where each table's mission time sits in the rows its INSERT takes (None: a table without one).
TIME_COLUMNS: dict[str, int | None] = {
    "meta": None,
    "segments": 1,  # start_s
    "declarations": None,
    "frames": 1,  # received_s
    "reports": 0,  # time_s
    "events": 1,  # time_s
    "commands": 1,  # uplinked_s
    "verifications": 2,  # time_s
    "alarms": 1,  # time_s
    "injections": 1,  # time_s
    "audit": 1,  # time_s
}
# Columns that hold wall time: the only ones in which two stepped runs of a script may differ.
WALL_TIME_COLUMNS: dict[str, tuple[int, ...]] = {"segments": (2,), "audit": (2,)}

TABLES = (
    "meta", "segments", "frames", "frame_blocks", "parameters", "events", "commands",
    "verifications", "alarms", "injections", "audit", "timeline",
)  # fmt: skip
"""The fixed tables (and view); the telemetry tables, `tm_<subsystem>`, come with the data."""


def create_file(
    path: Path, meta: Mapping[str, MetaValue], busy_timeout_s: float
) -> sqlite3.Connection:
    """Create a new archive file with the schema and `meta`; return its open connection.

    The connection is in autocommit mode (transactions are explicit), WAL, synchronous=NORMAL.

    Raises:
        ArchiveError: the file (or a leftover -wal/-shm of it) exists, its folder cannot be
            made or written, or SQLite failed; a file that could not be completed is removed.
    """
    meta_rows = [(text("meta key", key), meta_json(key, value)) for key, value in meta.items()]
    companions = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.open("xb").close()  # exclusive create: two runs cannot race for one name
        if any(file.exists() for file in companions[1:]):
            raise FileExistsError(path)
    except FileExistsError:
        raise ArchiveError(
            f"archive {path} already exists; choose another run name or move the old run "
            "away (an archive is never overwritten)"
        ) from None
    except OSError as error:  # a full disk, a read-only folder, a file where a folder should be
        raise ArchiveError(
            f"cannot create archive {path}: {error.strerror or error}; make {path.parent} a "
            "writable folder with free space"
        ) from None
    connection = sqlite3.connect(path, timeout=busy_timeout_s, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.executescript(SCHEMA)
        connection.execute("BEGIN")
        connection.executemany(INSERTS["meta"], meta_rows)
        connection.execute("COMMIT")
    except sqlite3.Error as exc:
        connection.close()
        for file in companions:
            file.unlink(missing_ok=True)
        raise ArchiveError(f"cannot create archive {path}: {exc}; check the disk") from exc
    return connection


def schema_version(connection: sqlite3.Connection, path: Path) -> object:
    """The schema version an archive's meta says (None if it says none); ArchiveError, with
    the connection closed, if the file is not a readable archive."""
    try:
        row = connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except sqlite3.Error as exc:
        connection.close()
        raise ArchiveError(f"{path} is not a readable archive: {exc}") from None
    return None if row is None else json.loads(row[0])


def open_file(path: Path, readonly: bool, busy_timeout_s: float) -> sqlite3.Connection:
    """Open an existing archive file (read-only with `readonly`) and check its schema version.

    Raises:
        ArchiveError: the file is missing, is not an archive, or has another schema version.
    """
    if not path.is_file():
        raise ArchiveError(f"no archive at {path}; check the path (Archive.create makes one)")
    target = f"{path.resolve().as_uri()}?mode={'ro' if readonly else 'rw'}"
    connection = sqlite3.connect(target, uri=True, timeout=busy_timeout_s, isolation_level=None)
    version = schema_version(connection, path)
    if version == PREVIOUS_LAYOUT:
        connection.close()
        raise ArchiveError(
            f"archive {path} has the previous layout (schema version {version}: telemetry "
            "packed per report, frames uncompressed); convert it with `mission archive convert "
            f"{path}`, which writes a copy in this layout beside it"
        )
    if version != SCHEMA_VERSION:
        connection.close()
        raise ArchiveError(
            f"archive {path} has schema version {version}, this code reads {SCHEMA_VERSION}; "
            "open it with the version that wrote it"
        )
    return connection


class EventRecord(NamedTuple):
    """An archived event; `severity` is 1 (informative) to 4 (high), as in TM[5,1..4]."""

    id: int
    time_s: float
    received_s: float | None
    subsystem: str
    name: str
    severity: int
    message: str
    params: dict[str, Any]
    segment: int = 1


class CommandRecord(NamedTuple):
    """An archived telecommand with its latest status."""

    id: int
    uplinked_s: float
    name: str
    args: dict[str, Any]
    apid: int | None
    seq: int | None
    status: str
    source: str | None
    time_tag_s: float | None
    segment: int = 1


class VerificationRecord(NamedTuple):
    """One verification stage of a telecommand (TM[1,x])."""

    id: int
    command_id: int
    time_s: float
    stage: str
    ok: bool
    code: int | None
    detail: str | None
    segment: int = 1


class AlarmRecord(NamedTuple):
    """One step in an alarm's life (triggered, acknowledged, shelved, cleared, ...)."""

    id: int
    time_s: float
    name: str
    kind: str
    severity: str
    condition: str
    value: Scalar | None
    operator: str | None
    comment: str | None
    segment: int = 1


class InjectionRecord(NamedTuple):
    """A fault injected or cleared through the sim port."""

    id: int
    time_s: float
    subsystem: str
    fault: str
    action: str
    params: dict[str, Any]
    segment: int = 1


class AuditRecord(NamedTuple):
    """A control request and its outcome: who asked (`operator`, `role`), what (`action`, the
    request's op; `request`, the whole request as JSON) and how it ended."""

    id: int
    time_s: float
    utc: str
    operator: str
    role: str
    action: str
    request: str
    outcome: str
    segment: int = 1


class SegmentRecord(NamedTuple):
    """One spacecraft's stretch of a run: from when, since which wall time, and why it began.

    `wall_time` is None for segment 1, which began with the archive.
    """

    segment: int
    start_s: float
    wall_time: str | None
    reason: str
