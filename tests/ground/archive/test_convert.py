"""An archive of the previous layout (schema 4) is refused, and `mission archive convert` copies it."""

from __future__ import annotations

import json
import math
from pathlib import Path

import msgpack
import pytest

from ground.archive import Archive
from ground.archive.convert import convert
from ground.archive.schema import create_file
from ground.cli.mission import main as mission
from ground.errors import ArchiveError

# What schema 4 had where schema 5 differs; its other tables were as they are now.
SCHEMA_4_TABLES = """
DROP TABLE frames; DROP TABLE frame_blocks; DROP TABLE parameters;
CREATE TABLE frames (
    id INTEGER PRIMARY KEY, received_s REAL NOT NULL, generated_s REAL,
    apid INTEGER, seq INTEGER, packet_type INTEGER, service INTEGER, subtype INTEGER,
    length INTEGER NOT NULL, ok INTEGER NOT NULL, reason TEXT, raw BLOB NOT NULL,
    segment INTEGER NOT NULL);
CREATE TABLE housekeeping (
    time_s REAL NOT NULL, subsystem TEXT NOT NULL, params BLOB NOT NULL,
    segment INTEGER NOT NULL);
CREATE TABLE housekeeping_keys (subsystem TEXT NOT NULL, key TEXT NOT NULL, UNIQUE (subsystem, key));
"""
DICTIONARY = {"subsystems": [{"name": "power", "telemetry": [
    {"name": "battery_soc", "unit": "", "kind": "float"},
    {"name": "bus_voltage_v", "unit": "V", "kind": "float"},
    {"name": "mode", "unit": "", "kind": "str"},
]}]}  # fmt: skip


def old_archive(folder: Path) -> Path:
    path = folder / "old.sqlite"
    meta = {"schema_version": 4, "mission": "leo", "dictionary": json.dumps(DICTIONARY)}
    db = create_file(path, meta, busy_timeout_s=5.0)
    db.executescript(SCHEMA_4_TABLES)
    db.execute("BEGIN")
    for n in range(300):
        raw = bytes([8, 1, n % 256]) * 20
        db.execute("INSERT INTO frames VALUES (?, ?, ?, 1, ?, 0, 3, 25, ?, 1, NULL, ?, 1)",
                   (n + 1, float(n), float(n), n, len(raw), raw))  # fmt: skip
        params = {"battery_soc": 0.5 + n / 1000, "mode": "sunlit"}
        if n == 7:
            params = {"battery_soc": math.nan, "bus_voltage_v": 28.0, "mode": "sunlit"}
        db.execute("INSERT INTO housekeeping VALUES (?, 'power', ?, 1)",
                   (float(n), msgpack.packb(params)))  # fmt: skip
    db.execute("INSERT INTO events VALUES (1, 3.0, 3.5, 'power', 'eclipse', 1, 'in', '{}', 1)")
    db.execute("COMMIT")
    db.close()
    return path


def test_an_old_archive_is_refused_with_the_command_that_converts_it(tmp_path: Path) -> None:
    old = old_archive(tmp_path)
    with pytest.raises(
        ArchiveError, match=r"previous layout.*mission archive convert .*old\.sqlite"
    ):
        Archive.open(old)


def test_convert_copies_every_frame_report_and_event_into_the_new_layout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = old_archive(tmp_path)
    before = old.read_bytes()
    assert mission(["archive", "convert", str(old)]) == 0
    assert "300 frames, 300 reports, 601 parameter samples" in capsys.readouterr().out
    assert old.read_bytes() == before  # only read
    with Archive.open(tmp_path / "old.v5.sqlite") as new:
        assert [raw for _, raw in new.frames()] == [bytes([8, 1, n % 256]) * 20 for n in range(300)]
        soc = new.parameter_history("power.battery_soc")
        assert len(soc) == 300 and math.isnan(soc[7][1])  # type: ignore[arg-type]
        assert soc[8] == (8.0, 0.508)
        assert new.parameter_history("power.bus_voltage_v") == [(7.0, 28.0)]
        assert [event.name for event in new.events()] == ["eclipse"]
        assert new.meta()["converted_from"] == "old.sqlite"
        units = {column.name: column.unit for column in new.catalog().columns.values()}
        assert units == {"battery_soc": "", "bus_voltage_v": "V", "mode": ""}


def test_convert_refuses_what_is_not_an_old_archive_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Archive.create(tmp_path, "new"):
        pass
    assert mission(["archive", "convert", str(tmp_path / "new.sqlite")]) != 0
    assert "only version 4 archives are converted" in capsys.readouterr().err
    assert not (tmp_path / "new.v5.sqlite").exists()


def test_convert_refuses_an_old_archive_with_rows_still_in_a_spill_file(tmp_path: Path) -> None:
    old = old_archive(tmp_path)
    (tmp_path / "old.spill-1.msgpack").write_bytes(b"held rows")
    with pytest.raises(ArchiveError, match=r"old\.spill-1\.msgpack; load them first"):
        convert(old, tmp_path / "new.sqlite")
    assert not (tmp_path / "new.sqlite").exists()
