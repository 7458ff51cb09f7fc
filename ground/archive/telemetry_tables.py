"""Telemetry in typed columns: one table per subsystem, one column per parameter.

`tm_power(segment, time_s, bus_voltage_v, battery_soc, ...)` holds one row per report of the
power subsystem, a column per parameter, typed from the dictionary (REAL, INTEGER, BOOLEAN,
TEXT), indexed on `(segment, time_s)`: `sqlite3`, pandas or Grafana read it as they read any
table. A column is NULL in a report that did not carry it (a TC[20,1] answer carries a few).
SQLite cannot store NaN, so a float that is NaN is stored as the text 'NaN' (and read back as
NaN); infinities are REAL. (An int beyond 64 bits, which only an archive converted from schema 4
can hold, is a BLOB of its decimal digits.)

The `parameters` table is the catalogue: each parameter's subsystem, name, kind, unit, and the
table and column that hold it, in the order declared; `recorded` says whether any report has
carried it yet. The ground declares its dictionary's parameters when it starts; a parameter a
report brings that was never declared (a new flight software version) gets a column then, of
its value's kind. Table and column names are the subsystem's and parameter's own, made unique
where SQL would confuse them (names differing only in case, or `segment` and `time_s`).

Everything here runs inside the archive's commit transaction: tables and columns made by a
commit that fails are rolled back with it, so the catalogue is reread after any schema change
it did not see (SQLite's `schema_version`).
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby
from operator import ne
from typing import Any

from flightsw.icd import Scalar

SQL_TYPES = {"float": "REAL", "int": "INTEGER", "bool": "BOOLEAN", "str": "TEXT"}
"""The column type of each parameter kind (`flightsw.icd.dictionary.ParamKind`)."""
TABLE_PREFIX = "tm_"
KEY_COLUMNS = ("segment", "time_s")  # every telemetry table's first columns
NAN_TEXT = "NaN"

INSERT_PARAMETER = "INSERT INTO parameters VALUES (?, ?, ?, ?, ?, ?, 0)"


@dataclass(frozen=True, slots=True)
class Column:
    """Where one parameter is stored, and of which kind."""

    subsystem: str
    name: str
    kind: str
    unit: str
    table: str
    column: str


def kind_of(value: object) -> str:
    """The parameter kind of a plain value (bool before int: a bool is an int in Python)."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    return "str"


def quoted(identifier: str) -> str:
    """An SQL identifier, quoted: any name is safe as a table or column name."""
    return '"' + identifier.replace('"', '""') + '"'


def decode(kind: str, stored: Any) -> Scalar:
    """The value a column of `kind` gives back for what it stored."""
    if kind == "float":
        if type(stored) is float:
            return stored
        if stored == NAN_TEXT:
            return math.nan
        return float(stored) if type(stored) is int else stored
    if kind == "bool" and type(stored) is int:
        return bool(stored)
    if type(stored) is bytes:  # an int beyond 64 bits, converted from a schema-4 archive
        return int(stored)
    return stored  # type: ignore[no-any-return]


class Catalog:
    """The parameters an archive stores, where, and which were recorded, as its file says."""

    def __init__(self) -> None:
        self.columns: dict[tuple[str, str], Column] = {}
        self.tables: dict[str, str] = {}  # subsystem -> table, in the order first declared
        self.recorded: set[tuple[str, str]] = set()
        self._taken_tables: set[str] = set()  # lower-cased: SQL names ignore case
        self._taken_columns: dict[str, set[str]] = {}
        self.inserts: dict[tuple[str, tuple[str, ...]], str] = {}
        self.schema_version: int | None = None

    @classmethod
    def read(cls, connection: sqlite3.Connection) -> Catalog:
        catalog = cls()
        rows = connection.execute(
            "SELECT subsystem, name, kind, unit, table_name, column_name, recorded "
            "FROM parameters ORDER BY rowid"
        )
        for subsystem, name, kind, unit, table, column, recorded in rows:
            catalog.note(Column(subsystem, name, kind, unit, table, column))
            if recorded:
                catalog.recorded.add((subsystem, name))
        catalog.schema_version = _schema_version(connection)
        return catalog

    def column(self, subsystem: str, name: str) -> Column | None:
        return self.columns.get((subsystem, name))

    def of(self, subsystem: str) -> list[Column]:
        """The subsystem's columns, in table order."""
        return [column for column in self.columns.values() if column.subsystem == subsystem]

    def note(self, column: Column) -> None:
        """Take in a column the file has (or is about to have)."""
        self.columns[(column.subsystem, column.name)] = column
        if column.subsystem not in self.tables:
            self.tables[column.subsystem] = column.table
            # A table's index shares the tables' name space: `tm_a_time` is taken by `tm_a`.
            self._taken_tables.update((column.table.lower(), index_name(column.table).lower()))
            self._taken_columns[column.table] = set(KEY_COLUMNS)
        self._taken_columns[column.table].add(column.column.lower())

    def new_table_name(self, subsystem: str) -> str:
        """`tm_<subsystem>`, or with `_2`... if SQL would take it (or its index's name) for a
        table or index already there."""
        base = _identifier(TABLE_PREFIX + subsystem)
        candidate, n = base, 1
        while {candidate.lower(), index_name(candidate).lower()} & self._taken_tables:
            n += 1
            candidate = f"{base}_{n}"
        return candidate

    def new_column_name(self, table: str, name: str) -> str:
        """The parameter's name, or with `_2`... if SQL would take it for a column already
        there (`segment` and `time_s` are)."""
        return _unique(_identifier(name), self._taken_columns.get(table, set(KEY_COLUMNS)))


class TelemetryTables:
    """Write declarations and reports into the typed tables, inside a commit's transaction."""

    def __init__(self) -> None:
        self._catalog: Catalog | None = None

    def catalog(self, connection: sqlite3.Connection) -> Catalog:
        """The catalogue as the file has it (reread if another writer or a rollback changed
        the schema since it was last read)."""
        catalog = self._catalog
        if catalog is None or catalog.schema_version != _schema_version(connection):
            catalog = self._catalog = Catalog.read(connection)
        return catalog

    def declare(
        self, connection: sqlite3.Connection, declarations: Iterable[tuple[str, str, str, str]]
    ) -> None:
        """Make the table and column of each `(subsystem, name, kind, unit)` not yet stored."""
        catalog = self.catalog(connection)
        changed = False
        for subsystem, declared in groupby(declarations, key=lambda row: row[0]):
            new = [
                (name, kind, unit)
                for _, name, kind, unit in declared
                if (subsystem, name) not in catalog.columns
            ]
            if new:
                _add_columns(connection, catalog, subsystem, new)
                changed = True
        if changed:
            catalog.schema_version = _schema_version(connection)

    def write_reports(
        self,
        connection: sqlite3.Connection,
        rows: Sequence[tuple[float, str, Mapping[str, Any], int]],
    ) -> None:
        """Insert reports `(time_s, subsystem, params, segment)`, a row each, in order."""
        catalog = self.catalog(connection)
        # A table's rows keep their order; tables are independent, so each takes its rows in
        # one executemany rather than one per report (subsystems take turns in a tick).
        by_subsystem: dict[str, list[tuple[float, str, Mapping[str, Any], int]]] = {}
        for row in rows:
            by_subsystem.setdefault(row[1], []).append(row)
        for subsystem, reports in by_subsystem.items():
            for names, grouped in groupby(reports, key=lambda row: tuple(row[2])):
                if not names and subsystem not in catalog.tables:
                    continue  # a report of nothing, of a subsystem with no parameter yet
                same = list(grouped)
                sql = catalog.inserts.get((subsystem, names))
                if sql is None:
                    sql = self._insert(connection, catalog, subsystem, names, same[0][2])
                connection.executemany(sql, map(_values, same))

    def forget(self) -> None:
        """A commit failed: what this writer knows of the file may have been rolled back."""
        self._catalog = None

    def _insert(
        self,
        connection: sqlite3.Connection,
        catalog: Catalog,
        subsystem: str,
        names: tuple[str, ...],
        example: Mapping[str, Any],
    ) -> str:
        """The INSERT of a report with these names, making the columns it lacks (of the kinds of
        `example`'s values) and marking them recorded."""
        new = [
            (name, kind_of(example[name]), "")
            for name in names
            if (subsystem, name) not in catalog.columns
        ]
        if new:
            _add_columns(connection, catalog, subsystem, new)
        fresh = [name for name in names if (subsystem, name) not in catalog.recorded]
        if fresh:
            connection.executemany(
                "UPDATE parameters SET recorded = 1 WHERE subsystem = ? AND name = ?",
                [(subsystem, name) for name in fresh],
            )
            catalog.recorded.update((subsystem, name) for name in fresh)
        catalog.schema_version = _schema_version(connection)
        columns = [quoted(key) for key in KEY_COLUMNS] + [
            quoted(catalog.columns[(subsystem, name)].column) for name in names
        ]
        sql = (
            f"INSERT INTO {quoted(catalog.tables[subsystem])} ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' * len(columns))})"
        )
        catalog.inserts[(subsystem, names)] = sql
        return sql


def _values(row: tuple[float, str, Mapping[str, Any], int]) -> tuple[Any, ...]:
    time_s, _, params, segment = row
    values = params.values()
    if any(map(ne, values, values)):  # only NaN differs from itself
        return (segment, time_s, *(NAN_TEXT if value != value else value for value in values))
    return (segment, time_s, *values)


def _add_columns(
    connection: sqlite3.Connection,
    catalog: Catalog,
    subsystem: str,
    new: Sequence[tuple[str, str, str]],
) -> None:
    """Make a column for each new parameter `(name, kind, unit)` of `subsystem`, and its table
    if it has none yet: then in one CREATE TABLE, as a column added to a table rewrites the
    schema each time (the station's 275 parameters took 71 ms a column at a time, 6 ms so)."""
    table = catalog.tables.get(subsystem)
    new_table = table is None
    if table is None:
        table = catalog.new_table_name(subsystem)
    columns = []
    for name, kind, unit in new:
        column = Column(subsystem, name, kind, unit, table, catalog.new_column_name(table, name))
        catalog.note(column)
        columns.append(column)
    definitions = [f"{quoted(c.column)} {SQL_TYPES[c.kind]}" for c in columns]
    if new_table:
        connection.execute(
            f"CREATE TABLE {quoted(table)} (segment INTEGER NOT NULL, time_s REAL NOT NULL, "
            f"{', '.join(definitions)})"
        )
        connection.execute(
            f"CREATE INDEX {quoted(index_name(table))} ON {quoted(table)} (segment, time_s)"
        )
    else:
        for definition in definitions:
            connection.execute(f"ALTER TABLE {quoted(table)} ADD COLUMN {definition}")
    connection.executemany(
        INSERT_PARAMETER,
        [(c.subsystem, c.name, c.kind, c.unit, c.table, c.column) for c in columns],
    )
    catalog.inserts = {key: sql for key, sql in catalog.inserts.items() if key[0] != subsystem}


def index_name(table: str) -> str:
    return f"{table}_time"


def _identifier(name: str) -> str:
    """`name` as an SQL identifier: control characters (a NUL ends an identifier) become `_`."""
    return "".join("_" if ord(char) < 0x20 or char == "\x7f" else char for char in name)


def _unique(name: str, taken: set[str]) -> str:
    """`name`, or `name_2`, `name_3`, ... whichever is free (compared without case); noted taken."""
    candidate, n = name, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{name}_{n}"
    taken.add(candidate.lower())
    return candidate


def _schema_version(connection: sqlite3.Connection) -> int:
    version: int = connection.execute("PRAGMA schema_version").fetchone()[0]
    return version
