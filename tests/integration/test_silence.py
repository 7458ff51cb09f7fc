"""A spacecraft killed with SIGKILL (or frozen with SIGSTOP) is noticed: real processes, real
sockets. Every wait is on a socket or a reply, with a generous time-out as the failure bound."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import zmq
from flying import LEO

from ground.api import (
    GetAlarms,
    GetCommand,
    GetEvents,
    GetStatus,
    SendPing,
    SilenceChanged,
    Step,
    decode_event,
    subscribe,
)
from ground.cli.launcher import Mission, launch
from ground.errors import ClientError, HilFailure
from ground.testkit.api import HilApi
from ground.vocabulary import SPACECRAFT_HEARD, SPACECRAFT_SILENT, AlarmSeverity, CommandStatus

pytestmark = pytest.mark.integration

FAILURE_BOUND_S = 15.0  # wall seconds: long past any of these failing fast, never a speed test
LONG_LIGHT_TIME_S = 600.0  # a ping's round trip outlasts the test, even at 60x


class Feed:
    """A subscriber to the ground's live feed, waited on with a time-out."""

    def __init__(self, mission: Mission) -> None:
        self.context: zmq.Context[Any] = zmq.Context()
        self.socket = subscribe(
            self.context, mission.endpoints.feed, mission.client.credentials, (b"silence",)
        )

    def next_silence(self) -> SilenceChanged:
        """The next change of silence, or a test failure after the failure bound."""
        if not self.socket.poll(int(FAILURE_BOUND_S * 1000)):
            pytest.fail(f"no change of silence on the live feed within {FAILURE_BOUND_S:g} s")
        event = decode_event(self.socket.recv_multipart()[-1])
        assert isinstance(event, SilenceChanged)
        return event

    def close(self) -> None:
        self.socket.close(linger=0)
        self.context.term()


@pytest.fixture
def realtime(tmp_path: Path) -> Iterator[tuple[Mission, Feed]]:
    """The small LEO satellite flying in realtime (60x), silent after 2 s, and its feed."""
    flying = launch(
        LEO, tmp_path, "test", clock="realtime", light_time_s=LONG_LIGHT_TIME_S, silence_s=2.0
    )
    feed = Feed(flying)
    try:
        yield flying, feed
    finally:
        feed.close()
        with_continued(flying)
        flying.stop()


@pytest.fixture
def stepped(tmp_path: Path) -> Iterator[Mission]:
    flying = launch(LEO, tmp_path, "test", clock="stepped", silence_s=2.0)
    try:
        yield flying
    finally:
        with_continued(flying)
        flying.stop()


def with_continued(mission: Mission) -> None:
    """Let a frozen spacecraft run again, so that it can be stopped."""
    if mission.flight.poll() is None:
        os.kill(mission.flight.pid, signal.SIGCONT)


def kill(mission: Mission) -> None:
    os.kill(mission.flight.pid, signal.SIGKILL)
    mission.flight.wait(FAILURE_BOUND_S)


def test_realtime_a_killed_spacecraft_raises_the_silence_alarm_and_fails_a_pending_ping(
    realtime: tuple[Mission, Feed],
) -> None:
    mission, feed = realtime
    ping = mission.client.call(SendPing()).command
    assert ping.status == CommandStatus.SENT
    kill(mission)
    silent = feed.next_silence()
    assert silent.silence is not None and "connection dropped" in silent.silence.cause
    status = mission.client.call(GetStatus()).status
    assert status.silence == silent.silence
    alarms = mission.client.call(GetAlarms()).alarms
    assert [a.severity for a in alarms if a.name == SPACECRAFT_SILENT] == [AlarmSeverity.CRITICAL]
    events = [e for e in mission.client.call(GetEvents()).events if e.name == SPACECRAFT_SILENT]
    assert [e.message for e in events] == [silent.text]
    assert silent.text.startswith(f"spacecraft silent since {silent.silence.since}")
    answer = mission.client.call(GetCommand(ping.id)).command
    assert answer.status == CommandStatus.TIMED_OUT
    assert answer.reason == f"no answer: {silent.silence}"


def test_realtime_a_frozen_spacecraft_falls_silent_and_is_heard_again_when_it_runs(
    realtime: tuple[Mission, Feed],
) -> None:
    mission, feed = realtime
    os.kill(mission.flight.pid, signal.SIGSTOP)  # its connections stay up: only quiet tells
    silent = feed.next_silence()
    assert silent.silence is not None
    assert silent.silence.cause == "no word for 2 s of wall time"
    os.kill(mission.flight.pid, signal.SIGCONT)
    heard = feed.next_silence()
    assert heard.silence is None
    assert heard.text == f"spacecraft heard again (silent since {silent.silence.since})"
    assert mission.client.call(GetStatus()).status.silence is None
    events = mission.client.call(GetEvents()).events
    assert [e.name for e in events if e.subsystem == "ground"][-2:] == [
        SPACECRAFT_SILENT,
        SPACECRAFT_HEARD,
    ]


def test_stepped_a_long_step_to_a_killed_spacecraft_fails_and_the_ground_answers(
    stepped: Mission,
) -> None:
    stepped.client.call(Step(60.0))
    kill(stepped)
    with pytest.raises(ClientError) as refused:
        stepped.client.call(Step(20_000.0), timeout_s=FAILURE_BOUND_S)
    said = str(refused.value)
    assert said.startswith("no answer to 'step': the spacecraft has been silent since T+60.0 s")
    assert stepped.endpoints.sim in said and "see its log" in said
    status = stepped.client.call(GetStatus()).status  # the ground keeps serving
    assert status.time_s == 60.0 and status.silence is not None
    assert stepped.ground.poll() is None


def test_stepped_a_long_step_to_a_frozen_spacecraft_fails_within_the_silence_interval(
    stepped: Mission,
) -> None:
    stepped.client.call(Step(60.0))
    os.kill(stepped.flight.pid, signal.SIGSTOP)
    with pytest.raises(ClientError, match="no word for 2 s of wall time"):
        stepped.client.call(Step(20_000.0), timeout_s=FAILURE_BOUND_S)
    assert stepped.client.call(GetStatus()).status.silence is not None
    kill(stepped)  # rather than have it fly the refused step before it can stop


@pytest.mark.mission("leo_smallsat")
def test_a_wait_against_a_dead_spacecraft_fails_at_once_with_the_silence(hil: HilApi) -> None:
    hil.advance(60.0)
    assert hil.mission is not None
    kill(hil.mission)
    with pytest.raises(HilFailure) as failed:
        hil.wait_check("power.battery_soc > 2", within=3600.0)
    said = str(failed.value)
    assert said.startswith("the spacecraft has been silent since T+60.0 s")
    assert str(hil.mission.flight_log) in said
    assert hil.now_s == 60.0  # no budget spent waiting
