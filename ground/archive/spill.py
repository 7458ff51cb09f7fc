"""Spill files: rows an archive could not write, saved beside it, and loaded back into it later.

When the ground must stop while its archive cannot be written, it saves the rows it holds to
`DATA_DIR/RUN.spill-<n>.msgpack` (`write_spill`), or, if that folder cannot take them, to the
next folder it is given. A msgpack file rather than an SQLite one: it is one sequential write
of about the rows' own size, with no journal, WAL, index or page rounding, the least a nearly
full disk must still take; and it keeps every value's type as the archive's INSERTs take it
(octets stay octets, floats stay 64-bit).

    {format: "ground-archive-spill", version: 1, archive: "RUN.sqlite", schema_version: 2,
     tables: {table: [row, ...]}, status_updates: [[status, command_id], ...]}

Tables come in commit order, rows in the order recorded, so loading one spill file
(`import_spill`) writes them exactly as the failed commits would have. `load_spills` loads every
spill of an archive, oldest first: `mission archive import-spill` runs it, and so should
anything that appends to a run again (a resumed ground) before it writes. Ids stay as they were
unless the archive has since given them to other rows (a run that went on without its spill);
then the spill's rows take the next ids, and its verifications and status updates follow
their commands. A loaded spill is noted in the archive's meta (`spill_loaded:<digest>`) in the
same transaction, so it is never loaded twice, and its file is then removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import msgspec

from ground.archive.held import HeldRows, HeldSummary
from ground.archive.schema import (
    COMMIT_ORDER,
    ID_TABLES,
    INSERTS,
    SCHEMA_VERSION,
    UPDATE_COMMAND_STATUS,
    meta_json,
    open_file,
)
from ground.archive.writing import RowWriter
from ground.errors import ArchiveError

_LOADED_KEY = "spill_loaded:"


class SpillFile(msgspec.Struct, frozen=True):
    """A spill file's contents (the module docstring draws it)."""

    format: Literal["ground-archive-spill"]
    version: Literal[1]
    archive: str
    schema_version: int
    tables: dict[str, list[tuple[Any, ...]]]
    status_updates: list[tuple[str, int]]

    def held(self) -> HeldRows:
        return HeldRows(
            {table: tuple(rows) for table, rows in self.tables.items()},
            tuple(self.status_updates),
        )


@dataclass(frozen=True, slots=True)
class SpillLoaded:
    """A spill file loaded into its archive (`before`: it had been, and nothing was added)."""

    path: Path
    summary: HeldSummary
    before: bool = False


def spills_of(archive_path: Path) -> list[Path]:
    """The spill files beside `archive_path`, oldest first."""
    return [path for _, path in _numbered(archive_path)]


def _numbered(archive_path: Path) -> list[tuple[int, Path]]:
    pattern = re.compile(re.escape(archive_path.stem) + r"\.spill-(\d+)\.msgpack")
    found = [
        (int(match.group(1)), path)
        for path in archive_path.parent.glob(f"{archive_path.stem}.spill-*.msgpack")
        if (match := pattern.fullmatch(path.name))
    ]
    return sorted(found)


def write_spill(held: HeldRows, archive_path: Path, directories: Sequence[Path]) -> Path:
    """Save `held` to a new spill file in the first of `directories` that takes it.

    Raises:
        ArchiveError: no folder took it; the message names each and why it refused.
    """
    payload = msgspec.msgpack.encode(
        SpillFile(
            "ground-archive-spill",
            1,
            archive_path.name,
            SCHEMA_VERSION,
            {table: list(rows) for table, rows in held.tables.items() if rows},
            list(held.status_updates),
        )
    )
    refusals = []
    for directory in dict.fromkeys(directories):  # each folder once, in the order given
        try:
            return _write_new(directory, archive_path, payload)
        except OSError as error:
            refusals.append(f"{directory}: {error.strerror or error}")
    raise ArchiveError(f"no spill file could be written ({'; '.join(refusals)})")


def _write_new(directory: Path, archive_path: Path, payload: bytes) -> Path:
    """Write `payload` to the next free spill name in `directory`, complete or not at all."""
    directory.mkdir(parents=True, exist_ok=True)
    number = 1 + max((taken for taken, _ in _numbered(directory / archive_path.name)), default=0)
    path = directory / f"{archive_path.stem}.spill-{number}.msgpack"
    part = path.with_name(path.name + ".part")
    try:
        with part.open("wb") as file:  # a part left by a crash is ours to replace
            file.write(payload)
            file.flush()
            os.fsync(file.fileno())
        part.rename(path)  # whole or absent: a half-written spill never carries the name
    except OSError:
        part.unlink(missing_ok=True)
        raise
    with contextlib.suppress(OSError):  # the rename's durability; the data is synced already
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
    return path


def read_spill(spill_path: Path) -> tuple[SpillFile, str]:
    """A spill file's contents and its digest.

    Raises:
        ArchiveError: the file cannot be read or is not a spill file.
    """
    try:
        data = spill_path.read_bytes()
    except OSError as error:
        raise ArchiveError(f"cannot read spill file {spill_path}: {error.strerror}") from None
    try:
        spill = msgspec.msgpack.decode(data, type=SpillFile)
    except msgspec.DecodeError as error:
        raise ArchiveError(f"{spill_path} is not a spill file of the ground: {error}") from None
    unknown = set(spill.tables) - set(COMMIT_ORDER)
    if unknown:
        raise ArchiveError(f"{spill_path} holds rows of unknown tables {sorted(unknown)}")
    return spill, hashlib.sha256(data).hexdigest()


def import_spill(archive_path: Path, spill_path: Path, busy_timeout_s: float = 5.0) -> SpillLoaded:
    """Load one spill file into the archive it was written for, in one transaction; remove it.

    Raises:
        ArchiveError: the file is not a spill of this archive (or of this schema), or the
            archive cannot be written (the message says why and what to do).
    """
    spill, digest = read_spill(spill_path)
    if spill.archive != archive_path.name:
        raise ArchiveError(
            f"{spill_path} holds rows of the archive {spill.archive}, not {archive_path.name}; "
            "load it into the archive it names"
        )
    if spill.schema_version != SCHEMA_VERSION:
        raise ArchiveError(
            f"{spill_path} was written for schema version {spill.schema_version}, this code "
            f"writes {SCHEMA_VERSION}; load it with the version that wrote it"
        )
    summary = spill.held().summary()
    connection = open_file(archive_path, False, busy_timeout_s)
    try:
        key = _LOADED_KEY + digest
        if connection.execute("SELECT 1 FROM meta WHERE key = ?", (key,)).fetchone():
            before = True
        else:
            _insert(connection, spill, key, spill_path.name)
            before = False
    except sqlite3.Error as error:
        with contextlib.suppress(sqlite3.Error):
            connection.execute("ROLLBACK")
        raise ArchiveError(
            f"could not load {spill_path} into {archive_path}: {error}; the spill file is kept "
            f"as it was: free space under {archive_path.parent} (and close any other writer), "
            "then load it again"
        ) from None
    finally:
        connection.close()
    with contextlib.suppress(OSError):  # its rows are in; a file left over is skipped next time
        spill_path.unlink()
    return SpillLoaded(spill_path, summary, before)


def load_spills(archive_path: Path) -> list[SpillLoaded]:
    """Load every spill file beside `archive_path` into it, oldest first (see `import_spill`).

    Call it before appending to a run again, so the held rows come before the new ones.
    """
    return [import_spill(archive_path, path) for path in spills_of(archive_path)]


def _insert(connection: sqlite3.Connection, spill: SpillFile, key: str, name: str) -> None:
    connection.execute("BEGIN IMMEDIATE")
    tables, updates = _renumbered(connection, spill)
    writer = RowWriter()
    for table in COMMIT_ORDER:  # whatever order the file's map has
        if tables.get(table):
            writer.write(connection, table, tables[table])
    connection.executemany(UPDATE_COMMAND_STATUS, updates)
    connection.execute(INSERTS["meta"], (key, meta_json(key, name)))
    connection.execute("COMMIT")


def _renumbered(
    connection: sqlite3.Connection, spill: SpillFile
) -> tuple[dict[str, list[tuple[Any, ...]]], list[tuple[str, int]]]:
    """The spill's rows with ids the archive has not given out (as they were, where free)."""
    tables = dict(spill.tables)
    updates = list(spill.status_updates)
    moved_commands: dict[int, int] = {}
    for table in ID_TABLES:
        rows = tables.get(table)
        if not rows:
            continue
        next_id = connection.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0]
        shift = next_id - rows[0][0]
        if shift <= 0:
            continue
        tables[table] = [(row[0] + shift, *row[1:]) for row in rows]
        if table == "commands":
            moved_commands = {row[0]: row[0] + shift for row in rows}
    if moved_commands:
        tables["verifications"] = [
            (row[0], moved_commands.get(row[1], row[1]), *row[2:])
            for row in tables.get("verifications", [])
        ]
        updates = [(status, moved_commands.get(id_, id_)) for status, id_ in updates]
    return tables, updates
