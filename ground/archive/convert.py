"""Convert an archive of the previous layout (schema 4) into this one, beside it.

Schema 4 kept each housekeeping report as one msgpack blob and each frame's octets in its row.
The conversion copies every other table as it is, unpacks each report into its subsystem's
typed table (columns declared from the dictionary the run archived, in its order) and moves
the frames' octets into compressed blocks, through the same writers a live ground uses. The
old file is only read; the new one is written whole in one transaction, or not at all.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgpack

from flightsw.icd import Scalar
from ground.archive.schema import PREVIOUS_LAYOUT, SCHEMA_VERSION, create_file, schema_version
from ground.archive.spill import spills_of
from ground.archive.writing import RowWriter
from ground.errors import ArchiveError

CHUNK_ROWS = 5000  # rows read and written at a time
_BIG_INT = 1  # schema 4's msgpack extension code: an int beyond 64 bits, as decimal digits
_COPIED = ("segments", "events", "commands", "verifications", "alarms", "injections", "audit")

Progress = Callable[[str, int, int], None]  # what, done, of how many


@dataclass(frozen=True, slots=True)
class Converted:
    """What a conversion wrote: where, and how many frames, reports and samples."""

    path: Path
    frames: int
    reports: int
    samples: int
    size_before_bytes: int
    size_after_bytes: int


def converted_path(old: Path) -> Path:
    """Where `mission archive convert` writes by default: `RUN.v5.sqlite` beside `RUN.sqlite`."""
    return old.with_name(f"{old.stem}.v{SCHEMA_VERSION}{old.suffix}")


def convert(old: Path, new: Path, progress: Progress = lambda what, done, total: None) -> Converted:
    """Write `new` in this layout with everything `old` (schema 4) holds.

    Raises:
        ArchiveError: `old` is not a schema-4 archive, or `new` exists or cannot be written.
    """
    spills = spills_of(old)
    if spills:
        raise ArchiveError(
            f"{old} has rows a ground could not write in {spills[0].name}"
            f"{f' and {len(spills) - 1} more spill files' if len(spills) > 1 else ''}; load them "
            "first with the version that wrote them (`mission archive import-spill`), then "
            "convert"
        )
    source = _open_old(old)
    try:
        meta = {
            key: json.loads(value) for key, value in source.execute("SELECT key, value FROM meta")
        }
        meta["schema_version"] = SCHEMA_VERSION
        meta["converted_from"] = old.name
        target = create_file(new, meta, busy_timeout_s=5.0)
        try:
            counts = _copy(source, target, old, meta.get("dictionary"), progress)
        except BaseException:
            target.close()
            for leftover in (
                new,
                new.with_name(new.name + "-wal"),
                new.with_name(new.name + "-shm"),
            ):
                leftover.unlink(missing_ok=True)
            raise
        target.close()
    finally:
        source.close()
    return Converted(new, *counts, old.stat().st_size, new.stat().st_size)


def _open_old(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise ArchiveError(f"no archive at {path}; check the path")
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    version = schema_version(connection, path)
    if version != PREVIOUS_LAYOUT:
        connection.close()
        raise ArchiveError(
            f"{path} has schema version {version}; only version {PREVIOUS_LAYOUT} archives are "
            f"converted (this code reads {SCHEMA_VERSION} as it is)"
        )
    return connection


def _copy(
    source: sqlite3.Connection,
    target: sqlite3.Connection,
    old: Path,
    dictionary_json: object,
    progress: Progress,
) -> tuple[int, int, int]:
    writer = RowWriter()
    try:
        target.execute("ATTACH DATABASE ? AS old", (f"{old.resolve().as_uri()}?mode=ro",))
        target.execute("BEGIN IMMEDIATE")
        for table in _COPIED:
            target.execute(f"INSERT INTO {table} SELECT * FROM old.{table}")
        writer.write(target, "declarations", _declarations(dictionary_json))
        frames = _chunked(source, "SELECT * FROM frames ORDER BY id", "frames", progress)
        frame_count = 0
        for rows in frames:
            # Schema 4: id .. reason, raw, segment, as a pending row of this one holds them.
            writer.write(target, "frames", rows)
            frame_count += len(rows)
        reports = samples = 0
        query = "SELECT time_s, subsystem, params, segment FROM housekeeping ORDER BY rowid"
        for rows in _chunked(source, query, "reports", progress):
            unpacked = [
                (time_s, subsystem, _unpack(blob), segment)
                for time_s, subsystem, blob, segment in rows
            ]
            writer.write(target, "reports", unpacked)
            reports += len(unpacked)
            samples += sum(len(row[2]) for row in unpacked)
        target.execute("COMMIT")
        target.execute("DETACH DATABASE old")
    except sqlite3.Error as error:
        with contextlib.suppress(sqlite3.Error):
            target.execute("ROLLBACK")
        raise ArchiveError(
            f"could not convert {old}: {error}; check the disk and try again"
        ) from None
    return frame_count, reports, samples


def _declarations(dictionary_json: object) -> list[tuple[str, str, str, str]]:
    """`(subsystem, name, kind, unit)` of every parameter the archived dictionary declares."""
    if not isinstance(dictionary_json, str):
        return []  # a run archived without its dictionary: columns take their values' kinds
    try:
        dictionary = json.loads(dictionary_json)
        return [
            (subsystem["name"], param["name"], param.get("kind", "float"), param.get("unit", ""))
            for subsystem in dictionary["subsystems"]
            for param in subsystem.get("telemetry", [])
        ]
    except (ValueError, KeyError, TypeError):
        return []


def _chunked(
    source: sqlite3.Connection, query: str, what: str, progress: Progress
) -> Iterator[list[Any]]:
    table = "frames" if what == "frames" else "housekeeping"
    total = source.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    cursor = source.execute(query)
    done = 0
    while rows := cursor.fetchmany(CHUNK_ROWS):
        yield rows
        done += len(rows)
        progress(what, done, total)


def _unpack(blob: bytes) -> dict[str, Scalar]:
    params: dict[str, Scalar] = msgpack.unpackb(blob, raw=False, ext_hook=_ext)
    return params


def _ext(code: int, data: bytes) -> object:
    if code == _BIG_INT:
        return bytes(data)  # its digits, as a BLOB (never converted): read back as the int
    return msgpack.ExtType(code, data)
