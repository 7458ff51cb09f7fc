"""An archive whose commits fail: rows held in order, never an exception while recording, a bound."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from ground.archive import Archive, HoldLimit, WriteFailure
from ground.archive.held import HeldSummary
from ground.errors import ArchiveError

# More than a page, and incompressible: every commit holding one needs new pages.
BIG_FRAME = random.Random(7).randbytes(5000)


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    archive = Archive.create(tmp_path, "run", batch_rows=4)
    yield archive
    archive.close(discard_pending=True)


def connection_of(archive: Archive) -> sqlite3.Connection:
    # SQLite's limits are per connection, hence the reach into the archive's own one.
    connection = archive._connection
    assert connection is not None
    return connection


def fill_the_disk(archive: Archive) -> None:
    """SQLite's page quota fails a commit that needs a new page exactly as a full disk does."""
    connection = connection_of(archive)
    pages = connection.execute("PRAGMA page_count").fetchone()[0]
    connection.execute(f"PRAGMA max_page_count = {pages}")


def free_the_disk(archive: Archive) -> None:
    connection_of(archive).execute("PRAGMA max_page_count = 1073741823")


def make_read_only(archive: Archive, read_only: bool = True) -> None:
    connection_of(archive).execute(f"PRAGMA query_only = {'ON' if read_only else 'OFF'}")


def record_frames(archive: Archive, times_s: range) -> None:
    for time_s in times_s:
        archive.record_frame(float(time_s), BIG_FRAME, apid=17, seq=time_s, packet_type=0,
                             service=3, subtype=25, generated_s=time_s - 1.0)  # fmt: skip
        archive.record_housekeeping(float(time_s) - 1.0, "power", {"battery_soc": 0.9})


def frame_seqs(path: Path) -> list[int]:
    with sqlite3.connect(path) as other:
        seqs = [row[0] for row in other.execute("SELECT seq FROM frames ORDER BY id")]
    other.close()
    return seqs


def test_recording_goes_on_without_an_exception_while_every_commit_fails(archive: Archive) -> None:
    fill_the_disk(archive)
    record_frames(archive, range(1, 11))  # batches of 4 rows: the commit is tried, and fails
    assert archive.failure is not None
    assert archive.failure.error_name == "SQLITE_FULL"
    assert archive.stats.pending_rows == 20
    assert archive.stats.failed_commits == 1  # after a failure only the caller retries


def test_a_full_disk_is_said_in_the_operators_words_with_what_to_do(archive: Archive) -> None:
    fill_the_disk(archive)
    record_frames(archive, range(1, 3))
    assert archive.try_flush() == 0
    failure = archive.failure
    assert failure is not None
    assert str(failure) == (
        f"the archive {archive.path} cannot be written: the disk is full (or the file size "
        "limit was reached)"
    )
    assert failure.advice == f"free space under {archive.path.parent}"


def test_held_rows_are_written_in_the_order_recorded_once_the_disk_has_room(
    archive: Archive,
) -> None:
    record_frames(archive, range(1, 3))
    archive.try_flush()
    fill_the_disk(archive)
    record_frames(archive, range(3, 9))
    assert frame_seqs(archive.path) == [1, 2]
    free_the_disk(archive)
    assert archive.try_flush() == 12
    assert archive.failure is None
    assert frame_seqs(archive.path) == list(range(1, 9))
    assert archive.stats.rows_written_late == 12


def test_queries_answer_from_the_file_while_commits_fail(archive: Archive) -> None:
    record_frames(archive, range(1, 2))
    archive.try_flush()
    make_read_only(archive)
    record_frames(archive, range(2, 3))
    assert archive.parameter_history("power.battery_soc") == [(0.0, 0.9)]  # tried once, failed
    assert archive.failure is not None and archive.failure.error_name == "SQLITE_READONLY"
    assert archive.stats.failed_commits == 1
    archive.parameter_history("power.battery_soc")
    assert archive.stats.failed_commits == 1  # a query does not retry a failing archive


def test_flush_still_raises_for_callers_that_want_an_exception(archive: Archive) -> None:
    make_read_only(archive)
    record_frames(archive, range(1, 2))
    with pytest.raises(ArchiveError, match=r"2 pending rows.*read-only.*flush\(\) again"):
        archive.flush()
    make_read_only(archive, False)
    assert archive.flush() == 2


def test_the_holding_bound_counts_rows_and_bytes(tmp_path: Path) -> None:
    by_rows = Archive.create(tmp_path, "rows", hold=HoldLimit(rows=5, size_bytes=10**9))
    by_bytes = Archive.create(tmp_path, "bytes", hold=HoldLimit(rows=10**6, size_bytes=12_000))
    for archive in (by_rows, by_bytes):
        make_read_only(archive)
        archive.record_frame(1.0, BIG_FRAME)
        archive.record_frame(2.0, BIG_FRAME)
        archive.try_flush()
        assert not archive.held_full
    by_rows.record_event(3.0, "power", "low", 2)
    by_rows.record_event(4.0, "power", "low", 2)
    by_bytes.record_frame(3.0, BIG_FRAME)
    assert by_rows.stats.pending_rows == 4 and not by_rows.held_full
    by_rows.record_event(5.0, "power", "low", 2)
    assert by_rows.held_full
    assert by_bytes.stats.pending_bytes >= 15_000 and by_bytes.held_full
    for archive in (by_rows, by_bytes):
        archive.close(discard_pending=True)


def test_what_is_held_adds_up_per_table_with_its_mission_time_span(archive: Archive) -> None:
    make_read_only(archive)
    record_frames(archive, range(80, 83))
    command_id = archive.record_command(81.5, "power.heater_on")
    archive.update_command_status(command_id, "sent")
    archive.record_alarm(95.0, "soc_low", "triggered", "critical", "power.battery_soc < 0.2")
    summary = archive.held().summary()
    assert summary == HeldSummary(
        {"frames": 3, "reports": 3, "commands": 1, "alarms": 1},
        1,
        79.0,
        95.0,
    )
    assert summary.total == archive.stats.pending_rows
    assert str(summary) == (
        "3 frames, 3 housekeeping reports, 1 command, 1 alarm step and "
        "1 command status update (mission time 79.0–95.0 s)"
    )


@pytest.mark.parametrize(
    ("error_name", "reason", "advice"),
    [
        ("SQLITE_FULL", "the disk is full (or the file size limit was reached)", "free space"),
        ("SQLITE_IOERR_WRITE", "a write to the disk failed", "`ulimit -f`"),
        ("SQLITE_BUSY", "another program holds the archive's write lock", "close the other"),
        ("SQLITE_READONLY_DBMOVED", "read-only", "make runs writable"),
        ("SQLITE_CORRUPT", "SQLite refused the commit", "check the disk and the file"),
    ],
)
def test_each_kind_of_failure_has_its_own_words(error_name: str, reason: str, advice: str) -> None:
    error = sqlite3.OperationalError("what SQLite said")
    error.sqlite_errorname = error_name  # type: ignore[attr-defined]
    failure = WriteFailure.of(Path("runs/day.sqlite"), error)
    assert reason in failure.reason and advice in failure.advice
    assert (failure.error_name, failure.detail) == (error_name, "what SQLite said")
