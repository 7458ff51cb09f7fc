"""Read side of the ground archive: time-range queries, replay of raw frames, CSV export.

Time ranges are closed, `start_s <= time_s <= end_s`, and None leaves that side open. Results
come in time order, rows stamped with the same time in the order they were recorded.
A parameter `subsystem.name` is read from its column of its subsystem's telemetry table
(`ground.archive.telemetry_tables`), a frame's octets from its compressed block.

Mission time starts again at each segment (a new spacecraft flies from T+0): a query given a
`segment` answers from that one; without, from every segment, segment after segment.
"""

from __future__ import annotations

import csv
import heapq
import io
import itertools
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ground.archive.frame_blocks import RawFrames
from ground.archive.schema import (
    TABLES,
    AlarmRecord,
    AuditRecord,
    CommandRecord,
    EventRecord,
    InjectionRecord,
    MetaValue,
    Scalar,
    SegmentRecord,
    VerificationRecord,
    decode_scalar,
)
from ground.archive.telemetry_tables import Catalog, Column, decode, quoted
from ground.errors import ArchiveError

_FRAME_FETCH_ROWS = 512

_EXPORT_ORDER = {
    "meta": "key",
    "segments": "segment",
    "timeline": "segment, time_s, rank, id",
    "frame_blocks": "block",
    "parameters": "rowid",
}


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
    """Queries over one archive file. `ground.archive.store.Archive` adds the writing side."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._connection: sqlite3.Connection | None = connection
        self.path = path

    def _ready(self) -> sqlite3.Connection:
        """Return the connection to query (a writer overrides this to flush first)."""
        if self._connection is None:
            raise ArchiveError(f"archive {self.path} is closed; open it again to query it")
        return self._connection

    def integrity_problems(self) -> list[str]:
        """What SQLite's `quick_check` finds wrong with the file (empty when it is sound).

        `quick_check` reads every page and checks the structure of every table and index,
        without comparing each index entry with its row: O(N) where `integrity_check` is
        O(N log N), for a file that may hold millions of frames.
        """
        rows = self._ready().execute("PRAGMA quick_check").fetchall()
        problems = [str(row[0]) for row in rows]
        return [] if problems == ["ok"] else problems

    def meta(self) -> dict[str, MetaValue]:
        """Return the run's metadata (mission, config path, seed, version, epoch, ...)."""
        rows = self._ready().execute("SELECT key, value FROM meta ORDER BY key")
        return {key: json.loads(value) for key, value in rows}

    def segments(self) -> list[SegmentRecord]:
        """Every segment of the run (one per spacecraft flown), in order."""
        rows = self._ready().execute("SELECT * FROM segments ORDER BY segment")
        return [SegmentRecord._make(row) for row in rows]

    def parameter_history(
        self,
        name: str,
        start_s: float | None = None,
        end_s: float | None = None,
        segment: int | None = None,
    ) -> list[tuple[float, Scalar]]:
        """Return `(time_s, value)` pairs of one parameter `subsystem.name`, oldest first.

        Reports of the subsystem that lack the parameter are skipped. Without a `segment`, the
        samples of every segment come one segment after the other (see `samples` to tell them
        apart).
        """
        return [(time_s, value) for _, time_s, value in self.samples(name, start_s, end_s, segment)]

    def samples(
        self,
        name: str,
        start_s: float | None = None,
        end_s: float | None = None,
        segment: int | None = None,
    ) -> Iterator[tuple[int, float, Scalar]]:
        """Yield `(segment, time_s, value)` of one parameter, segment by segment, oldest first."""
        column = self._column(name)
        if column is None:
            return
        where, args = _where("time_s", start_s, end_s, ("segment", segment))
        where += (" AND " if where else " WHERE ") + f"{quoted(column.column)} IS NOT NULL"
        rows = self._ready().execute(
            f"SELECT segment, time_s, {quoted(column.column)} FROM {quoted(column.table)}{where} "
            "ORDER BY segment, time_s, rowid",
            args,
        )
        kind = column.kind
        for number, time_s, stored in rows:
            yield number, time_s, decode(kind, stored)

    def latest(self, name: str, segment: int | None = None) -> tuple[float, Scalar] | None:
        """Return the newest `(time_s, value)` of a parameter (in `segment`, or in the last
        segment that has one), or None if it was never recorded."""
        column = self._column(name)
        if column is None:
            return None
        where, args = _where("time_s", None, None, ("segment", segment))
        where += (" AND " if where else " WHERE ") + f"{quoted(column.column)} IS NOT NULL"
        row = (
            self._ready()
            .execute(
                f"SELECT time_s, {quoted(column.column)} FROM {quoted(column.table)}{where} "
                "ORDER BY segment DESC, time_s DESC, rowid DESC LIMIT 1",
                args,
            )
            .fetchone()
        )
        return None if row is None else (row[0], decode(column.kind, row[1]))

    def parameter_names(self) -> list[str]:
        """Return the full name `subsystem.name` of every parameter recorded at least once, sorted."""
        catalog = self.catalog()
        return sorted(f"{subsystem}.{name}" for subsystem, name in catalog.recorded)

    def catalog(self) -> Catalog:
        """Where each parameter is stored (the `parameters` table), and which were recorded."""
        return Catalog.read(self._ready())

    def _column(self, name: str) -> Column | None:
        """The column of a parameter recorded at least once, or None."""
        subsystem, key = _split(name)
        row = (
            self._ready()
            .execute(
                "SELECT subsystem, name, kind, unit, table_name, column_name FROM parameters "
                "WHERE subsystem = ? AND name = ? AND recorded",
                (subsystem, key),
            )
            .fetchone()
        )
        return None if row is None else Column(*row)

    def events(
        self,
        min_severity: int = 1,
        start_s: float | None = None,
        end_s: float | None = None,
        subsystem: str | None = None,
        segment: int | None = None,
    ) -> list[EventRecord]:
        """Return events at or above `min_severity` (1 informative .. 4 high) in time order."""
        where, args = _where(
            "time_s", start_s, end_s, ("subsystem", subsystem), ("segment", segment)
        )
        where += (" AND" if where else " WHERE") + " severity >= ?"
        rows = self._ready().execute(
            f"SELECT * FROM events{where} ORDER BY segment, time_s, id", [*args, int(min_severity)]
        )
        return [EventRecord._make((*row[:7], json.loads(row[7]), row[8])) for row in rows]

    def commands(
        self,
        status: str | None = None,
        start_s: float | None = None,
        end_s: float | None = None,
        segment: int | None = None,
    ) -> list[CommandRecord]:
        """Return commands (optionally only those with `status`) in uplink order."""
        where, args = _where("uplinked_s", start_s, end_s, ("status", status), ("segment", segment))
        rows = self._ready().execute(
            f"SELECT * FROM commands{where} ORDER BY segment, uplinked_s, id", args
        )
        return [CommandRecord._make((*row[:3], json.loads(row[3]), *row[4:])) for row in rows]

    def verifications(self, command_id: int) -> list[VerificationRecord]:
        """Return the verification stages reported for one command, in time order."""
        rows = self._ready().execute(
            "SELECT * FROM verifications WHERE command_id = ? ORDER BY time_s, id", (command_id,)
        )
        return [VerificationRecord._make((*row[:4], bool(row[4]), *row[5:])) for row in rows]

    def alarms(
        self,
        start_s: float | None = None,
        end_s: float | None = None,
        name: str | None = None,
        segment: int | None = None,
    ) -> list[AlarmRecord]:
        """Return alarm transitions (optionally of one alarm `name`) in time order."""
        where, args = _where("time_s", start_s, end_s, ("name", name), ("segment", segment))
        rows = self._ready().execute(
            f"SELECT * FROM alarms{where} ORDER BY segment, time_s, id", args
        )
        return [
            AlarmRecord._make(
                (*row[:6], None if row[6] is None else decode_scalar(row[6], row[7]), *row[8:])
            )
            for row in rows
        ]

    def injections(
        self,
        start_s: float | None = None,
        end_s: float | None = None,
        subsystem: str | None = None,
        segment: int | None = None,
    ) -> list[InjectionRecord]:
        """Return fault injections and clearings in time order."""
        where, args = _where(
            "time_s", start_s, end_s, ("subsystem", subsystem), ("segment", segment)
        )
        rows = self._ready().execute(
            f"SELECT * FROM injections{where} ORDER BY segment, time_s, id", args
        )
        return [InjectionRecord._make((*row[:5], json.loads(row[5]), row[6])) for row in rows]

    def audit(
        self,
        start_s: float | None = None,
        end_s: float | None = None,
        operator: str | None = None,
        segment: int | None = None,
    ) -> list[AuditRecord]:
        """Return the audit trail (who asked the control API for what) in time order."""
        where, args = _where("time_s", start_s, end_s, ("operator", operator), ("segment", segment))
        rows = self._ready().execute(
            f"SELECT * FROM audit{where} ORDER BY segment, time_s, id", args
        )
        return [AuditRecord._make(row) for row in rows]

    def timeline(
        self, start_s: float | None = None, end_s: float | None = None, segment: int | None = None
    ) -> list[dict[str, Any]]:
        """Return events, commands, verifications, alarms and injections merged in time order.

        Each item is `{"kind", "time_s", "text", "id", "segment"}`; `id` is the row's id in its
        own table.
        """
        where, args = _where("time_s", start_s, end_s, ("segment", segment))
        rows = self._ready().execute(
            f"SELECT kind, time_s, text, id, segment FROM timeline{where} "
            "ORDER BY segment, time_s, rank, id",
            args,
        )
        return [
            {"kind": kind, "time_s": t, "text": txt, "id": id_, "segment": number}
            for kind, t, txt, id_, number in rows
        ]

    def frames(
        self,
        start_s: float | None = None,
        end_s: float | None = None,
        apid: int | None = None,
        segment: int | None = None,
    ) -> Iterator[tuple[float, bytes]]:
        """Yield `(received_s, raw)` for every frame received in the range, good or bad, in the
        order received: what a replay feeds back into ingest."""
        where, args = _where("received_s", start_s, end_s, ("apid", apid), ("segment", segment))
        connection = self._ready()
        cursor = connection.execute(
            f"SELECT received_s, block, block_offset, length FROM frames{where} "
            "ORDER BY segment, received_s, id",
            args,
        )
        return RawFrames(connection).attach(_drain(cursor), 1)  # type: ignore[return-value]

    # -- what of the spacecraft's frames the archive holds (a crashed ground picking up a run) --

    def frame_counts(self, segment: int, until_s: float | None = None) -> dict[int, int]:
        """Per APID, the distinct frames of `segment` held (generated at or before `until_s`).

        A frame is told by its APID, sequence count and generation time, as the ground's
        de-duplication tells it; one that failed its body check counts too (its octets are
        here), one whose header could not be read cannot.
        """
        where, args = _where("generated_s", None, until_s, ("segment", segment))
        rows = self._ready().execute(
            "SELECT apid, count(*) FROM (SELECT DISTINCT apid, seq, generated_s FROM frames"
            f"{where} AND apid IS NOT NULL) GROUP BY apid",
            args,
        )
        return {apid: count for apid, count in rows}

    def last_frames(self, segment: int) -> dict[int, tuple[int, float]]:
        """Per APID, the sequence count and generation time of the newest frame of `segment`."""
        rows = self._ready().execute(
            "SELECT apid, seq, max(generated_s) FROM frames "
            "WHERE segment = ? AND apid IS NOT NULL AND generated_s IS NOT NULL GROUP BY apid",
            (segment,),
        )
        return {apid: (seq, time_s) for apid, seq, time_s in rows}

    def frame_keys(
        self, segment: int, start_s: float, end_s: float
    ) -> Iterator[tuple[int, int, float]]:
        """Yield `(apid, seq, generated_s)` of every frame of `segment` generated in the range."""
        where, args = _where("generated_s", start_s, end_s, ("segment", segment))
        return iter(
            self._ready()
            .execute(f"SELECT apid, seq, generated_s FROM frames{where} AND apid IS NOT NULL", args)
            .fetchall()
        )

    def recent_reports(
        self, segment: int, per_subsystem: int
    ) -> list[tuple[float, str, dict[str, Scalar]]]:
        """The last `per_subsystem` housekeeping reports of each subsystem of `segment`, as
        `(time_s, subsystem, params)` in time order (subsystems in table order at one instant)."""
        connection = self._ready()
        catalog = Catalog.read(connection)
        reports: list[tuple[float, int, int, str, dict[str, Scalar]]] = []
        for order, (subsystem, table) in enumerate(catalog.tables.items()):
            columns = catalog.of(subsystem)
            selected = ", ".join(quoted(column.column) for column in columns)
            rows = connection.execute(
                f"SELECT time_s, rowid, {selected} FROM {quoted(table)} WHERE segment = ? "
                "ORDER BY time_s DESC, rowid DESC LIMIT ?",
                (segment, per_subsystem),
            )
            reports.extend(
                (time_s, order, rowid, subsystem, _report(columns, stored))
                for time_s, rowid, *stored in rows
            )
        reports.sort(key=lambda report: report[:3])
        return [(time_s, subsystem, params) for time_s, _, _, subsystem, params in reports]

    def export_csv(self, table_or_parameter: str, out_path: Path | str) -> int:
        """Write a table (with a header row) or parameters to CSV; return the row count.

        For `mission export`, run on the archive's own host by its user (the ground's control
        API never writes files: it pages rows to its client, `export_page`).
        """
        header, rows = self.export_rows(table_or_parameter)
        count = 0
        with Path(out_path).open("w", newline="", encoding="utf-8") as stream:
            writer = csv.writer(stream)
            writer.writerow(header)
            for row in rows:
                writer.writerow(row)
                count += 1
        return count

    def export_page(
        self, table_or_parameter: str, offset: int, limit: int
    ) -> tuple[str, int, bool]:
        """Rows `offset` to `offset + limit` of an export as CSV text (the header first on the
        first page); how many rows it holds, and whether more follow."""
        header, rows = self.export_rows(table_or_parameter)
        stream = io.StringIO()
        writer = csv.writer(stream)
        if offset == 0:
            writer.writerow(header)
        page = list(itertools.islice(rows, offset, offset + limit + 1))
        writer.writerows(page[:limit])
        return stream.getvalue(), min(len(page), limit), len(page) > limit

    def export_rows(self, table_or_parameter: str) -> tuple[list[str], Iterator[Any]]:
        """The header and rows of a table or of parameters, as exported.

        `samples` (every parameter of every report, in time order) and a parameter's full
        name export `segment,time_s,name,value`; tables export their columns (`segment`
        among them), `frames` with each frame's octets in hex.

        Raises:
            ArchiveError: no such table or recorded parameter.
        """
        connection = self._ready()
        name = table_or_parameter
        header: list[str] = ["segment", "time_s", "name", "value"]
        rows: Iterator[Any]
        catalog = Catalog.read(connection)
        if name in TABLES or name in catalog.tables.values():
            cursor = connection.execute(
                f"SELECT * FROM {quoted(name)} ORDER BY {_EXPORT_ORDER.get(name, 'rowid')}"
            )
            header = [column[0] for column in cursor.description]
            rows = ([v.hex() if isinstance(v, bytes) else v for v in row] for row in cursor)
            if name == "frames":  # with each frame's octets, out of its block
                header.append("raw")
                blocks = RawFrames(connection)
                at, length = header.index("block"), header.index("length")
                rows = (
                    [*row, blocks.octets(row[at], row[at + 1], row[length]).hex()] for row in rows
                )
        elif name == "samples":
            rows = self._every_sample(catalog)
        elif self._column(name) is not None:
            rows = ((number, t, name, value) for number, t, value in self.samples(name))
        else:
            raise ArchiveError(
                f"cannot export {name!r}: it is neither a table ({', '.join(TABLES)}, or a "
                "telemetry table tm_<subsystem>), 'samples', nor a recorded parameter; see "
                "parameter_names()"
            )
        return header, rows

    def _every_sample(self, catalog: Catalog) -> Iterator[tuple[int, float, str, Scalar]]:
        """Every parameter of every report, reports in time order (subsystems in table order
        at one instant), parameters in column order."""
        connection = self._ready()

        def reports(order: int, subsystem: str, table: str) -> Iterator[tuple[Any, ...]]:
            columns = catalog.of(subsystem)
            selected = ", ".join(quoted(column.column) for column in columns)
            cursor = connection.execute(
                f"SELECT segment, time_s, rowid, {selected} FROM {quoted(table)} "
                "ORDER BY segment, time_s, rowid"
            )
            for number, time_s, rowid, *stored in cursor:
                yield number, time_s, order, rowid, subsystem, _report(columns, stored)

        merged = heapq.merge(
            *(reports(order, *item) for order, item in enumerate(catalog.tables.items())),
            key=lambda report: report[:4],
        )
        for number, time_s, _, _, subsystem, params in merged:
            for key, value in params.items():
                yield number, time_s, f"{subsystem}.{key}", value


def _split(name: str) -> tuple[str, str]:
    """Return `(subsystem, key)` of a full parameter name (a subsystem name holds no '.')."""
    subsystem, _, key = name.partition(".")
    return subsystem, key


def _report(columns: list[Column], stored: list[Any]) -> dict[str, Scalar]:
    """A report's parameters from its row: the columns it carried (not NULL), decoded."""
    return {
        column.name: decode(column.kind, value)
        for column, value in zip(columns, stored, strict=True)
        if value is not None
    }


def _drain(cursor: sqlite3.Cursor) -> Iterator[tuple[float, bytes]]:
    while batch := cursor.fetchmany(_FRAME_FETCH_ROWS):
        yield from batch
