"""The ground archive: round trips, batching, durability, failures, queries and export."""

from __future__ import annotations

import csv
import math
import os
import re
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from enum import IntEnum
from pathlib import Path

import numpy as np
import pytest

from ground.archive.schema import SCHEMA_VERSION
from ground.archive.store import Archive, default_run_name
from ground.errors import ArchiveError, GroundError
from ground.testkit.archives import table_rows

REPO_ROOT = Path(__file__).resolve().parents[3]


class Mode(IntEnum):
    SAFE = 2


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    archive = Archive.create(tmp_path, "run", {"mission": "leo-station", "seed": 7})
    yield archive
    archive.close()


def rows_seen_by_another_connection(path: Path, table: str) -> int:
    """Rows of `table` another connection sees (0 while the table is not made yet)."""
    with sqlite3.connect(path) as other:
        made = other.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (table,)).fetchone()
        count = other.execute(f"SELECT count(*) FROM {table}").fetchone()[0] if made else 0
    other.close()
    return int(count)


def record_a_short_pass(archive: Archive) -> None:
    """The same calls, for the round-trip and determinism tests."""
    archive.record_frame(
        10.0, b"\x08\x01good", apid=1, seq=0, packet_type=0, service=3, subtype=25, generated_s=9.5
    )
    archive.record_frame(10.5, b"\xffjunk", ok=False, reason="crc")
    archive.record_housekeeping(10.0, "power", {"soc": 0.93, "mode": "sunlit"})
    archive.record_event(
        11.0, "power", "battery_low", 3, "soc below 20 %", {"soc": 0.19}, received_s=12.3
    )
    command_id = archive.record_command(
        12.0, "heater_on", {"zone": 2}, apid=4, seq=1, source="console"
    )
    archive.record_verification(command_id, 13.0, "acceptance", True)
    archive.record_verification(command_id, 14.0, "completion", False, code=7, detail="no power")
    archive.update_command_status(command_id, "failed")
    archive.record_alarm(15.0, "soc_low", "triggered", "red", "power.soc < 0.2", value=0.19)
    archive.record_injection(9.0, "power", "cell_short", "inject", {"cell": 3})
    archive.set_meta("config_path", "configs/leo.toml")


def table_contents(path: Path) -> dict[str, list[tuple[object, ...]]]:
    return table_rows(path)


# -- creating and opening -----------------------------------------------------------------


def test_create_makes_one_file_named_after_the_run_holding_only_the_callers_meta(
    tmp_path: Path,
) -> None:
    with Archive.create(
        tmp_path / "data", "run-1", {"mission": "lunar", "epoch": "2030-01-01T00:00:00Z"}
    ):
        pass
    with Archive.open(tmp_path / "data" / "run-1.sqlite") as reader:
        assert reader.meta() == {
            "epoch": "2030-01-01T00:00:00Z",
            "mission": "lunar",
            "schema_version": SCHEMA_VERSION,
        }


def test_create_refuses_to_overwrite_an_existing_archive(archive: Archive, tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="already exists"):
        Archive.create(tmp_path, "run")


def test_create_says_why_a_folder_cannot_take_the_archive(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("")
    with pytest.raises(ArchiveError, match=r"cannot create archive .*: Not a directory; make"):
        Archive.create(tmp_path / "a-file" / "runs", "run")


def test_create_refuses_a_run_name_that_is_not_a_plain_file_name(tmp_path: Path) -> None:
    for bad in ("", "../escape", "a/b", ".hidden"):
        with pytest.raises(ArchiveError, match="cannot be a file name"):
            Archive.create(tmp_path, bad)


def test_open_refuses_a_missing_file_and_a_file_that_is_not_an_archive(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="no archive"):
        Archive.open(tmp_path / "absent.sqlite")
    (tmp_path / "notes.sqlite").write_text("not a database at all, just some text" * 50)
    with pytest.raises(ArchiveError, match="not a readable archive"):
        Archive.open(tmp_path / "notes.sqlite")


def test_a_read_only_archive_refuses_to_record(archive: Archive) -> None:
    archive.flush()
    with Archive.open(archive.path) as reader, pytest.raises(ArchiveError, match="read-only"):
        reader.record_housekeeping(1.0, "power", {"soc": 1.0})


# -- round trips --------------------------------------------------------------------------


def test_every_table_round_trips(archive: Archive) -> None:
    record_a_short_pass(archive)
    archive.close()
    with Archive.open(archive.path) as reader:
        assert list(reader.frames()) == [(10.0, b"\x08\x01good"), (10.5, b"\xffjunk")]
        assert reader.parameter_history("power.soc") == [(10.0, 0.93)]
        assert reader.latest("power.mode") == (10.0, "sunlit")
        [event] = reader.events()
        assert (event.time_s, event.received_s, event.subsystem, event.name) == (
            11.0,
            12.3,
            "power",
            "battery_low",
        )
        assert (event.severity, event.message, event.params) == (3, "soc below 20 %", {"soc": 0.19})
        [command] = reader.commands()
        assert command.name == "heater_on" and command.args == {"zone": 2}
        assert (command.apid, command.seq, command.status, command.source) == (
            4,
            1,
            "failed",
            "console",
        )
        stages = reader.verifications(command.id)
        assert [(v.stage, v.ok, v.code, v.detail) for v in stages] == [
            ("acceptance", True, None, None),
            ("completion", False, 7, "no power"),
        ]
        [alarm] = reader.alarms()
        assert (alarm.name, alarm.kind, alarm.severity, alarm.condition, alarm.value) == (
            "soc_low",
            "triggered",
            "red",
            "power.soc < 0.2",
            0.19,
        )
        [injection] = reader.injections()
        assert (injection.subsystem, injection.fault, injection.action) == (
            "power",
            "cell_short",
            "inject",
        )
        assert injection.params == {"cell": 3}
        assert reader.meta()["config_path"] == "configs/leo.toml"


def test_frames_keep_their_header_fields_and_length_in_the_table(archive: Archive) -> None:
    record_a_short_pass(archive)
    archive.close()
    good, bad = table_contents(archive.path)["frames"]
    # The octets are in block 0, one after the other.
    assert good == (1, 10.0, 9.5, 1, 0, 0, 3, 25, 6, 1, None, 1, 0, 0)
    assert bad == (2, 10.5, None, None, None, None, None, None, 5, 0, "crc", 1, 0, 6)
    with Archive.open(archive.path) as reader:
        assert list(reader.frames()) == [(10.0, b"\x08\x01good"), (10.5, b"\xffjunk")]


def test_parameter_values_come_back_with_their_python_type(archive: Archive) -> None:
    values = {
        "flag": True,
        "count": 3,
        "ratio": 0.5,
        "whole_float": 2.0,
        "unset": math.nan,
        "limit": -math.inf,
        "mode": "safe",
        "enum": Mode.SAFE,
        "np_float": np.float32(0.25),
        "np_int": np.int64(-4),
        "np_bool": np.bool_(False),
    }
    archive.record_housekeeping(1.0, "probe", values)  # type: ignore[arg-type]  # numpy too
    back = {name: archive.latest(f"probe.{name}")[1] for name in values}  # type: ignore[index]
    assert {name: type(value) for name, value in back.items()} == {
        "flag": bool,
        "count": int,
        "ratio": float,
        "whole_float": float,
        "unset": float,
        "limit": float,
        "mode": str,
        "enum": int,
        "np_float": float,
        "np_int": int,
        "np_bool": bool,
    }
    assert math.isnan(back.pop("unset"))  # type: ignore[arg-type]
    assert back == {
        "flag": True,
        "count": 3,
        "ratio": 0.5,
        "whole_float": 2.0,
        "limit": -math.inf,
        "mode": "safe",
        "enum": 2,
        "np_float": 0.25,
        "np_int": -4,
        "np_bool": False,
    }


def test_an_int_beyond_64_bits_is_refused_as_the_link_would(archive: Archive) -> None:
    with pytest.raises(ArchiveError, match=r"'probe\.huge'.*64 bits"):
        archive.record_housekeeping(1.0, "probe", {"huge": 2**70})
    assert archive.stats.pending_rows == 0


def test_a_report_is_one_row_of_its_subsystems_table_a_typed_column_each(
    archive: Archive,
) -> None:
    archive.record_housekeeping(1.0, "power", {"soc": 0.5, "mode": "sunlit", "cells": 6})
    archive.record_housekeeping(2.0, "power", {"soc": math.nan})  # a partial report
    archive.close()
    contents = table_contents(archive.path)
    assert contents["tm_power"] == [(1, 1.0, 0.5, "sunlit", 6), (1, 2.0, "NaN", None, None)]
    assert contents["parameters"] == [
        ("power", "soc", "float", "", "tm_power", "soc", 1),
        ("power", "mode", "str", "", "tm_power", "mode", 1),
        ("power", "cells", "int", "", "tm_power", "cells", 1),
    ]
    with sqlite3.connect(archive.path) as plain:  # what any SQL tool sees
        columns = plain.execute("SELECT name, type FROM pragma_table_info('tm_power')").fetchall()
        assert columns == [
            ("segment", "INTEGER"),
            ("time_s", "REAL"),
            ("soc", "REAL"),
            ("mode", "TEXT"),
            ("cells", "INTEGER"),
        ]
    plain.close()


def test_a_report_with_an_unarchivable_value_is_refused_whole(archive: Archive) -> None:
    for bad_value in (b"\x00", None, [1, 2], 1j):
        with pytest.raises(ArchiveError, match=r"'power\.raw'.*pass a bool, int, float or str"):
            archive.record_housekeeping(1.0, "power", {"soc": 0.5, "raw": bad_value})  # type: ignore[dict-item]
    for bad_time_s in (math.nan, math.inf, "soon"):
        with pytest.raises(ArchiveError, match="mission seconds"):
            archive.record_housekeeping(bad_time_s, "power", {"soc": 0.5})  # type: ignore[arg-type]
    with pytest.raises(ArchiveError, match="subsystem must be a str"):
        archive.record_housekeeping(1.0, 17, {"soc": 0.5})  # type: ignore[arg-type]
    with pytest.raises(ArchiveError, match=r"holds a '\.'"):
        archive.record_housekeeping(1.0, "power.bus", {"soc": 0.5})
    with pytest.raises(ArchiveError, match="parameter name must be a str"):
        archive.record_housekeeping(1.0, "power", {3: 0.5})  # type: ignore[dict-item]
    with pytest.raises(ArchiveError, match="must be a mapping"):
        archive.record_housekeeping(1.0, "power", [("soc", 0.5)])  # type: ignore[arg-type]
    assert archive.stats.pending_rows == 0
    assert archive.parameter_names() == []


def test_bad_records_are_refused_when_recorded_not_at_commit(archive: Archive) -> None:
    with pytest.raises(ArchiveError, match=r"severity must be 1\.\.4"):
        archive.record_event(1.0, "power", "x", 5)
    with pytest.raises(ArchiveError, match="'inject' or 'clear'"):
        archive.record_injection(1.0, "power", "cell_short", "toggle")
    with pytest.raises(ArchiveError, match="JSON-compatible"):
        archive.record_command(1.0, "upload", {"blob": b"\x00"})
    with pytest.raises(ArchiveError, match="no command 99"):
        archive.update_command_status(99, "done")
    with pytest.raises(ArchiveError, match="command_id must be"):
        archive.record_verification(None, 1.0, "acceptance", True)  # type: ignore[arg-type]
    assert archive.stats.pending_rows == 0


# -- batching and durability --------------------------------------------------------------


def test_a_batch_commits_when_it_reaches_batch_rows_counting_one_row_per_report(
    tmp_path: Path,
) -> None:
    with Archive.create(tmp_path, "run", batch_rows=3) as archive:
        report = {f"t{i}": float(i) for i in range(15)}
        archive.record_housekeeping(0.0, "thermal", report)
        archive.record_housekeeping(1.0, "thermal", report)
        assert rows_seen_by_another_connection(archive.path, "tm_thermal") == 0
        assert archive.stats.pending_rows == 2
        archive.record_housekeeping(2.0, "thermal", report)
        assert rows_seen_by_another_connection(archive.path, "tm_thermal") == 3
        assert rows_seen_by_another_connection(archive.path, "parameters") == 15
        assert archive.stats.batches_committed == 1
        assert archive.stats.rows_written["reports"] == 3
        assert archive.stats.pending_rows == 0


def test_flush_makes_rows_visible_to_a_second_connection_without_close(archive: Archive) -> None:
    archive.record_housekeeping(1.0, "power", {"soc": 0.9})
    archive.record_event(1.0, "power", "eclipse_entry", 1)
    assert rows_seen_by_another_connection(archive.path, "events") == 0
    assert archive.flush() == 2
    assert rows_seen_by_another_connection(archive.path, "tm_power") == 1
    assert rows_seen_by_another_connection(archive.path, "events") == 1


def test_queries_on_a_writer_see_rows_not_yet_flushed(archive: Archive) -> None:
    archive.record_housekeeping(1.0, "power", {"soc": 0.9})
    assert archive.latest("power.soc") == (1.0, 0.9)


def test_close_flushes_what_is_pending(archive: Archive) -> None:
    archive.record_housekeeping(1.0, "power", {"soc": 0.9})
    archive.close()
    assert rows_seen_by_another_connection(archive.path, "tm_power") == 1


def test_a_killed_writer_loses_only_its_uncommitted_batch(tmp_path: Path) -> None:
    writer = textwrap.dedent(
        f"""
        import os, signal
        from ground.archive.store import Archive
        archive = Archive.create({str(tmp_path)!r}, "crash")
        archive.record_housekeeping(1.0, "power", {{"soc": 0.9}})
        archive.flush()
        archive.record_housekeeping(2.0, "power", {{"soc": 0.8}})
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", writer], env=env, capture_output=True, check=False
    )
    assert result.returncode == -9, result.stderr.decode()
    with Archive.open(tmp_path / "crash.sqlite") as reader:
        assert reader.parameter_history("power.soc") == [(1.0, 0.9)]


def test_a_full_disk_raises_a_clear_error_and_keeps_the_batch_for_a_retry(archive: Archive) -> None:
    # SQLite's page quota fails a commit exactly as a full disk does (SQLITE_FULL); the quota
    # is per connection, hence the reach into the archive's own one.
    connection = archive._connection
    assert connection is not None
    pages = connection.execute("PRAGMA page_count").fetchone()[0]
    connection.execute(f"PRAGMA max_page_count = {pages}")
    report = {f"channel_{i}": "x" * 100 for i in range(100)}
    for time_s in (1.0, 1.5, 2.0):
        archive.record_housekeeping(time_s, "payload", report)
    with pytest.raises(ArchiveError, match=r"3 pending rows.*disk.*full.*flush\(\) again"):
        archive.flush()
    archive.record_housekeeping(2.0, "power", {"soc": 0.5})  # accepted while the disk is full
    assert archive.stats.pending_rows == 4
    assert archive.latest("power.soc") is None  # queries answer from what is committed
    connection.execute("PRAGMA max_page_count = 1000000")  # space freed
    assert archive.flush() == 4
    assert len(archive.parameter_history("payload.channel_7")) == 3


def test_a_locked_file_raises_a_clear_error_and_a_retry_after_release_commits(
    archive: Archive,
) -> None:
    archive.flush()
    with Archive.open(archive.path, readonly=False, busy_timeout_s=0) as second_writer:
        second_writer.record_housekeeping(1.0, "power", {"soc": 0.5})
        blocker = sqlite3.connect(archive.path, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        with pytest.raises(ArchiveError, match=r"locked.*close the other writer"):
            second_writer.flush()
        blocker.execute("ROLLBACK")
        blocker.close()
        assert second_writer.flush() == 1
    assert archive.latest("power.soc") == (1.0, 0.5)


# -- queries ------------------------------------------------------------------------------


def test_parameter_history_is_filtered_by_a_closed_time_range(archive: Archive) -> None:
    for second in range(10):
        archive.record_housekeeping(float(second), "power", {"soc": second / 10, "v": 28.0})
        archive.record_housekeeping(float(second), "thermal", {"soc": -1.0})  # same key elsewhere
    assert archive.parameter_history("power.soc", 3.0, 5.0) == [(3.0, 0.3), (4.0, 0.4), (5.0, 0.5)]
    assert archive.parameter_history("power.soc", start_s=8.0) == [(8.0, 0.8), (9.0, 0.9)]
    assert archive.parameter_history("power.soc", end_s=0.5) == [(0.0, 0.0)]
    assert archive.latest("power.soc") == (9.0, 0.9)
    assert archive.latest("power.unknown") is None
    assert archive.latest("nowhere.soc") is None
    assert archive.parameter_history("power.unknown") == []
    assert archive.parameter_names() == ["power.soc", "power.v", "thermal.soc"]


def test_reports_whose_key_set_changes_keep_every_name_and_skip_missing_values(
    archive: Archive,
) -> None:
    archive.record_housekeeping(1.0, "power", {"soc": 0.9, "heater": True})
    archive.record_housekeeping(2.0, "power", {"soc": 0.8})  # e.g. a TM[20,2] answer
    archive.record_housekeeping(3.0, "power", {"soc": 0.7, "bus_v": 28.1})
    archive.record_housekeeping(4.0, "power", {"soc": 0.6})
    assert archive.parameter_names() == ["power.bus_v", "power.heater", "power.soc"]
    assert archive.parameter_history("power.heater") == [(1.0, True)]
    assert archive.parameter_history("power.soc") == [
        (1.0, 0.9),
        (2.0, 0.8),
        (3.0, 0.7),
        (4.0, 0.6),
    ]
    assert archive.latest("power.bus_v") == (3.0, 28.1)  # the newest report lacks it
    assert archive.latest("power.heater") == (1.0, True)


def test_a_reopened_archive_appends_reports_and_knows_their_names(archive: Archive) -> None:
    archive.record_housekeeping(1.0, "power", {"soc": 0.9})
    archive.close()
    with Archive.open(archive.path, readonly=False) as writer:
        writer.record_housekeeping(2.0, "power", {"soc": 0.8, "bus_v": 28.0})
    with Archive.open(archive.path) as reader:
        assert reader.parameter_names() == ["power.bus_v", "power.soc"]
        assert reader.parameter_history("power.soc") == [(1.0, 0.9), (2.0, 0.8)]
    assert table_contents(archive.path)["parameters"] == [
        ("power", "soc", "float", "", "tm_power", "soc", 1),
        ("power", "bus_v", "float", "", "tm_power", "bus_v", 1),
    ]


def test_events_are_filtered_by_severity_time_and_subsystem(archive: Archive) -> None:
    for time_s, subsystem, severity in [
        (1, "power", 1),
        (2, "power", 4),
        (3, "thermal", 3),
        (4, "power", 2),
    ]:
        archive.record_event(time_s, subsystem, f"e{time_s}", severity)
    assert [e.name for e in archive.events()] == ["e1", "e2", "e3", "e4"]
    assert [e.name for e in archive.events(min_severity=3)] == ["e2", "e3"]
    assert [e.name for e in archive.events(start_s=2.0, end_s=3.0)] == ["e2", "e3"]
    assert [e.name for e in archive.events(min_severity=2, subsystem="power")] == ["e2", "e4"]


def test_commands_are_filtered_by_status_after_updates(archive: Archive) -> None:
    ids = [archive.record_command(float(i), f"cmd{i}") for i in range(3)]
    assert ids == [1, 2, 3]
    archive.update_command_status(ids[1], "completed")
    assert [c.name for c in archive.commands(status="uplinked")] == ["cmd0", "cmd2"]
    assert [c.name for c in archive.commands(status="completed")] == ["cmd1"]
    assert [c.name for c in archive.commands(start_s=1.0)] == ["cmd1", "cmd2"]
    assert archive.stats.status_updates == 1


def test_alarms_and_injections_are_filtered_by_time_and_name(archive: Archive) -> None:
    archive.record_alarm(1.0, "soc_low", "triggered", "yellow", "power.soc < 0.3", value=0.29)
    archive.record_alarm(
        2.0,
        "soc_low",
        "acknowledged",
        "yellow",
        "power.soc < 0.3",
        operator="alice",
        comment="known",
    )
    archive.record_alarm(3.0, "door_open", "triggered", "red", "docking.door == 'open'", value=True)
    archive.record_injection(1.5, "power", "cell_short", "inject")
    archive.record_injection(2.5, "power", "cell_short", "clear")
    assert [a.kind for a in archive.alarms(name="soc_low")] == ["triggered", "acknowledged"]
    assert [(a.name, a.value) for a in archive.alarms(start_s=3.0)] == [("door_open", True)]
    assert archive.alarms(start_s=2.0, end_s=2.0)[0].operator == "alice"
    assert [i.action for i in archive.injections(end_s=2.0)] == ["inject"]


def test_timeline_merges_every_kind_in_time_order(archive: Archive) -> None:
    record_a_short_pass(archive)
    assert [(item["time_s"], item["kind"], item["text"]) for item in archive.timeline()] == [
        (9.0, "injection", 'inject power.cell_short {"cell":3}'),
        (11.0, "event", "MEDIUM power.battery_low: soc below 20 %"),
        (12.0, "command", 'command #1 heater_on {"zone":2} failed from console'),
        (13.0, "verification", "command #1 acceptance ok"),
        (14.0, "verification", "command #1 completion failed code 7: no power"),
        (15.0, "alarm", "alarm soc_low triggered red: power.soc < 0.2 value 0.19"),
    ]
    assert [item["kind"] for item in archive.timeline(12.0, 13.0)] == ["command", "verification"]


def test_frames_replay_in_the_order_received_by_time_and_apid(archive: Archive) -> None:
    for index in range(1200):
        archive.record_frame(index * 0.5, index.to_bytes(2, "big"), apid=index % 3)
    replay = list(archive.frames())
    assert len(replay) == 1200 and replay[:2] == [(0.0, b"\x00\x00"), (0.5, b"\x00\x01")]
    assert list(archive.frames(1.0, 2.0)) == [
        (1.0, b"\x00\x02"),
        (1.5, b"\x00\x03"),
        (2.0, b"\x00\x04"),
    ]
    assert [raw for _, raw in archive.frames(0.0, 3.0, apid=1)] == [b"\x00\x01", b"\x00\x04"]


# -- export -------------------------------------------------------------------------------


def read_csv(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as stream:
        return list(csv.reader(stream))


def test_export_csv_writes_a_parameter_the_parameters_table_and_any_table(
    archive: Archive, tmp_path: Path
) -> None:
    archive.record_housekeeping(1.0, "power", {"soc": 0.5, "sunlit": True})
    archive.record_housekeeping(2.0, "power", {"soc": 0.25, "sunlit": False})
    record_a_short_pass(archive)
    assert archive.export_csv("power.soc", tmp_path / "soc.csv") == 3
    assert read_csv(tmp_path / "soc.csv") == [
        ["segment", "time_s", "name", "value"],
        ["1", "1.0", "power.soc", "0.5"],
        ["1", "2.0", "power.soc", "0.25"],
        ["1", "10.0", "power.soc", "0.93"],
    ]
    assert archive.export_csv("samples", tmp_path / "all.csv") == 6
    assert read_csv(tmp_path / "all.csv")[1:3] == [
        ["1", "1.0", "power.soc", "0.5"],
        ["1", "1.0", "power.sunlit", "True"],
    ]
    assert archive.export_csv("frames", tmp_path / "frames.csv") == 2
    header, good, _bad = read_csv(tmp_path / "frames.csv")
    assert header == [
        "id",
        "received_s",
        "generated_s",
        "apid",
        "seq",
        "packet_type",
        "service",
        "subtype",
        "length",
        "ok",
        "reason",
        "segment",
        "block",
        "block_offset",
        "raw",
    ]
    assert good[-1] == b"\x08\x01good".hex()
    assert archive.export_csv("timeline", tmp_path / "timeline.csv") == 6


def test_export_csv_refuses_a_name_that_is_neither_table_nor_parameter(
    archive: Archive, tmp_path: Path
) -> None:
    with pytest.raises(ArchiveError, match="neither a table"):
        archive.export_csv("power.unknown", tmp_path / "x.csv")
    assert not (tmp_path / "x.csv").exists()


# -- determinism --------------------------------------------------------------------------


def test_the_same_calls_write_identical_table_contents(tmp_path: Path) -> None:
    paths = []
    for run in ("a", "b"):
        with Archive.create(
            tmp_path / run, "run", {"mission": "leo", "seed": 1}, batch_rows=3
        ) as archive:
            record_a_short_pass(archive)
            paths.append(archive.path)
    assert table_contents(paths[0]) == table_contents(paths[1])


def test_archive_errors_are_ground_errors() -> None:
    assert issubclass(ArchiveError, GroundError)


def test_a_run_without_a_name_is_named_after_its_mission_and_the_date(tmp_path: Path) -> None:
    name = default_run_name("leo-smallsat")
    assert re.fullmatch(r"leo-smallsat-\d{8}-\d{6}", name)
    with Archive.create(tmp_path, name) as archive:  # a name the archive takes as it is
        assert archive.path.name == f"{name}.sqlite"
