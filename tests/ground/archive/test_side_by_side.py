"""Parameters side by side (ground.archive.side_by_side) and written as CSV or Parquet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from ground.archive import Archive
from ground.archive.side_by_side import side_by_side
from ground.archive.writers import format_for, write_rows
from ground.errors import ArchiveError


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    """Power reports every 10 s, thermal ones every 15 s, from a 2030-01-01 epoch."""
    made = Archive.create(tmp_path, "run", {"epoch": "2030-01-01T00:00:00Z"})
    for time_s in range(0, 61, 5):
        if time_s % 10 == 0:
            made.record_housekeeping(float(time_s), "power", {"soc": time_s / 100, "mode": "ok"})
        if time_s % 15 == 0:
            made.record_housekeeping(float(time_s), "thermal", {"temp_c": 20 + time_s})
    made.flush()
    yield made
    made.close()


def test_parameters_share_a_row_where_sampled_together_and_are_empty_elsewhere(
    archive: Archive,
) -> None:
    header, rows = side_by_side(archive, ["power.soc", "thermal.temp_c", "power.mode"])

    table = list(rows)
    assert header == ["segment", "time_s", "utc", "power.soc", "thermal.temp_c", "power.mode"]
    assert [row[1] for row in table] == [0.0, 10.0, 15.0, 20.0, 30.0, 40.0, 45.0, 50.0, 60.0]
    assert table[0] == (1, 0.0, "2030-01-01T00:00:00.000Z", 0.0, 20, "ok")
    assert table[2] == (1, 15.0, "2030-01-01T00:00:15.000Z", None, 35, None)
    assert table[4] == (1, 30.0, "2030-01-01T00:00:30.000Z", 0.3, 50, "ok")


def test_a_time_range_is_closed_at_both_ends(archive: Archive) -> None:
    _, rows = side_by_side(archive, ["thermal.temp_c"], start_s=15.0, end_s=45.0)

    assert [row[1] for row in rows] == [15.0, 30.0, 45.0]


def test_an_unknown_or_repeated_parameter_is_refused(archive: Archive) -> None:
    with pytest.raises(ArchiveError, match=r"no parameter power\.volts"):
        side_by_side(archive, ["power.soc", "power.volts"])
    with pytest.raises(ArchiveError, match="named twice"):
        side_by_side(archive, ["power.soc", "power.soc"])


def test_csv_leaves_a_missing_sample_empty(archive: Archive, tmp_path: Path) -> None:
    header, rows = side_by_side(archive, ["power.soc", "thermal.temp_c"])
    out = tmp_path / "both.csv"

    assert write_rows(header, rows, out, format_for(out, None)) == 9
    lines = list(csv.reader(io.StringIO(out.read_text())))
    assert lines[3] == ["1", "15.0", "2030-01-01T00:00:15.000Z", "", "35"]


def test_parquet_keeps_each_column_typed(archive: Archive, tmp_path: Path) -> None:
    header, rows = side_by_side(archive, ["power.soc", "thermal.temp_c", "power.mode"])
    out = tmp_path / "both.parquet"

    assert format_for(out, None) == "parquet"
    assert write_rows(header, rows, out, "parquet") == 9
    table = pq.read_table(out)
    assert table.column_names == header
    assert str(table.schema.field("power.soc").type) == "double"
    assert str(table.schema.field("thermal.temp_c").type) == "int64"
    assert table.column("thermal.temp_c").to_pylist()[:3] == [20, None, 35]
