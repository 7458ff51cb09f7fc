"""A silent spacecraft is noticed: the running clock, the silence watch, and what the ground does.

Real parts (a real SQLite archive, the real rules and commanding) with a fake wall clock; only
the sim port's socket is a list that collects what is sent.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fakes import FakeWall

from flightsw.config import load_mission
from flightsw.executive import mission_dictionary
from flightsw.icd import Housekeeping, encode_body, encode_tm, simport
from flightsw.subsystems import build_models
from ground.api import AlarmChanged, FeedEvent, SilenceChanged
from ground.archive import Archive
from ground.dictionary import Dictionary
from ground.link import Channel, LightTime
from ground.process.clock import GroundClock
from ground.process.liveness import Liveness
from ground.process.monitor import ConnectionChange
from ground.process.service import GroundService
from ground.process.silence import SilenceWatch, announce_heard, announce_silence
from ground.process.sim_requests import SimRequests
from ground.rules import AlarmManager, AlarmSeverity, RuleEngine, RuleOptions, StalenessRule
from ground.vocabulary import SPACECRAFT_SILENT, CommandStatus, RuleState
from tests.downlink import down

SILENCE_S = 5.0
RATE = 60.0
LIGHT_TIME_S = 2.0
POWER_APID = 17  # leo_smallsat's [apids]
SIM_ENDPOINT = "tcp://127.0.0.1:5557"


# -- the watch alone ------------------------------------------------------------------------------


def test_a_spacecraft_that_owes_a_word_is_silent_only_after_the_interval() -> None:
    watch = SilenceWatch(SILENCE_S, wall_s=1000.0)
    watch.heard(1001.0, mission_s=60.0)
    assert watch.check(1005.9, owed_since_wall_s=1000.0) is None
    silence = watch.check(1006.0, owed_since_wall_s=1000.0)
    assert silence is not None and silence.since_s == 60.0
    assert str(silence) == (
        "the spacecraft has been silent since T+60.0 s (no word for 5 s of wall time)"
    )
    assert watch.check(1100.0, owed_since_wall_s=1000.0) is None  # once, not again


def test_a_spacecraft_that_owes_nothing_is_never_silent() -> None:
    watch = SilenceWatch(SILENCE_S, wall_s=1000.0)
    assert watch.check(5000.0, owed_since_wall_s=None) is None  # a stepped one between steps


def test_the_quiet_is_counted_from_when_a_word_became_owed() -> None:
    watch = SilenceWatch(SILENCE_S, wall_s=1000.0)
    assert watch.check(2004.0, owed_since_wall_s=2000.0) is None  # a step sent at 2000
    assert watch.check(2005.0, owed_since_wall_s=2000.0) is not None


def test_a_dropped_connection_is_silence_at_once_and_the_next_word_ends_it() -> None:
    watch = SilenceWatch(SILENCE_S, wall_s=1000.0)
    watch.heard(1000.5, mission_s=30.0)
    silence = watch.dropped("sim port")
    assert silence is not None and silence.cause == "its sim port connection dropped"
    assert watch.dropped("truth feed") is None  # already silent: one silence, not three
    watch.reconnected()
    assert watch.heard(1002.0, mission_s=31.0) == silence
    assert watch.silence is None


# -- the ground acting on it ----------------------------------------------------------------------


class FakeSimSocket:
    """Stands in for the sim port's DEALER socket: keeps what is sent."""

    def __init__(self) -> None:
        self.sent: list[simport.SimRequest] = []

    def send_multipart(self, parts: list[bytes]) -> None:
        self.sent.append(simport.decode_request(parts[-1]))


class Ground:
    """A ground service, its clock and its liveness watch, on a fake wall clock."""

    def __init__(self, service: GroundService, published: list[FeedEvent], stepped: bool) -> None:
        self.wall = FakeWall()
        self.service = service
        self.published = published
        self.clock = GroundClock(self.wall, stepped=stepped, rate=RATE)
        self.socket = FakeSimSocket()
        self.sim = SimRequests(self.socket, SIM_ENDPOINT, 30.0, self.wall)  # type: ignore[arg-type]
        self.liveness = Liveness(self.clock, SILENCE_S, self.sim, self.wall)
        self.answers: list[simport.SimReply] = []

    def truth(self, time_s: float) -> None:
        """A truth message of `time_s` arrives and is applied, as the runtime does."""
        self.liveness.heard(self.service, time_s)
        self.clock.anchor(time_s, self.wall())
        self.service.advance(time_s)

    def wait(self, wall_s: float) -> None:
        """`wall_s` wall seconds pass; the loop looks at silence and runs the clock."""
        self.wall.wait(wall_s)
        self.liveness.check(self.service, self.send)
        self.liveness.run_clock(self.service, held=False)
        self.sim.expire(self.liveness.unanswered)

    def send(self, request: simport.SimRequest, on_reply: Any = None) -> None:
        refusal = self.liveness.refusal(request)
        if refusal is not None:
            self.answers.append(simport.refused(refusal))
            return
        self.sim.send(request, on_reply or self.answers.append)

    def alarm_kinds(self, name: str) -> list[str]:
        return [
            str(event.entry.kind)
            for event in self.published
            if isinstance(event, AlarmChanged) and event.entry.name == name
        ]


@pytest.fixture(scope="module")
def dictionary() -> Dictionary:
    config = load_mission("leo_smallsat")
    return Dictionary.from_flight(mission_dictionary(config, build_models(config)))


def build(tmp_path: Path, dictionary: Dictionary, stepped: bool) -> Ground:
    """A ground with one staleness rule (no battery charge for 120 s) and a 2 s light time."""
    stale = StalenessRule(
        "battery_stale",
        AlarmSeverity.WARNING,
        "power.battery_soc",
        options=RuleOptions(stale_after_s=120.0),
    )
    published: list[FeedEvent] = []
    service = GroundService(
        dictionary,
        Archive.create(tmp_path, "run"),
        RuleEngine([stale]),
        AlarmManager(),
        Channel(LightTime("fixed", LIGHT_TIME_S)),
        publish=published.append,
        uplink=lambda arrival_s, frame: None,
    )
    return Ground(service, published, stepped)


@pytest.fixture
def realtime(tmp_path: Path, dictionary: Dictionary) -> Iterator[Ground]:
    ground = build(tmp_path, dictionary, stepped=False)
    yield ground
    ground.service.archive.close()


@pytest.fixture
def stepped(tmp_path: Path, dictionary: Dictionary) -> Iterator[Ground]:
    ground = build(tmp_path, dictionary, stepped=True)
    yield ground
    ground.service.archive.close()


def battery_report(seq: int, time_s: float) -> bytes:
    body = encode_body(Housekeeping("power", {"battery_soc": 0.9}))
    return encode_tm(POWER_APID, seq, 3, 25, time_s, body)


def test_on_a_silent_spacecraft_the_running_clock_makes_staleness_rules_fire(
    realtime: Ground,
) -> None:
    realtime.truth(100.0)
    down(realtime.service, battery_report(0, 100.0))
    realtime.wait(0.1)  # 6 s of mission time: the report has crossed the 2 s light time
    assert realtime.service.latest("power.battery_soc") == (100.0, 0.9)
    realtime.wait(1.9)  # T+220: 120 s since the sample, not more
    assert realtime.alarm_kinds("battery_stale") == []
    realtime.wait(0.1)  # T+226, and no truth since T+100
    assert realtime.alarm_kinds("battery_stale") == ["triggered"]
    alarm = realtime.service.alarms.get("battery_stale")
    assert alarm is not None and alarm.rule_state is RuleState.STALE


def test_verification_windows_close_on_the_running_clock(realtime: Ground) -> None:
    realtime.truth(100.0)
    ping = realtime.service.commander.ping()
    realtime.wait(0.2)  # T+112: the 4 s round trip and 10 s acceptance margin still open
    assert ping.status is CommandStatus.SENT
    realtime.wait(0.05)  # T+115
    assert ping.status is CommandStatus.TIMED_OUT
    assert ping.reason == "not accepted within 14.0 s of sending"


def test_a_quiet_realtime_spacecraft_is_asked_then_declared_silent(realtime: Ground) -> None:
    realtime.truth(100.0)
    realtime.wait(2.4)
    assert realtime.socket.sent == []
    realtime.wait(0.1)  # half the silence interval: a paused clock sends no truth; is it there?
    assert realtime.socket.sent == [simport.StatusRequest()]
    realtime.wait(2.4)
    assert realtime.service.silence is None
    realtime.wait(0.1)
    silence = realtime.service.silence
    assert silence is not None and silence.since_s == 100.0
    assert realtime.service.status().silence == silence
    assert realtime.answers == []  # the probe's refusal went to the probe


def test_a_probe_answered_keeps_a_paused_spacecraft_heard(realtime: Ground) -> None:
    realtime.truth(100.0)
    realtime.wait(2.5)
    request = realtime.sim.take(simport.encode(simport.StatusReply(
        mission="leo-smallsat", time_s=100.0, mode="realtime", rate=RATE, paused=True,
        tick_s=1.0, ticks=100, downlink_sent=0, range_m=None, executive={}, generation=1,
        truth_sent=100, uplink_received=0, generated={},
    )))  # fmt: skip
    assert request is not None
    realtime.liveness.heard(realtime.service)
    realtime.liveness.replied(*request)
    request[0].on_reply(request[1])  # type: ignore[misc]
    realtime.wait(4.0)
    assert realtime.service.silence is None
    assert realtime.clock.paused and realtime.service.now_s == pytest.approx(250.0)


def test_silence_fails_what_waits_for_an_answer_raises_a_red_alarm_and_an_event(
    realtime: Ground,
) -> None:
    realtime.truth(100.0)
    ping = realtime.service.commander.ping()
    realtime.liveness.connections(realtime.service, [ConnectionChange("sim port", up=False)])
    assert ping.status is CommandStatus.TIMED_OUT
    assert ping.reason == (
        "no answer: the spacecraft has been silent since T+100.0 s (its sim port connection "
        "dropped)"
    )
    (alarm,) = realtime.service.alarms.active()
    assert (alarm.name, alarm.severity) == (SPACECRAFT_SILENT, AlarmSeverity.CRITICAL)
    realtime.service.archive.flush()
    (event,) = [e for e in realtime.service.archive.events() if e.name == SPACECRAFT_SILENT]
    assert event.message == "spacecraft silent since T+100.0 s (its sim port connection dropped)"
    assert [e.text for e in realtime.published if isinstance(e, SilenceChanged)] == [event.message]


def test_a_spacecraft_heard_again_returns_its_alarm_and_says_so(realtime: Ground) -> None:
    realtime.truth(100.0)
    realtime.wait(SILENCE_S)
    assert realtime.service.silence is not None
    realtime.truth(400.0)
    assert realtime.service.silence is None
    assert realtime.alarm_kinds(SPACECRAFT_SILENT) == ["triggered", "returned"]
    heard = [e for e in realtime.published if isinstance(e, SilenceChanged)][-1]
    assert heard.silence is None
    assert heard.text == "spacecraft heard again (silent since T+100.0 s)"


def test_between_steps_a_stepped_spacecraft_owes_nothing(stepped: Ground) -> None:
    stepped.truth(100.0)
    stepped.wait(3600.0)
    assert stepped.service.silence is None
    assert stepped.socket.sent == []  # no probe either
    assert stepped.service.now_s == 100.0  # and time moves only with steps


def test_a_step_that_hears_nothing_fails_within_the_interval_naming_the_sim_port(
    stepped: Ground,
) -> None:
    stepped.truth(100.0)
    stepped.send(simport.StepRequest(20_000.0, 0))
    stepped.wait(4.9)
    assert stepped.answers == []
    stepped.truth(101.0)  # a step is alive while truth keeps coming
    stepped.wait(4.9)
    assert stepped.answers == []
    stepped.wait(0.1)
    (refused,) = stepped.answers
    assert isinstance(refused, simport.Refused)
    assert refused.error == (
        "no answer to 'step': the spacecraft has been silent since T+101.0 s (no word for 5 s "
        f"of wall time); is flightsw running, its sim port at {SIM_ENDPOINT}? (see its log)"
    )


def test_after_a_dropped_connection_requests_are_refused_at_once(stepped: Ground) -> None:
    stepped.send(simport.StepRequest(10.0, 0))
    stepped.liveness.connections(stepped.service, [ConnectionChange("sim port", up=False)])
    stepped.send(simport.StepRequest(10.0, 0))
    assert [type(answer) for answer in stepped.answers] == [simport.Refused, simport.Refused]
    assert len(stepped.socket.sent) == 1  # the second never went
    assert not stepped.sim  # nothing waits for an answer from a process that is gone
    announce_heard(stepped.service)
    assert stepped.service.silence is None


def test_a_spacecraft_asked_to_shut_down_is_not_silent_when_it_goes(stepped: Ground) -> None:
    stepped.send(simport.ShutdownRequest())
    stepped.liveness.connections(stepped.service, [ConnectionChange("sim port", up=False)])
    assert stepped.service.silence is None
    assert stepped.service.alarms.active() == []


def test_a_silence_announced_twice_is_one_alarm(realtime: Ground) -> None:
    silence = SilenceWatch(SILENCE_S, 0.0).dropped("uplink")
    assert silence is not None
    announce_silence(realtime.service, silence)
    announce_silence(realtime.service, silence)
    assert realtime.alarm_kinds(SPACECRAFT_SILENT) == ["triggered"]
