"""The executive, dispatcher and supervisor with fake subsystems and a collecting downlink."""

from __future__ import annotations

from typing import Any

import pytest
from fakes import CollectingDownlink, CounterModel

from flightsw.clock import SteppedClock
from flightsw.executive.actors.bus import SoftwareBus
from flightsw.executive.dispatcher import Dispatcher
from flightsw.executive.executive import Executive
from flightsw.executive.supervisor import Supervisor
from flightsw.icd.errorcodes import ErrorCode
from flightsw.icd.messages import (
    EventReport,
    Housekeeping,
    PerformFunction,
    Pong,
    Verification,
    encode_body,
)
from flightsw.icd.packet import encode_tc
from flightsw.icd.services import Stage

APIDS = {"executive": 1, "counter": 16}


@pytest.fixture
def flight() -> tuple[Executive, Any]:
    bus = SoftwareBus.start()
    supervisor = Supervisor(bus, 1.0)
    supervisor.start(CounterModel(), APIDS["counter"], hk_period_s=5.0)
    downlink = CollectingDownlink.start()
    dispatcher = Dispatcher(APIDS, supervisor, APIDS["executive"])
    executive = Executive(
        SteppedClock(), 1.0, supervisor, dispatcher, bus, downlink, APIDS["executive"]
    )
    return executive, downlink


def sent(downlink: Any) -> list[Any]:
    return downlink.ask("packets", timeout=5)


def tc(apid: int, seq: int, message: Any) -> bytes:
    return encode_tc(apid, seq, message.service, message.subtype, encode_body(message))


def test_run_until_ticks_every_tick_up_to_the_target(flight: tuple[Executive, Any]) -> None:
    executive, downlink = flight
    executive.run_until(10.0)
    assert (executive.time_s, executive.ticks) == (10.0, 10)
    counts = [
        p.message.params["count"]
        for p in sent(downlink)
        if isinstance(p.message, Housekeeping) and p.apid == 16
    ]
    assert counts == [1.0, 5.0, 10.0]


def test_a_telecommand_is_handled_at_its_arrival_time_between_ticks(
    flight: tuple[Executive, Any],
) -> None:
    executive, downlink = flight
    executive.receive(encode_tc(1, 0, 17, 1), arrival_s=2.5)
    executive.run_until(2.0)
    assert not [p for p in sent(downlink) if isinstance(p.message, Pong)]
    executive.run_until(3.0)
    pongs = [p for p in sent(downlink) if isinstance(p.message, Pong)]
    assert [p.time_s for p in pongs] == [2.5]


def test_a_command_gets_accepted_started_and_completed_reports(
    flight: tuple[Executive, Any],
) -> None:
    executive, downlink = flight
    executive.receive(tc(16, 7, PerformFunction("set_rate", {"rate_per_s": 3.0})), arrival_s=0.5)
    executive.run_until(1.0)
    stages = [p.message.stage for p in sent(downlink) if isinstance(p.message, Verification)]
    assert stages == [Stage.ACCEPTED, Stage.STARTED, Stage.COMPLETED]
    assert executive.supervisor.members["counter"].last_good_state.rate_per_s == 3.0


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        (tc(99, 0, PerformFunction("set_rate", {"rate_per_s": 1.0})), ErrorCode.ILLEGAL_APID),
        (tc(16, 0, PerformFunction("fly_to_mars", {})), ErrorCode.UNKNOWN_COMMAND),
        (tc(16, 0, PerformFunction("set_rate", {"rate_per_s": -1.0})), ErrorCode.BAD_ARGUMENT),
        (tc(16, 0, PerformFunction("set_rate", {"speed": 1.0})), ErrorCode.BAD_ARGUMENT),
        (encode_tc(16, 0, 8, 1, b"\xc1"), ErrorCode.BAD_BODY),
        (encode_tc(16, 0, 42, 1), ErrorCode.UNKNOWN_SERVICE),
    ],
)
def test_a_bad_command_is_refused_at_acceptance_with_its_error_code(
    flight: tuple[Executive, Any], frame: bytes, code: ErrorCode
) -> None:
    executive, downlink = flight
    executive.receive(frame, arrival_s=0.0)
    executive.run_until(0.0)
    reports = [p.message for p in sent(downlink) if isinstance(p.message, Verification)]
    assert [(r.stage, r.code) for r in reports] == [(Stage.ACCEPT_FAILED, code)]
    assert reports[0].reason


def test_a_command_refused_onboard_fails_at_completion(flight: tuple[Executive, Any]) -> None:
    executive, downlink = flight
    executive.receive(tc(16, 1, PerformFunction("refuse", {})), arrival_s=0.0)
    executive.run_until(0.0)
    reports = [p.message for p in sent(downlink) if isinstance(p.message, Verification)]
    assert [r.stage for r in reports] == [Stage.ACCEPTED, Stage.STARTED, Stage.COMPLETION_FAILED]
    assert reports[-1].code == ErrorCode.NOT_ALLOWED


def test_a_corrupted_frame_is_counted_and_reported_and_flight_goes_on(
    flight: tuple[Executive, Any],
) -> None:
    executive, downlink = flight
    frame = bytearray(encode_tc(1, 0, 17, 1))
    frame[6] ^= 0xFF
    executive.receive(bytes(frame), arrival_s=0.0)
    executive.run_until(3.0)
    assert executive.dispatcher.frames_refused == {"bad_crc": 1}
    events = [p.message for p in sent(downlink) if isinstance(p.message, EventReport)]
    assert [e.name for e in events] == ["tc_frame_refused"]
    assert executive.ticks == 3


def test_an_actor_that_crashes_is_restarted_from_its_last_good_state_within_one_tick(
    flight: tuple[Executive, Any],
) -> None:
    executive, downlink = flight
    executive.run_until(3.0)
    assert executive.inject("counter", "crash", {}).ok
    executive.run_until(4.0)  # this tick raises
    member = executive.supervisor.members["counter"]
    assert member.restarts == 1
    events = [
        p.message
        for p in sent(downlink)
        if isinstance(p.message, EventReport) and p.message.severity == 4
    ]
    assert [e.name for e in events] == ["actor_restarted"]
    # The restarted actor carries the fault in its last good state? No: that state was saved before the
    # injection took effect in a tick, so clear it and the actor counts on from 3 s.
    executive.clear("counter", "crash")
    executive.run_until(6.0)
    assert member.last_good_state.count == pytest.approx(5.0)


def test_executive_housekeeping_counts_ticks_commands_and_refused_frames(
    flight: tuple[Executive, Any],
) -> None:
    executive, _ = flight
    executive.receive(encode_tc(1, 0, 17, 1), arrival_s=0.5)
    executive.receive(encode_tc(1, 1, 17, 1)[:-1], arrival_s=1.5)
    executive.run_until(3.0)
    hk = executive.housekeeping()
    assert (hk["ticks"], hk["tc_accepted"], hk["tc_frames_refused"]) == (3, 1, 1)
    assert hk["time_since_tc_s"] == 1.5


# -- runs of ticks: the same flight as one tick at a time -----------------------------------------


def two_rate_groups() -> tuple[Executive, Any]:
    """A fast counter stepping every second, and a slow one every 10 s that reads the fast one."""
    bus = SoftwareBus.start()
    supervisor = Supervisor(bus, 1.0)
    fast, slow = CounterModel("fast"), CounterModel("slow")
    fast.subscribes = ()  # type: ignore[misc]
    slow.subscribes = ("other.fast",)  # type: ignore[misc]
    supervisor.start(fast, 16, hk_period_s=5.0)
    supervisor.start(slow, 17, hk_period_s=10.0, tick_period_s=10.0)
    downlink = CollectingDownlink.start()
    apids = {"executive": 1, "fast": 16, "slow": 17}
    dispatcher = Dispatcher(apids, supervisor, 1)
    return Executive(SteppedClock(), 1.0, supervisor, dispatcher, bus, downlink, 1), downlink


def fly(executive: Executive) -> None:
    executive.receive(tc(16, 1, PerformFunction("set_rate", {"rate_per_s": 2.0})), arrival_s=23.5)
    executive.run_until(40.0)
    executive.inject("fast", "crash", {})
    executive.run_until(47.0)
    executive.clear("fast", "crash")
    executive.run_until(75.0)


def flight_record(executive: Executive, downlink: Any) -> list[Any]:
    members = executive.supervisor.members
    return [
        *((p.apid, p.time_s, p.message) for p in sent(downlink)),
        *((name, m.last_good_state, m.restarts) for name, m in sorted(members.items())),
    ]


def test_runs_of_ticks_fly_exactly_as_one_tick_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    runs: list[tuple[float, ...]] = []
    run_all = Supervisor.run_all

    def counting_run_all(self: Supervisor, names: Any, ends_s: tuple[float, ...]) -> Any:
        runs.append(ends_s)
        return run_all(self, names, ends_s)

    monkeypatch.setattr(Supervisor, "run_all", counting_run_all)
    in_runs = two_rate_groups()
    fly(in_runs[0])
    assert runs, "the fast rate group between two slow ticks should have flown as runs"
    assert max(len(run) for run in runs) == 9

    monkeypatch.setattr("flightsw.executive.tick_runs.MAX_RUN_TICKS", 1)
    runs.clear()
    singly = two_rate_groups()
    fly(singly[0])
    assert not runs
    assert flight_record(*in_runs) == flight_record(*singly)


def test_a_subsystem_that_reads_its_own_topics_is_never_left_in_a_run(
    flight: tuple[Executive, Any],
) -> None:
    executive, _ = flight  # the counter follows other.*, which it publishes itself
    executive.run_until(30.0)
    assert executive.ticks == 30
    seen = dict(executive.supervisor.members["counter"].last_good_state.seen)
    assert seen["other.counter"] == 29.0  # each tick stepped with the value of the one before
