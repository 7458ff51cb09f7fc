"""A spacecraft process started again under a running ground is the run's next segment.

Both real processes, stepped; the spacecraft is killed between steps and another one started
on the same endpoints: it flies from T+0 with its sequence counts from 0. The ground must see
another spacecraft (no sequence gaps, no alarms of the old one left hanging), begin segment 2,
and keep the two apart in its answers and its archive.
"""

from __future__ import annotations

import sqlite3

import pytest
from restarts import ground_status, kill, start_flight, wait_for_segment

from ground.api import (
    GetCommand,
    GetEvents,
    GetHistory,
    GetTimeline,
    SendPing,
    Step,
)
from ground.archive import Archive
from ground.cli.launcher import Mission
from ground.replay import replay

pytestmark = pytest.mark.integration


@pytest.mark.timeout(180)
def test_a_spacecraft_started_again_under_a_running_ground_is_a_new_segment(
    mission: Mission,
) -> None:
    client = mission.client
    client.call(Step(seconds=60.0))
    answered = client.call(SendPing()).command
    client.call(Step(seconds=5.0))
    assert client.call(GetCommand(id=answered.id)).command.status == "completed"
    unanswered = client.call(SendPing()).command  # the spacecraft dies before it arrives

    kill(mission.flight)
    start_flight(mission, clock="stepped")
    wait_for_segment(mission, 2)
    client.call(Step(seconds=30.0))
    status = ground_status(mission)
    events = client.call(GetEvents()).events
    timeline = client.call(GetTimeline()).timeline
    now = client.call(GetHistory(name="power.battery_soc"))
    before = client.call(GetHistory(name="power.battery_soc", segment=1))
    interrupted = client.call(GetCommand(id=unanswered.id)).command
    mission.stop()

    assert status.segment == 2 and status.time_s == pytest.approx(30.0)
    assert status.ingest.gaps == 0, "the new spacecraft's counts from 0 are not a gap"
    assert status.alarms_active == 0
    # The ground heard the connection drop long before a new spacecraft came up: the silence
    # failed what waited on the dead one, before any new segment could interrupt it.
    assert interrupted.status == "timed_out"
    assert [e.name for e in events if e.subsystem == "ground"][:1] == ["new_segment"]
    assert "segment 2 begins at T+0.0 s" in timeline[0].text  # the segment's first line
    assert now.segment == 2 and before.segment == 1
    assert before.samples[0].time_s < 20.0 and before.samples[-1].time_s >= 60.0
    assert now.samples[0].time_s < 20.0 and now.samples[-1].time_s <= 30.0

    with sqlite3.connect(f"file:{mission.archive_path}?mode=ro", uri=True) as archive:
        segments = archive.execute("SELECT * FROM segments ORDER BY segment").fetchall()
        gaps = archive.execute(
            "SELECT count(*) FROM frames WHERE segment = 2 AND reason IS NOT NULL"
        ).fetchone()[0]
    assert [(number, start_s) for number, start_s, _, _ in segments] == [(1, 0.0), (2, 0.0)]
    assert segments[0][2] is None and segments[1][2] is not None  # wall time, from segment 2
    assert "another spacecraft flies" in segments[1][3]
    assert "mission time went back" in segments[1][3]
    assert gaps == 0

    # A replay plays the run segment after segment, each from its own T+0.
    summary = replay(mission.archive_path, mission.data_dir / "replayed")
    with Archive.open(summary.archive_path) as replayed, Archive.open(mission.archive_path) as live:
        assert [s.segment for s in replayed.segments()] == [1, 2]
        for segment in (1, 2):
            assert replayed.parameter_history("power.battery_soc", segment=segment) == (
                live.parameter_history("power.battery_soc", segment=segment)
            )
        assert [e.name for e in replayed.events(segment=2) if e.subsystem == "ground"] == [
            "new_segment"
        ]
