"""The end of a run's archive: all written, or spilled and said where, or said exactly what is lost."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from ground.archive import Archive, import_spill
from ground.process import archive_close
from ground.process.archive_close import close_archive


def failing_archive(folder: Path) -> Archive:
    """An archive with two frames written and three held by commits that fail."""
    archive = Archive.create(folder, "run")
    for time_s in (1.0, 2.0):
        archive.record_frame(time_s, b"\x08frame", apid=17, seq=int(time_s))
    archive.flush()
    connection = archive._connection  # SQLite's settings are per connection
    assert connection is not None
    connection.execute("PRAGMA query_only = ON")
    for time_s in (3.0, 4.0, 5.0):
        archive.record_frame(time_s, b"\x08frame", apid=17, seq=int(time_s))
    archive.record_event(4.5, "ground", "note", 1, "held too")
    return archive


def error_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_writable_archive_closes_with_every_row_written(tmp_path: Path) -> None:
    archive = Archive.create(tmp_path, "run")
    archive.record_frame(1.0, b"\x08frame")
    closed = close_archive(archive)
    assert closed.complete and closed.spill is None and archive.closed
    with Archive.open(tmp_path / "run.sqlite") as reader:
        assert len(list(reader.frames())) == 1


def test_what_cannot_be_written_is_spilled_beside_the_archive_and_said(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    archive = failing_archive(tmp_path)
    closed = close_archive(archive)
    assert closed.spill == tmp_path / "run.spill-1.msgpack" and closed.spill.exists()
    assert closed.unwritten is not None and not closed.complete
    assert error_lines(caplog) == [
        f"the archive {archive.path} cannot be written: the file or its folder is read-only; "
        "3 frames and 1 event (mission time 3.0–5.0 s) were not written to it and are saved in "
        f"{closed.spill}. To load them into the archive: make {tmp_path} writable, then run "
        f"`mission archive import-spill {archive.path}`"
    ]
    assert close_archive(archive) == archive_close.ArchiveClosed(archive.path)  # closed once
    import_spill(archive.path, closed.spill)
    with Archive.open(archive.path) as reader:
        assert [time_s for time_s, _ in reader.frames()] == [1.0, 2.0, 3.0, 4.0, 5.0]
        assert [event.name for event in reader.events()] == ["note"]


def test_a_spill_goes_to_the_temporary_folder_when_the_archives_cannot_take_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a-file").write_text("")
    blocked = tmp_path / "a-file" / "runs"  # cannot be made, even by root
    elsewhere = tmp_path / "tmp"
    monkeypatch.setattr(archive_close, "spill_folders", lambda path: [blocked, elsewhere])
    archive = failing_archive(tmp_path)
    closed = close_archive(archive)
    assert closed.spill == elsewhere / "run.spill-1.msgpack"
    (said,) = error_lines(caplog)
    assert f"saved in {closed.spill} ({tmp_path} could not take it;" in said
    assert said.endswith(f"`mission archive import-spill {archive.path} {closed.spill}`")


def test_when_no_spill_can_be_written_the_close_says_exactly_what_is_lost(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a-file").write_text("")
    blocked = [tmp_path / "a-file" / "one", tmp_path / "a-file" / "two"]
    monkeypatch.setattr(archive_close, "spill_folders", lambda path: blocked)
    archive = failing_archive(tmp_path)
    closed = close_archive(archive)
    assert closed.spill is None and closed.unwritten is not None
    assert closed.unwritten.rows == {"frames": 3, "events": 1}
    (said,) = error_lines(caplog)
    assert said.startswith(
        f"the archive {archive.path} cannot be written: the file or its folder is read-only; "
        "3 frames and 1 event (mission time 3.0–5.0 s) were not written and are lost: no spill "
        f"file could be written ({blocked[0]}: Not a directory; {blocked[1]}: Not a directory)"
    )
    assert "`dump START END`" in said
    assert archive.closed
