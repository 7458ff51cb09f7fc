"""The archive on disk: octets per parameter sample of a real run, and a long query's time.

The size comes from a real stepped run of the crewed station (both processes, `mission run`),
every frame and report archived as the ground archives them; a sample is one parameter's value
in one report. The query reads one parameter over 30 mission days of the station's power
reports (one every 10 s, 20 parameters each, values that move as telemetry does), from a
freshly opened archive each time.
"""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from flightsw.clock import wall_time_s
from ground.archive.store import Archive

DAY_S = 86_400.0


@dataclass(frozen=True, slots=True)
class ArchiveSize:
    mission_s: float
    file_bytes: int
    samples: int
    frames: int

    @property
    def bytes_per_sample(self) -> float:
        return self.file_bytes / self.samples


def station_run_size(config: Path, mission_s: float) -> ArchiveSize:
    """Fly `config` stepped for `mission_s` with `mission run`, and weigh its archive."""
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            [sys.executable, "-m", "ground.cli.mission", "run", str(config), "--clock", "stepped",
             "--duration-s", str(mission_s), "--step-s", "600", "--headless",
             "--data-dir", folder, "--run-name", "size"],
            check=True, capture_output=True,
        )  # fmt: skip
        path = Path(folder) / "size.sqlite"
        with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True) as db:
            samples = 0
            for table, column in db.execute("SELECT table_name, column_name FROM parameters"):
                samples += db.execute(f'SELECT count("{column}") FROM "{table}"').fetchone()[0]
            frames = db.execute("SELECT count(*) FROM frames").fetchone()[0]
        db.close()
        return ArchiveSize(mission_s, path.stat().st_size, samples, frames)


def month_of_power(folder: Path, days: float = 30.0) -> Path:
    """An archive holding `days` of power reports every 10 s, 20 parameters each."""
    rng = random.Random(30)
    with Archive.create(folder, "month", batch_rows=5000) as archive:
        names = [f"p{i:02d}" for i in range(20)]
        values = [rng.uniform(0.0, 100.0) for _ in names]
        for n in range(int(days * DAY_S / 10.0)):
            values = [value + rng.gauss(0.0, 0.1) for value in values]
            archive.record_housekeeping(n * 10.0, "power", dict(zip(names, values, strict=True)))
        return archive.path


def archive_reports(path: Path) -> int:
    with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True) as db:
        count: int = db.execute("SELECT count(*) FROM tm_power").fetchone()[0]
    db.close()
    return count


def query_times_s(path: Path, repeats: int) -> list[float]:
    """Wall seconds to read one parameter over the whole archive, a fresh open each time."""
    times = []
    for _ in range(repeats):
        started_s = wall_time_s()
        with Archive.open(path) as archive:
            samples = archive.parameter_history("power.p07")
        times.append(wall_time_s() - started_s)
        assert len(samples) == archive_reports(path)
    return times
