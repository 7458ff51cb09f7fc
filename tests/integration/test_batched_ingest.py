"""The ground's batched path against one report at a time, on the stream of a real run.

A real spacecraft flies an orbit with a failed battery cell, then goes into safe mode, so its
rules trip and clear and its mode changes; the packets its ground archived are then sent down
again, in the transfer frames of each landing, to two fresh grounds: one that judges and
archives a batch at a time (as a ground does), one that takes each report on its own. Both must
raise the same alarms at the same mission times and store the same telemetry.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from itertools import groupby
from pathlib import Path

import pytest

from flightsw.icd import Framer
from ground.api import AlarmChanged, AlarmEntry, FeedEvent
from ground.archive import Archive
from ground.link import Channel, LightTime
from ground.process.service import BATCH_REPORTS, GroundService
from ground.rules import AlarmManager, RuleEngine, load_rules
from tests.flying import ROOT
from tests.grounds import leo_dictionary

RULES = ROOT / "configs" / "rules" / "leo_smallsat.toml"


def landings(archive_path: Path) -> Iterator[tuple[float, list[bytes]]]:
    """The packets the run's ground archived, grouped by the mission time they landed."""
    with closing(Archive.open(archive_path)) as archive:
        recorded = list(archive.frames())
    for received_s, landed in groupby(recorded, key=lambda row: row[0]):
        yield received_s, [raw for _, raw in landed]


def ingest(archive_path: Path, folder: Path, batch_reports: int) -> tuple[list[FeedEvent], Path]:
    """Send the run's packets down again to a fresh ground; return what it published on its
    feed and its archive."""
    published: list[FeedEvent] = []
    archive = Archive.create(folder, f"again-{batch_reports}")
    service = GroundService(
        leo_dictionary(), archive, RuleEngine(load_rules(RULES)), AlarmManager(),
        Channel(LightTime("fixed", 0.0)), publish=published.append,
        uplink=lambda arrival_s, frame: None, batch_reports=batch_reports,
    )  # fmt: skip
    framer = Framer()
    for received_s, packets in landings(archive_path):
        service.on_downlink_message(framer.message(packets, received_s))
        service.advance(received_s)
    archive.close()
    return published, archive.path


def alarm_changes(published: list[FeedEvent]) -> list[AlarmEntry]:
    return [event.entry for event in published if isinstance(event, AlarmChanged)]


def stored(archive_path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the alarm and telemetry tables, in row order (times and values as stored)."""
    with closing(sqlite3.connect(f"file:{archive_path}?mode=ro", uri=True)) as db:
        tables = [name for (name,) in db.execute(
            "SELECT DISTINCT table_name FROM parameters ORDER BY table_name"
        )]  # fmt: skip
        rows = {table: db.execute(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall()
                for table in tables}  # fmt: skip
        rows["alarms"] = db.execute(
            "SELECT time_s, name, kind, severity, condition, value FROM alarms ORDER BY id"
        ).fetchall()
    return rows


@pytest.mark.integration
@pytest.mark.mission("leo_smallsat")
def test_a_batched_ground_raises_the_alarms_of_one_report_at_a_time_on_a_real_runs_stream(
    hil, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    hil.advance(600.0)
    hil.inject_fault("power", "cell_failure", capacity_loss_fraction=0.72)
    hil.advance(3900.0)  # through the eclipse: the battery runs low, sunlight brings it back
    hil.send_and_await_completion("fdir.enter_safe_mode", {"reason": "rehearsal"})
    hil.advance(1200.0)
    assert hil.mission is not None
    recorded = hil.mission.archive_path
    assert max(len(packets) for _, packets in landings(recorded)) > 1  # batches, not singles

    one_at_a_time, single_archive = ingest(recorded, tmp_path, batch_reports=1)
    batched, batched_archive = ingest(recorded, tmp_path, batch_reports=BATCH_REPORTS)

    alarms = alarm_changes(one_at_a_time)
    assert {entry.name for entry in alarms if entry.kind == "triggered"} >= {"battery_soc"}
    assert alarm_changes(batched) == alarms
    assert stored(batched_archive) == stored(single_archive)
    # and the run's own ground, which judged the stream live, saw them at the same times
    assert stored(recorded)["alarms"] == stored(single_archive)["alarms"]
