"""A real ground whose files may not grow past a size limit keeps running, raises its alarm, and
loses no row: what it holds is written once the limit is lifted, or spilled when it is stopped.

The ground's child process gets RLIMIT_FSIZE (SIGXFSZ ignored, so a write past the limit fails
with EFBIG as on a full disk, instead of killing the process); once it runs, the test lowers the
limit to what its archive holds plus a little, then lifts and lowers it again with prlimit.
Everything waits on mission time, stepped, so a loaded machine only makes it slower.
"""

from __future__ import annotations

import resource
import signal
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from flying import LEO, LIGHT_TIME_S
from processes import packets_sent

from flightsw.cli import EXIT_RUNTIME
from ground.api import GetAlarms, GroundClient, GroundStatus, Step
from ground.archive import Archive
from ground.cli.launcher import STOP_TIMEOUT_S, launch
from ground.cli.mission import main as mission
from ground.process.archive_watch import ALARM

pytestmark = pytest.mark.integration

RUN = "limited"
START_LIMIT_BYTES = 64 * 2**20  # room to start: a new run writes its schema and dictionary
ROOM_BYTES = 100_000  # what the running archive may still grow: some 30 mission seconds


def limit_file_size() -> None:
    """Run in the ground's child process before it starts."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (START_LIMIT_BYTES, resource.RLIM_INFINITY))


def set_file_size_limit(pid: int, limit_bytes: int) -> None:
    resource.prlimit(pid, resource.RLIMIT_FSIZE, (limit_bytes, resource.RLIM_INFINITY))


def archive_bytes(folder: Path) -> int:
    """The size of the archive's largest file (the WAL, while the run is young)."""
    return max(path.stat().st_size for path in folder.glob(f"{RUN}.sqlite*"))


def fly_until(
    client: GroundClient, done: Callable[[GroundStatus], bool], within_s: float
) -> GroundStatus:
    """Step ten mission seconds at a time until `done` holds of the ground's status."""
    flown_s = 0.0
    while True:
        status = client.call(Step(10.0)).ground
        flown_s += 10.0
        if done(status):
            return status
        assert flown_s < within_s, f"not within {within_s:g} mission seconds: {status.archive}"


def writable(status: GroundStatus) -> bool:
    assert status.archive is not None
    return status.archive.writable


def test_a_ground_at_its_file_size_limit_keeps_running_and_loses_no_row(tmp_path: Path) -> None:
    flying = launch(LEO, tmp_path, RUN, clock="stepped", light_time_s=LIGHT_TIME_S,
                    ground_preexec=limit_file_size)  # fmt: skip
    try:
        client, pid = flying.client, flying.ground.pid
        set_file_size_limit(pid, archive_bytes(tmp_path) + ROOM_BYTES)
        status = fly_until(client, lambda status: not writable(status), within_s=1000)
        assert status.archive is not None and "a write to the disk failed" in status.archive.problem
        (alarm,) = [alarm for alarm in client.call(GetAlarms()).alarms if alarm.name == ALARM]
        assert (alarm.severity, alarm.condition) == ("critical", status.archive.problem)
        held = status.archive.rows_held
        status = client.call(Step(30.0)).ground  # the ground goes on, and holds what comes
        assert status.archive is not None and status.archive.rows_held > held

        set_file_size_limit(pid, resource.RLIM_INFINITY)  # space freed
        status = fly_until(client, writable, within_s=200)  # the next retry writes it all
        assert status.archive is not None and status.archive.rows_written_late > held

        # Full again, and then asked to stop while holding rows.
        set_file_size_limit(pid, archive_bytes(tmp_path))
        status = fly_until(client, lambda status: not writable(status), within_s=200)
        assert status.archive is not None and status.archive.rows_held > 0
        flying.ground.send_signal(signal.SIGTERM)
        assert flying.ground.wait(STOP_TIMEOUT_S) == EXIT_RUNTIME  # rows not in the archive
    finally:
        flying.stop()

    said = (tmp_path / f"{RUN}.ground.log").read_text()
    assert "Traceback" not in said
    archive = tmp_path / f"{RUN}.sqlite"
    spill = tmp_path / f"{RUN}.spill-1.msgpack"
    assert f"are saved in {spill}" in said and f"mission archive import-spill {archive}" in said
    assert mission(["archive", "import-spill", str(archive)]) == 0
    assert not spill.exists()

    with Archive.open(archive) as reader:
        steps = [(row.kind, row.time_s) for row in reader.alarms(name=ALARM)]
        assert [kind for kind, _ in steps] == ["triggered", "returned", "triggered"]
        assert [event.name for event in reader.events() if event.subsystem == "ground"].count(
            "archive_written"
        ) == 1
    with sqlite3.connect(f"{archive.as_uri()}?mode=ro", uri=True) as db:
        frames = db.execute("SELECT count(*), count(DISTINCT id) FROM frames").fetchone()
        reports = db.execute("SELECT count(*) FROM frames WHERE service = 3 AND subtype = 25")
        tables = [row[0] for row in db.execute("SELECT DISTINCT table_name FROM parameters")]
        housekeeping = sum(
            db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in tables
        )
        assert housekeeping == reports.fetchone()[0]
    db.close()
    # Every packet that reached the ground is in the archive, once: those still crossing the
    # light time when it stopped land at their due time as the run closes (spilled here).
    assert status.in_flight_down > 0  # some were, and count
    sent = packets_sent(tmp_path / f"{RUN}.flightsw.log")
    assert frames == (sent, sent)
