"""Spill files: what an archive holds saved whole, and loaded back as the commits would have written it."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from ground.archive import Archive, import_spill, load_spills, spills_of, write_spill
from ground.archive.schema import TIME_COLUMNS
from ground.errors import ArchiveError

TABLES = ("frames", "frame_blocks", "parameters", "tm_power", "events", "commands",
          "verifications", "alarms", "injections")  # fmt: skip


def record_a_pass(archive: Archive, start_s: float) -> None:
    """Rows of every table, in the same calls for the archive that fails and the one that does not."""
    archive.record_frame(start_s, b"\x08\x01good", apid=1, seq=0, packet_type=0, service=3,
                         subtype=25, generated_s=start_s - 0.5)  # fmt: skip
    archive.record_frame(start_s + 0.5, b"\xffjunk", ok=False, reason="crc")
    archive.record_housekeeping(start_s, "power", {"soc": 0.93, "mode": "sunlit", "n": 2**40})
    archive.record_event(start_s + 1, "power", "battery_low", 3, "soc low", {"soc": 0.19},
                         received_s=start_s + 2)  # fmt: skip
    command_id = archive.record_command(start_s + 2, "heater_on", {"zone": 2}, apid=4, seq=1)
    archive.record_verification(command_id, start_s + 3, "acceptance", True)
    archive.update_command_status(command_id, "accepted")
    archive.record_alarm(start_s + 4, "soc_low", "triggered", "critical", "soc < 0.2", value=0.19)
    archive.record_alarm(start_s + 4, "big", "triggered", "watch", "n > 0", value=2**70)
    archive.record_injection(start_s + 5, "power", "cell_short", "inject", {"cell": 3})
    archive.set_meta("note", f"pass at {start_s}")


def contents(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as connection:
        found = {
            table: connection.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
            for table in TABLES
        }
        found["meta"] = connection.execute(
            "SELECT * FROM meta WHERE key NOT LIKE 'spill_loaded:%' ORDER BY key"
        ).fetchall()
    connection.close()
    return found


def failing(archive: Archive) -> Archive:
    """The archive with every commit failing from now on (a read-only connection)."""
    connection = archive._connection  # SQLite's settings are per connection
    assert connection is not None
    connection.execute("PRAGMA query_only = ON")
    return archive


def spilled_run(folder: Path, name: str = "run") -> Path:
    """A run whose first pass was written and whose second is held, then spilled; its spill."""
    archive = Archive.create(folder, name)
    record_a_pass(archive, 10.0)
    archive.flush()
    record_a_pass(failing(archive), 20.0)
    assert archive.try_flush() == 0
    spill = write_spill(archive.held(), archive.path, [folder])
    archive.close(discard_pending=True)
    return spill


def test_a_loaded_spill_leaves_the_archive_as_if_every_commit_had_succeeded(
    tmp_path: Path,
) -> None:
    with Archive.create(tmp_path / "healthy", "run") as healthy:
        record_a_pass(healthy, 10.0)
        record_a_pass(healthy, 20.0)
    spill = spilled_run(tmp_path / "failed")
    assert spill == tmp_path / "failed" / "run.spill-1.msgpack"
    loaded = import_spill(tmp_path / "failed" / "run.sqlite", spill)
    assert str(loaded.summary) == (
        "1 run metadata entry, 2 frames, 1 housekeeping report, 1 event, 1 command, "
        "1 verification stage, 2 alarm steps, 1 fault injection and 1 command status update "
        "(mission time 20.0–25.0 s)"
    )
    assert not loaded.before and not spill.exists()  # its rows are in: the file goes
    assert contents(tmp_path / "failed" / "run.sqlite") == contents(
        tmp_path / "healthy" / "run.sqlite"
    )


def test_a_spill_is_never_loaded_twice(tmp_path: Path) -> None:
    spill = spilled_run(tmp_path)
    kept = shutil.copy(spill, tmp_path / "copy.msgpack")
    import_spill(tmp_path / "run.sqlite", spill)
    before = contents(tmp_path / "run.sqlite")
    again = import_spill(tmp_path / "run.sqlite", Path(kept))
    assert again.before
    assert contents(tmp_path / "run.sqlite") == before


def test_load_spills_takes_every_spill_of_the_run_oldest_first(tmp_path: Path) -> None:
    archive = Archive.create(tmp_path, "run")
    failing(archive)
    record_a_pass(archive, 10.0)
    first = write_spill(archive.held(), archive.path, [tmp_path])
    archive.close(discard_pending=True)
    reopened = failing(Archive.open(archive.path, readonly=False))
    record_a_pass(reopened, 20.0)
    second = write_spill(reopened.held(), reopened.path, [tmp_path])
    reopened.close(discard_pending=True)
    assert (
        spills_of(archive.path)
        == [first, second]
        == [
            tmp_path / "run.spill-1.msgpack",
            tmp_path / "run.spill-2.msgpack",
        ]
    )
    loaded = load_spills(archive.path)
    assert [spill.path for spill in loaded] == [first, second]
    with Archive.open(archive.path) as reader:
        assert [event.time_s for event in reader.events()] == [11.0, 21.0]


def test_a_spill_of_a_run_that_went_on_without_it_takes_the_next_ids(tmp_path: Path) -> None:
    spill = spilled_run(tmp_path)
    with Archive.open(tmp_path / "run.sqlite", readonly=False) as resumed:
        record_a_pass(resumed, 30.0)  # takes the ids the held rows had
    import_spill(tmp_path / "run.sqlite", spill)
    with Archive.open(tmp_path / "run.sqlite") as reader:
        commands = reader.commands()
        assert [(c.id, c.uplinked_s, c.status) for c in commands] == [
            (1, 12.0, "accepted"),
            (3, 22.0, "accepted"),  # the spill's command, moved, its update with it
            (2, 32.0, "accepted"),
        ]
        assert [v.time_s for v in reader.verifications(3)] == [23.0]
        assert [event.time_s for event in reader.events()] == [11.0, 21.0, 31.0]


def test_a_spill_goes_to_the_next_folder_when_the_first_cannot_take_it(tmp_path: Path) -> None:
    archive = failing(Archive.create(tmp_path, "run"))
    record_a_pass(archive, 10.0)
    (tmp_path / "a-file").write_text("")
    blocked = tmp_path / "a-file" / "spills"  # a folder that cannot be made, even by root
    spill = write_spill(archive.held(), archive.path, [blocked, tmp_path / "elsewhere"])
    assert spill == tmp_path / "elsewhere" / "run.spill-1.msgpack"
    with pytest.raises(ArchiveError, match=r"no spill file could be written \(.*a-file/spills: "):
        write_spill(archive.held(), archive.path, [blocked])
    archive.close(discard_pending=True)
    assert not list(tmp_path.rglob("*.part"))


def test_a_spill_is_loaded_only_into_its_own_archive(tmp_path: Path) -> None:
    spill = spilled_run(tmp_path)
    Archive.create(tmp_path, "other").close()
    with pytest.raises(ArchiveError, match=r"holds rows of the archive run\.sqlite, not other"):
        import_spill(tmp_path / "other.sqlite", spill)
    assert spill.exists()
    (tmp_path / "junk.msgpack").write_bytes(b"\x93\x01\x02")
    with pytest.raises(ArchiveError, match="is not a spill file of the ground"):
        import_spill(tmp_path / "run.sqlite", tmp_path / "junk.msgpack")


def test_each_tables_time_column_is_a_mission_time(tmp_path: Path) -> None:
    with Archive.create(tmp_path, "run") as archive, sqlite3.connect(archive.path) as db:
        archive.record_housekeeping(1.0, "power", {"soc": 0.5})
        archive.flush()
        stored_in = {"reports": "tm_power", "declarations": "parameters"}  # held rows' tables
        for held, column in TIME_COLUMNS.items():
            table = stored_in.get(held, held)
            names = [row[1] for row in db.execute(f"PRAGMA table_info({table})")]
            if held == "reports":  # a held report is (time_s, subsystem, params, segment)
                assert column == 0 and names[1] == "time_s"
                continue
            assert (column is None) == (held in ("meta", "declarations")), held
            if column is not None:
                assert names[column] in ("time_s", "received_s", "uplinked_s", "start_s"), table
    db.close()
