"""A ground killed outright picks its run up again with `--resume`, and loses no frame.

Both real processes; the ground is killed with SIGKILL while a step runs, so frames are on the
wire, in its sockets, in flight on its channel and in its uncommitted batch when it dies. The
one started after it with `--resume` must leave an archive holding every frame the spacecraft
made, each once: every sequence count of every APID, from T+0 on.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import zmq
from flying import LEO, LIGHT_TIME_S
from restarts import (
    WAIT_S,
    ground_status,
    integrity,
    kill,
    log_of,
    sequence_counts,
    spacecraft_status,
    start_ground,
)

from flightsw.cli import EXIT_CANNOT_RESUME
from flightsw.icd.truth import decode_truth
from ground.api import GetEvents, RecoveryStatus, Step, TelemetryArrived, decode_event, encode
from ground.archive import Archive
from ground.cli.launcher import Mission, launch

pytestmark = pytest.mark.integration

REALTIME_RATE = 20.0  # mission s per wall s: a minute of flight in three seconds


@contextmanager
def telemetry_feed(mission: Mission) -> Iterator[zmq.Socket[Any]]:
    """The ground's live feed of housekeeping, subscribed and settled."""
    feed = mission.feed(b"tm")
    try:
        ground_status(mission)  # the subscription has had a round trip to settle
        yield feed
    finally:
        feed.close(linger=0)


def kill_ground_during_a_step(mission: Mission, seconds: float, after_s: float) -> None:
    """Ask for a step without waiting for it; SIGKILL the ground once it has taken in
    housekeeping made after `after_s`, so the step is under way when the ground dies."""
    asker = zmq.Context.instance().socket(zmq.DEALER)
    asker.setsockopt(zmq.LINGER, 0)
    mission.secure_to_ground(asker)
    asker.connect(mission.endpoints.control)
    try:
        with telemetry_feed(mission) as feed:
            asker.send_multipart([b"", encode(Step(seconds=seconds))])
            while True:
                assert feed.poll(int(WAIT_S * 1000)), "no telemetry came down during the step"
                event = decode_event(feed.recv_multipart()[-1])
                if isinstance(event, TelemetryArrived) and event.time_s > after_s:
                    break
        kill(mission.ground)
    finally:
        asker.close(linger=0)


def assert_every_frame_archived_once(mission: Mission, made: dict[int, int]) -> None:
    """Every sequence count the spacecraft had made on each APID is archived exactly once."""
    counts = sequence_counts(mission.archive_path)
    for apid, total in sorted(made.items()):
        assert total < 16384, "the check reads sequence counts as frame numbers (no wrap)"
        seen = counts.get(apid)
        assert seen is not None, f"nothing of APID {apid} is archived"
        missing = [seq for seq in range(total) if seen[seq] == 0]
        twice = [seq for seq in range(total) if seen[seq] > 1]
        assert not missing, f"APID {apid}: {len(missing)} of {total} frames lost: {missing[:10]}"
        assert not twice, f"APID {apid}: frames archived twice: {twice[:10]}"


@pytest.mark.timeout(240)
def test_a_ground_killed_during_a_step_resumes_its_run_and_loses_no_frame(
    mission: Mission,
) -> None:
    client = mission.client
    client.call(Step(seconds=120.0))
    kill_ground_during_a_step(mission, seconds=3600.0, after_s=200.0)

    # A run that is not there is refused, saying so, with the code a supervisor can act on.
    start_ground(mission, "--resume", "--run-name", "elsewhere")
    assert mission.ground.wait(WAIT_S) == EXIT_CANNOT_RESUME
    assert "no run 'elsewhere' to resume" in log_of(mission, "ground")

    start_ground(mission, "--resume", light_time_s=LIGHT_TIME_S)
    resumed = ground_status(mission)
    recovery = resumed.recovery
    assert recovery is not None, "the resumed ground found nothing missing"
    assert recovery.missing > 0 and not recovery.done
    assert 120.0 <= recovery.start_s < recovery.end_s == 3720.0  # where the step ended
    # The dump goes up with the next step and its frames come down a round trip later, while
    # live telemetry goes on.
    client.call(Step(seconds=4 * LIGHT_TIME_S + 5.0))
    recovery = ground_status(mission).recovery
    assert recovery is not None and recovery.done and recovery.lost == 0, recovery
    made = dict(spacecraft_status(mission).generated)
    client.call(Step(seconds=2 * LIGHT_TIME_S + 2.0))  # whatever was made by then is down
    events = client.call(GetEvents()).events
    mission.stop()

    assert_every_frame_archived_once(mission, made)
    assert integrity(mission.archive_path) == "ok"
    names = [event.name for event in events if event.subsystem == "ground"]
    assert "resumed" in names and "telemetry_recovered" in names
    log = log_of(mission, "ground")
    assert "restored segment 1" in log


@contextmanager
def realtime_mission(tmp_path: Path) -> Iterator[Mission]:
    flying = launch(LEO, tmp_path, "realtime", clock="realtime", rate=REALTIME_RATE,
                    light_time_s=LIGHT_TIME_S)  # fmt: skip
    try:
        yield flying
    finally:
        flying.stop()


def feed_of(mission: Mission, *topics: bytes) -> zmq.Socket[Any]:
    return mission.feed(*topics)


def wait_for_telemetry_after(feed: zmq.Socket[Any], time_s: float) -> None:
    """Until housekeeping made after `time_s` is on the ground (the live feed says so)."""
    while True:
        assert feed.poll(int(WAIT_S * 1000)), f"no telemetry made after T+{time_s:g} s came"
        event = decode_event(feed.recv_multipart()[-1])
        if isinstance(event, TelemetryArrived) and event.time_s > time_s:
            return


def wait_for_flight_past(mission: Mission, time_s: float) -> None:
    """Until the spacecraft, flying on with no ground, says it is past `time_s`: its truth feed,
    which nobody else takes now, is read here."""
    truth = zmq.Context.instance().socket(zmq.PULL)
    truth.setsockopt(zmq.LINGER, 0)
    mission.secure_to_spacecraft(truth)
    truth.connect(mission.endpoints.truth)
    try:
        while True:
            assert truth.poll(int(WAIT_S * 1000)), "the spacecraft sent no truth"
            if decode_truth(truth.recv_multipart()[-1]).time_s > time_s:
                return
    finally:
        truth.close(linger=0)


def wait_for_recovery(mission: Mission, feed: zmq.Socket[Any]) -> RecoveryStatus:
    """Until the resumed ground says its recovery is done; each command stage on the feed (the
    dump's completion among them) is a reason to look, and a quiet second too."""
    for _ in range(int(WAIT_S)):  # a bound on failure, not on speed
        recovery = ground_status(mission).recovery
        assert recovery is not None, "the resumed ground found nothing missing"
        if recovery.done:
            return recovery
        if feed.poll(1000):
            feed.recv_multipart()
    raise AssertionError("the recovery did not end")


@pytest.mark.timeout(240)
def test_a_realtime_ground_killed_in_flight_resumes_and_loses_no_frame(tmp_path: Path) -> None:
    with realtime_mission(tmp_path) as mission:
        telemetry = feed_of(mission, b"tm")
        try:
            ground_status(mission)  # the subscription has had a round trip to settle
            wait_for_telemetry_after(telemetry, 60.0)
            kill(mission.ground)
        finally:
            telemetry.close(linger=0)
        wait_for_flight_past(mission, 100.0)  # several housekeeping periods without a ground
        start_ground(mission, "--resume", light_time_s=LIGHT_TIME_S)
        commands = feed_of(mission, b"command")
        telemetry = feed_of(mission, b"tm")
        try:
            recovery = wait_for_recovery(mission, commands)
            assert recovery.missing > 0 and recovery.lost == 0, recovery
            made = spacecraft_status(mission)
            wait_for_telemetry_after(telemetry, made.time_s + 1.0)  # all made by then is down
        finally:
            commands.close(linger=0)
            telemetry.close(linger=0)
        mission.stop()
        assert_every_frame_archived_once(mission, dict(made.generated))
        assert integrity(mission.archive_path) == "ok"


@pytest.mark.timeout(120)
def test_a_ground_started_with_a_new_run_beside_a_flying_spacecraft_moves_its_clock(
    mission: Mission,
) -> None:
    mission.client.call(Step(seconds=60.0))
    kill(mission.ground)
    mission.run_name = "anew"
    start_ground(mission, light_time_s=LIGHT_TIME_S)
    # Counting from zero, it waited for frames sent before it was born, and never answered.
    stepped = mission.client.call(Step(seconds=20.0), timeout_s=WAIT_S)
    status = ground_status(mission)
    mission.stop()
    assert stepped.time_s == status.time_s == 80.0
    with Archive.open(mission.archive_path) as archive:
        [segment] = archive.segments()
        assert segment.start_s == 60.0  # the run begins where the spacecraft was
        assert archive.parameter_history("power.battery_soc", start_s=61.0)
