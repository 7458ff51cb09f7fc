"""How a batch's rows reach the file: most tables row for row, telemetry and frames their way.

One function for the archive's commits and for loading spill files, so a spilled row is
written exactly as the commit that failed would have written it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from ground.archive.frame_blocks import write_frames
from ground.archive.schema import INSERTS
from ground.archive.telemetry_tables import TelemetryTables


class RowWriter:
    """Write a batch's rows, table by table, inside the caller's transaction."""

    def __init__(self) -> None:
        self.telemetry = TelemetryTables()

    def write(
        self, connection: sqlite3.Connection, table: str, rows: Sequence[tuple[Any, ...]]
    ) -> None:
        if table == "frames":
            write_frames(connection, rows)
        elif table == "declarations":
            self.telemetry.declare(connection, rows)
        elif table == "reports":
            self.telemetry.write_reports(connection, rows)
        else:
            connection.executemany(INSERTS[table], rows)

    def rolled_back(self) -> None:
        """The transaction failed: forget what it may have changed."""
        self.telemetry.forget()
