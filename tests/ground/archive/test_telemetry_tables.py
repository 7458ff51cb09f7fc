"""Telemetry in typed columns: names SQL would confuse, new parameters, NaN, failed commits."""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from ground.archive import Archive


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    archive = Archive.create(tmp_path, "run", batch_rows=1000)
    yield archive
    archive.close(discard_pending=True)


def plain(path: Path, sql: str) -> list[tuple[object, ...]]:
    """What a SQL tool that knows nothing of this project sees."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        rows = db.execute(sql).fetchall()
    db.close()
    return rows


def test_declared_parameters_make_typed_columns_in_the_dictionarys_order(archive: Archive) -> None:
    archive.declare_parameters(
        [("power", "bus_voltage_v", "float", "V"), ("power", "mode", "str", ""),
         ("power", "heater_on", "bool", ""), ("power", "resets", "int", "")]
    )  # fmt: skip
    archive.flush()
    assert plain(archive.path, "SELECT name, type FROM pragma_table_info('tm_power')") == [
        ("segment", "INTEGER"), ("time_s", "REAL"), ("bus_voltage_v", "REAL"),
        ("mode", "TEXT"), ("heater_on", "BOOLEAN"), ("resets", "INTEGER"),
    ]  # fmt: skip
    assert plain(archive.path, "SELECT name, unit, recorded FROM parameters") == [
        ("bus_voltage_v", "V", 0), ("mode", "", 0), ("heater_on", "", 0), ("resets", "", 0)
    ]  # fmt: skip
    assert archive.parameter_names() == []  # declared, not yet recorded


def test_declarations_that_come_back_to_a_table_add_its_columns_in_their_order(
    archive: Archive,
) -> None:
    archive.declare_parameters(
        [("power", "a", "float", ""), ("thermal", "t", "float", "C"), ("power", "b", "int", "")]
    )
    archive.flush()
    archive.declare_parameters([("power", "c", "str", ""), ("power", "a", "float", "")])
    archive.flush()
    assert plain(archive.path, "SELECT name, type FROM pragma_table_info('tm_power')") == [
        ("segment", "INTEGER"), ("time_s", "REAL"), ("a", "REAL"), ("b", "INTEGER"),
        ("c", "TEXT"),
    ]  # fmt: skip
    assert plain(archive.path, "SELECT subsystem, name FROM parameters ORDER BY rowid") == [
        ("power", "a"), ("thermal", "t"), ("power", "b"), ("power", "c")
    ]  # fmt: skip


def test_a_declared_float_keeps_its_kind_when_a_report_sends_an_int(archive: Archive) -> None:
    archive.declare_parameters([("power", "bus_voltage_v", "float", "V")])
    archive.record_housekeeping(1.0, "power", {"bus_voltage_v": 28})
    assert archive.latest("power.bus_voltage_v") == (1.0, 28.0)
    assert type(archive.latest("power.bus_voltage_v")[1]) is float  # type: ignore[index]


def test_a_parameter_never_declared_gets_a_column_when_it_first_comes(archive: Archive) -> None:
    archive.record_housekeeping(1.0, "power", {"soc": 0.5})
    archive.flush()
    archive.record_housekeeping(2.0, "power", {"soc": 0.6, "new_flag": True})
    archive.flush()
    assert plain(archive.path, "SELECT time_s, soc, new_flag FROM tm_power") == [
        (1.0, 0.5, None), (2.0, 0.6, 1)
    ]  # fmt: skip
    assert archive.parameter_history("power.new_flag") == [(2.0, True)]


def test_names_sql_would_confuse_get_columns_of_their_own(archive: Archive) -> None:
    archive.record_housekeeping(
        1.0, "power", {"Mode": "a", "mode": "b", "time_s": 7.0, "segment": 3, 'say "hi"': 1}
    )
    archive.record_housekeeping(1.0, "Power", {"x": 1.0})  # a table name differing in case
    archive.flush()
    assert plain(archive.path, "SELECT name, table_name, column_name FROM parameters") == [
        ("Mode", "tm_power", "Mode"), ("mode", "tm_power", "mode_2"),
        ("time_s", "tm_power", "time_s_2"), ("segment", "tm_power", "segment_2"),
        ('say "hi"', "tm_power", 'say "hi"'), ("x", "tm_Power_2", "x"),
    ]  # fmt: skip
    assert archive.latest("power.mode") == (1.0, "b")
    assert archive.latest("power.time_s") == (1.0, 7.0)
    assert archive.latest("power.segment") == (1.0, 3)
    assert archive.latest('power.say "hi"') == (1.0, 1)
    assert archive.latest("Power.x") == (1.0, 1.0)


def test_nan_is_kept_apart_from_a_value_not_in_the_report(archive: Archive) -> None:
    archive.record_housekeeping(1.0, "power", {"soc": math.nan, "v": math.inf})
    archive.record_housekeeping(2.0, "power", {"v": -math.inf})
    history = archive.parameter_history("power.soc")
    assert len(history) == 1 and math.isnan(history[0][1])  # type: ignore[arg-type]
    assert archive.parameter_history("power.v") == [(1.0, math.inf), (2.0, -math.inf)]
    assert plain(archive.path, "SELECT soc, v FROM tm_power") == [
        ("NaN", math.inf),
        (None, -math.inf),
    ]


def test_a_commit_that_fails_after_making_a_column_makes_it_again_on_the_retry(
    archive: Archive,
) -> None:
    archive.record_housekeeping(1.0, "power", {"soc": 0.5})
    archive.flush()
    connection = archive._connection
    assert connection is not None
    connection.execute("PRAGMA query_only = ON")  # every write fails, as on a read-only disk
    archive.record_housekeeping(2.0, "power", {"soc": 0.6, "fresh": 1})
    assert archive.try_flush() == 0 and archive.failure is not None
    connection.execute("PRAGMA query_only = OFF")
    assert archive.try_flush() == 1
    assert archive.parameter_history("power.fresh") == [(2.0, 1)]
    assert plain(archive.path, "SELECT name, recorded FROM parameters") == [
        ("soc", 1),
        ("fresh", 1),
    ]


def test_a_reopened_archive_goes_on_writing_the_same_tables(archive: Archive) -> None:
    archive.record_housekeeping(1.0, "power", {"soc": 0.5})
    archive.close()
    with Archive.open(archive.path, readonly=False) as writer:
        writer.record_housekeeping(2.0, "power", {"soc": 0.6, "v": 28.0})
    with Archive.open(archive.path) as reader:
        assert reader.parameter_history("power.soc") == [(1.0, 0.5), (2.0, 0.6)]
        assert reader.recent_reports(1, per_subsystem=1) == [
            (2.0, "power", {"soc": 0.6, "v": 28.0})
        ]


def test_a_subsystem_named_like_another_tables_index_gets_a_table_of_its_own(
    archive: Archive,
) -> None:
    archive.record_housekeeping(1.0, "power", {"v": 1.0})  # its index is tm_power_time
    archive.record_housekeeping(1.0, "power_time", {"v": 2.0})
    archive.record_housekeeping(1.0, "nul\x00here", {"a\x00b": 3.0})  # a NUL ends an identifier
    assert archive.try_flush() == 3 and archive.failure is None
    assert plain(archive.path, "SELECT subsystem, table_name, column_name FROM parameters") == [
        ("power", "tm_power", "v"), ("power_time", "tm_power_time_2", "v"),
        ("nul\x00here", "tm_nul_here", "a_b"),
    ]  # fmt: skip
    assert archive.latest("power_time.v") == (1.0, 2.0)
    assert archive.latest("nul\x00here.a\x00b") == (1.0, 3.0)


def test_a_report_of_nothing_from_a_new_subsystem_does_not_stop_the_commits(
    archive: Archive,
) -> None:
    archive.record_housekeeping(1.0, "ghost", {})
    archive.record_housekeeping(2.0, "power", {"soc": 0.5})
    assert archive.try_flush() == 2 and archive.failure is None
    assert archive.latest("power.soc") == (2.0, 0.5)
