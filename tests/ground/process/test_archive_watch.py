"""A ground whose archive cannot be written: a red alarm, retries on a backoff, rows in order later.

A real SQLite archive whose commits fail (its connection made read-only, then writable again),
a real service fed real CCSDS frames; the feed and the uplink are lists.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest

from flightsw.config import load_mission
from flightsw.executive import mission_dictionary
from flightsw.icd import Housekeeping, encode_body, encode_tm
from flightsw.subsystems import build_models
from ground.api import AlarmChanged, EventArrived, FeedEvent
from ground.archive import Archive, HoldLimit
from ground.dictionary import Dictionary
from ground.link import Channel, LightTime
from ground.process.archive_watch import ALARM
from ground.process.runtime import GroundRuntime
from ground.process.service import GroundService
from ground.rules import AlarmManager, RuleEngine
from ground.vocabulary import AlarmSeverity, AlarmTransitionKind
from tests.downlink import down

LIGHT_TIME_S = 2.0
POWER_APID = 17


def power_report(seq: int, time_s: float) -> bytes:
    body = encode_body(Housekeeping("power", {"battery_soc": 0.5 + seq / 1000}))
    return encode_tm(POWER_APID, seq, 3, 25, time_s, body)


@dataclass
class Ground:
    """A service, what it published, and a switch for its archive's commits."""

    service: GroundService
    published: list[FeedEvent]
    sent: int = 0  # frames sent so far (their seq)

    def fly_to(self, time_s: float) -> None:
        """One power report per mission second up to `time_s`, each delivered after light time;
        the archive is kept once per mission second, as the runtime does."""
        while self.sent <= time_s:
            down(self.service, power_report(self.sent, float(self.sent)))
            self.service.advance(self.sent + LIGHT_TIME_S)
            self.service.keep_archive(self.sent + LIGHT_TIME_S)
            self.sent += 1

    def commits_fail(self, failing: bool = True) -> None:
        connection = self.service.archive._connection  # SQLite's settings are per connection
        assert connection is not None
        connection.execute(f"PRAGMA query_only = {'ON' if failing else 'OFF'}")

    def alarm_steps(self) -> list[tuple[float, AlarmTransitionKind]]:
        return [
            (event.entry.time_s, event.entry.kind)
            for event in self.published
            if isinstance(event, AlarmChanged) and event.entry.name == ALARM
        ]

    def archived(self, query: str) -> list[tuple[object, ...]]:
        """What another reader of the file sees."""
        path = self.service.archive.path
        with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as db:
            rows = db.execute(query).fetchall()
        db.close()
        return rows


@pytest.fixture(scope="module")
def dictionary() -> Dictionary:
    config = load_mission("leo_smallsat")
    return Dictionary.from_flight(mission_dictionary(config, build_models(config)))


def make_ground(folder: Path, dictionary: Dictionary, hold: HoldLimit | None = None) -> Ground:
    published: list[FeedEvent] = []
    archive = Archive.create(folder, "run", **({} if hold is None else {"hold": hold}))
    service = GroundService(
        dictionary, archive, RuleEngine([]), AlarmManager(),
        Channel(LightTime("fixed", LIGHT_TIME_S)),
        publish=published.append, uplink=lambda arrival_s, frame: None,
    )  # fmt: skip
    return Ground(service, published)


@pytest.fixture
def ground(tmp_path: Path, dictionary: Dictionary) -> Iterator[Ground]:
    made = make_ground(tmp_path, dictionary)
    yield made
    made.service.archive.close(discard_pending=True)


def test_an_archive_that_cannot_be_written_raises_a_red_alarm_and_the_ground_goes_on(
    ground: Ground,
) -> None:
    ground.fly_to(9)
    ground.commits_fail()
    ground.fly_to(19)
    assert ground.alarm_steps() == [(12.0, AlarmTransitionKind.TRIGGERED)]
    alarm = ground.service.alarms.get(ALARM)
    assert alarm is not None and alarm.severity is AlarmSeverity.CRITICAL
    path = ground.service.archive.path
    assert alarm.condition == (
        f"the archive {path} cannot be written: the file or its folder is read-only; the rows "
        "not written are held in memory (up to 200,000 rows or 64 MiB, then the ground saves "
        f"them to a spill file and stops); make {path.parent} writable — writing resumes by "
        "itself"
    )
    assert ground.service.latest("power.battery_soc") == (19.0, 0.519)  # ingest goes on
    status = ground.service.status().archive
    assert status is not None and not status.writable
    assert (status.failing_since_s, status.problem) == (12.0, alarm.condition)
    # Ten frames, their reports, and the alarm's own step, which waits with them.
    assert status.rows_held == ground.service.archive.stats.pending_rows == 2 * 10 + 1
    assert alarm.current_value == 2 * 8 + 1  # held at the latest try (19 s): shown, not archived


def test_retries_follow_a_backoff_in_mission_time_not_the_frames(ground: Ground) -> None:
    ground.commits_fail()
    tries: list[float] = []
    for second in range(200):
        ground.fly_to(second)
        failed = ground.service.archive.stats.failed_commits
        tries.extend([second + LIGHT_TIME_S] * (failed - len(tries)))
    assert tries == [2.0, 3.0, 5.0, 9.0, 17.0, 33.0, 65.0, 125.0, 185.0]  # 1 s doubling to 60 s


def test_once_it_can_be_written_every_row_goes_in_in_order_and_the_alarm_returns(
    ground: Ground,
) -> None:
    ground.fly_to(9)
    ground.commits_fail()
    ground.fly_to(29)
    held = ground.service.archive.stats.pending_rows
    ground.commits_fail(False)
    ground.fly_to(41)  # kept at 43 s: the retry due at 12 + 1 + 2 + 4 + 8 + 16 s
    assert ground.alarm_steps() == [
        (12.0, AlarmTransitionKind.TRIGGERED),
        (43.0, AlarmTransitionKind.RETURNED),
    ]
    resumed = [e.event for e in ground.published if isinstance(e, EventArrived)]
    assert [(e.name, e.params["rows_late"], e.params["held_since_s"]) for e in resumed] == [
        ("archive_written", held + 2 * 12, 12.0)
    ]
    assert ground.archived("SELECT seq FROM frames ORDER BY id") == [(n,) for n in range(42)]
    assert ground.archived("SELECT time_s, kind FROM alarms WHERE name = 'ground.archive'") == [
        (12.0, "triggered"),
        (43.0, "returned"),
    ]
    assert ground.archived("SELECT time_s, name FROM events") == [(43.0, "archive_written")]
    status = ground.service.status().archive
    assert status is not None and status.writable and status.rows_written_late == held + 24


def test_the_ground_stops_once_the_rows_held_reach_their_bound(
    tmp_path: Path, dictionary: Dictionary
) -> None:
    ground = make_ground(tmp_path, dictionary, HoldLimit(rows=30, size_bytes=10**9))
    # The runtime without sockets: only its reaction to mission time moving is exercised (the
    # sim port's requests are made with it, and never sent).
    sockets = SimpleNamespace(
        sim=None, endpoints=SimpleNamespace(sim="tcp://127.0.0.1:5557"), gatekeeper=None
    )
    runtime = GroundRuntime(sockets, ground.service)  # type: ignore[arg-type]
    ground.service.publish = ground.published.append
    ground.commits_fail()
    second = 0
    while runtime.running:
        down(ground.service, power_report(second, float(second)))
        runtime._advance(second + LIGHT_TIME_S)  # what each truth message does
        second += 1
        assert second < 100, "the ground never stopped"
    assert runtime.archive_full
    assert ground.service.archive.stats.pending_rows == 2 * 15 + 1  # and the alarm's step
    assert ground.service.archive.held_full
    ground.service.archive.close(discard_pending=True)
