"""Segments: every row says which spacecraft of the run it belongs to, and queries keep them apart."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ground.archive import Archive
from ground.archive.runs import latest_run
from ground.errors import ArchiveError


def two_segments(directory: Path) -> Archive:
    """A run: a spacecraft to T+20 s, then another from T+0 to T+10 s."""
    archive = Archive.create(directory, "run")
    assert archive.begin_segment(0.0, "the run began") == 1
    for time_s in (0.0, 10.0, 20.0):
        archive.record_housekeeping(time_s, "power", {"soc": 0.9})
        archive.record_frame(time_s + 1, b"\x00", generated_s=time_s, apid=17, seq=int(time_s / 10))
    archive.record_event(5.0, "power", "low", 2, "battery low")
    assert archive.begin_segment(0.0, "another spacecraft flies", "2030-01-01T00:00:00Z") == 2
    for time_s in (0.0, 10.0):
        archive.record_housekeeping(time_s, "power", {"soc": 0.5})
        archive.record_frame(time_s + 1, b"\x00", generated_s=time_s, apid=17, seq=int(time_s / 10))
    archive.flush()
    return archive


def test_queries_answer_from_one_segment_or_from_every_one_in_turn(tmp_path: Path) -> None:
    with two_segments(tmp_path) as archive:
        assert [s.segment for s in archive.segments()] == [1, 2]
        assert archive.segments()[0].wall_time is None  # began with the file: no wall time
        assert archive.parameter_history("power.soc", segment=2) == [(0.0, 0.5), (10.0, 0.5)]
        assert archive.parameter_history("power.soc", 0.0, 0.0) == [(0.0, 0.9), (0.0, 0.5)]
        assert list(archive.samples("power.soc", end_s=0.0)) == [(1, 0.0, 0.9), (2, 0.0, 0.5)]
        assert archive.latest("power.soc") == (10.0, 0.5)  # the last segment's newest
        assert archive.latest("power.soc", segment=1) == (20.0, 0.9)
        assert [e.segment for e in archive.events()] == [1]
        assert archive.events(segment=2) == []


def test_the_frames_of_a_segment_are_accounted_for_by_apid(tmp_path: Path) -> None:
    with two_segments(tmp_path) as archive:
        assert archive.frame_counts(1) == {17: 3}
        assert archive.frame_counts(1, until_s=10.0) == {17: 2}
        assert archive.last_frames(1) == {17: (2, 20.0)}
        assert sorted(archive.frame_keys(2, 0.0, 5.0)) == [(17, 0, 0.0)]
        recent = archive.recent_reports(1, per_subsystem=2)
        assert [(time_s, subsystem) for time_s, subsystem, _ in recent] == [
            (10.0, "power"),
            (20.0, "power"),
        ]


def test_a_sound_archive_has_no_integrity_problem_and_a_damaged_one_says_what(
    tmp_path: Path,
) -> None:
    two_segments(tmp_path).close()
    path = tmp_path / "run.sqlite"
    with Archive.open(path, readonly=False) as archive:
        assert archive.integrity_problems() == []
    data = bytearray(path.read_bytes())
    page = 4096
    data[2 * page : 2 * page + 200] = b"\xa5" * 200  # scribble over a page of the tables
    path.write_bytes(bytes(data))
    try:
        with Archive.open(path, readonly=False) as archive:
            problems = archive.integrity_problems()
    except ArchiveError as error:  # damaged where the schema is: it does not even open
        problems = [str(error)]
    assert problems


def test_the_latest_run_is_the_one_written_last_and_replays_are_not_runs(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="no run to resume"):
        latest_run(tmp_path)
    for name in ("older", "newer", "newer-replay"):
        Archive.create(tmp_path, name).close()
    for age_s, name in ((300, "older"), (200, "newer"), (100, "newer-replay")):
        os.utime(tmp_path / f"{name}.sqlite", (1e9 - age_s, 1e9 - age_s))
    assert latest_run(tmp_path) == "newer"
