"""Read side of the ground archive: time-range queries, replay of raw frames, CSV export.

Time ranges are closed, `start_s <= time_s <= end_s`, and None leaves that side open. Results
come in time order, rows stamped with the same time in the order they were recorded.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ground.archive_schema import (
    TABLES,
    AlarmRecord,
    ArchiveError,
    CommandRecord,
    EventRecord,
    InjectionRecord,
    MetaValue,
    Scalar,
    VerificationRecord,
    decode_scalar,
)

_FRAME_FETCH_ROWS = 512

# Distinct names by hopping along the (name, time_s) index: one lookup per name, not per row.
_PARAMETER_NAMES = """
WITH RECURSIVE names (name) AS (
    SELECT min(name) FROM parameters
    UNION ALL
    SELECT (SELECT min(name) FROM parameters WHERE name > names.name)
    FROM names WHERE names.name IS NOT NULL)
SELECT name FROM names WHERE name IS NOT NULL
"""

_EXPORT_ORDER = {"meta": "key", "timeline": "time_s, rank, id", "parameters": "rowid"}


def _where(
    column: str, start_s: float | None, end_s: float | None, *equal: tuple[str, object]
) -> tuple[str, list[object]]:
    """Return a WHERE clause (or '') and its arguments for a time range and equality filters."""
    clauses: list[str] = []
    args: list[object] = []
    if start_s is not None:
        clauses.append(f"{column} >= ?")
        args.append(float(start_s))
    if end_s is not None:
        clauses.append(f"{column} <= ?")
        args.append(float(end_s))
    for name, value in equal:
        if value is not None:
            clauses.append(f"{name} = ?")
            args.append(value)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), args


class ArchiveReader:
    """Queries over one archive file. `ground.archive.Archive` adds the writing side."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._connection: sqlite3.Connection | None = connection
        self.path = path

    def _ready(self) -> sqlite3.Connection:
        """Return the connection to query (a writer overrides this to flush first)."""
        if self._connection is None:
            raise ArchiveError(f"archive {self.path} is closed; open it again to query it")
        return self._connection

    def meta(self) -> dict[str, MetaValue]:
        """Return the run's metadata (mission, config path, seed, version, epoch, ...)."""
        rows = self._ready().execute("SELECT key, value FROM meta ORDER BY key")
        return {key: json.loads(value) for key, value in rows}

    def parameter_history(
        self, name: str, start_s: float | None = None, end_s: float | None = None
    ) -> list[tuple[float, Scalar]]:
        """Return `(time_s, value)` pairs of one parameter, oldest first."""
        where, args = _where("time_s", start_s, end_s, ("name", name))
        rows = self._ready().execute(
            f"SELECT time_s, kind, value FROM parameters{where} ORDER BY time_s, rowid", args
        )
        return [(time_s, decode_scalar(kind, value)) for time_s, kind, value in rows]

    def latest(self, name: str) -> tuple[float, Scalar] | None:
        """Return the newest `(time_s, value)` of a parameter, or None if it was never recorded."""
        row = (
            self._ready()
            .execute(
                "SELECT time_s, kind, value FROM parameters WHERE name = ? "
                "ORDER BY time_s DESC, rowid DESC LIMIT 1",
                (name,),
            )
            .fetchone()
        )
        return None if row is None else (row[0], decode_scalar(row[1], row[2]))

    def parameter_names(self) -> list[str]:
        """Return the name of every parameter recorded at least once, sorted."""
        return [name for (name,) in self._ready().execute(_PARAMETER_NAMES)]

    def events(
        self,
        min_severity: int = 1,
        start_s: float | None = None,
        end_s: float | None = None,
        subsystem: str | None = None,
    ) -> list[EventRecord]:
        """Return events at or above `min_severity` (1 informative .. 4 high) in time order."""
        where, args = _where("time_s", start_s, end_s, ("subsystem", subsystem))
        where += (" AND" if where else " WHERE") + " severity >= ?"
        rows = self._ready().execute(
            f"SELECT * FROM events{where} ORDER BY time_s, id", [*args, int(min_severity)]
        )
        return [EventRecord._make((*row[:7], json.loads(row[7]))) for row in rows]

    def commands(
        self, status: str | None = None, start_s: float | None = None, end_s: float | None = None
    ) -> list[CommandRecord]:
        """Return commands (optionally only those with `status`) in uplink order."""
        where, args = _where("uplinked_s", start_s, end_s, ("status", status))
        rows = self._ready().execute(f"SELECT * FROM commands{where} ORDER BY uplinked_s, id", args)
        return [CommandRecord._make((*row[:3], json.loads(row[3]), *row[4:])) for row in rows]

    def verifications(self, command_id: int) -> list[VerificationRecord]:
        """Return the verification stages reported for one command, in time order."""
        rows = self._ready().execute(
            "SELECT * FROM verifications WHERE command_id = ? ORDER BY time_s, id", (command_id,)
        )
        return [VerificationRecord._make((*row[:4], bool(row[4]), *row[5:])) for row in rows]

    def alarms(
        self, start_s: float | None = None, end_s: float | None = None, name: str | None = None
    ) -> list[AlarmRecord]:
        """Return alarm transitions (optionally of one alarm `name`) in time order."""
        where, args = _where("time_s", start_s, end_s, ("name", name))
        rows = self._ready().execute(f"SELECT * FROM alarms{where} ORDER BY time_s, id", args)
        return [
            AlarmRecord._make(
                (*row[:6], None if row[6] is None else decode_scalar(row[6], row[7]), *row[8:])
            )
            for row in rows
        ]

    def injections(
        self, start_s: float | None = None, end_s: float | None = None, subsystem: str | None = None
    ) -> list[InjectionRecord]:
        """Return fault injections and clearings in time order."""
        where, args = _where("time_s", start_s, end_s, ("subsystem", subsystem))
        rows = self._ready().execute(f"SELECT * FROM injections{where} ORDER BY time_s, id", args)
        return [InjectionRecord._make((*row[:5], json.loads(row[5]))) for row in rows]

    def timeline(
        self, start_s: float | None = None, end_s: float | None = None
    ) -> list[dict[str, Any]]:
        """Return events, commands, verifications, alarms and injections merged in time order.

        Each item is `{"kind", "time_s", "text", "id"}`; `id` is the row's id in its own table.
        """
        where, args = _where("time_s", start_s, end_s)
        rows = self._ready().execute(
            f"SELECT kind, time_s, text, id FROM timeline{where} ORDER BY time_s, rank, id", args
        )
        return [{"kind": kind, "time_s": t, "text": txt, "id": id_} for kind, t, txt, id_ in rows]

    def frames(
        self, start_s: float | None = None, end_s: float | None = None, apid: int | None = None
    ) -> Iterator[tuple[float, bytes]]:
        """Yield `(received_s, raw)` for every frame received in the range, good or bad, in the
        order received: what a replay feeds back into ingest."""
        where, args = _where("received_s", start_s, end_s, ("apid", apid))
        cursor = self._ready().execute(
            f"SELECT received_s, raw FROM frames{where} ORDER BY received_s, id", args
        )
        return _drain(cursor)

    def export_csv(self, table_or_parameter: str, out_path: Path | str) -> int:
        """Write a table (with a header row) or one parameter's history to CSV; return the row count.

        `parameters` and a parameter's name export `time_s,name,value`; raw frame bytes are hex.
        """
        connection = self._ready()
        name = table_or_parameter
        header: list[str] = ["time_s", "name", "value"]
        rows: Iterator[Any]
        if name in TABLES and name != "parameters":
            cursor = connection.execute(
                f"SELECT * FROM {name} ORDER BY {_EXPORT_ORDER.get(name, 'id')}"
            )
            header = [column[0] for column in cursor.description]
            rows = ([v.hex() if isinstance(v, bytes) else v for v in row] for row in cursor)
        elif name == "parameters":
            cursor = connection.execute(
                "SELECT time_s, name, kind, value FROM parameters ORDER BY rowid"
            )
            rows = ((t, n, decode_scalar(kind, value)) for t, n, kind, value in cursor)
        elif name in self.parameter_names():
            rows = ((t, name, value) for t, value in self.parameter_history(name))
        else:
            raise ArchiveError(
                f"cannot export {name!r}: it is neither a table ({', '.join(TABLES)}) nor a "
                "recorded parameter; see parameter_names()"
            )
        count = 0
        with Path(out_path).open("w", newline="", encoding="utf-8") as stream:
            writer = csv.writer(stream)
            writer.writerow(header)
            for row in rows:
                writer.writerow(row)
                count += 1
        return count


def _drain(cursor: sqlite3.Cursor) -> Iterator[tuple[float, bytes]]:
    while batch := cursor.fetchmany(_FRAME_FETCH_ROWS):
        yield from batch
