"""The subsystem actor shell, tested with a fake model (the pykka recipe: start, interact, get, assert)."""

from __future__ import annotations

from fakes import CounterModel, CounterState

from flightsw.executive.actors.bus import SoftwareBus, topic_matches
from flightsw.executive.actors.subsystem_actor import SubsystemActor
from flightsw.executive.messages import (
    ClearFault,
    ExecuteCommand,
    GetState,
    InjectFault,
    Publish,
    Rewind,
    Subscribe,
    Sync,
    Tick,
    TickRun,
)
from flightsw.icd.errorcodes import ErrorCode

TIMEOUT_S = 5


def start_counter(hk_period_s: float = 10.0):  # type: ignore[no-untyped-def]
    model = CounterModel()
    return SubsystemActor.start(model, model.initial_state(), hk_period_s)


def test_a_tick_steps_the_model_and_returns_the_new_state() -> None:
    actor = start_counter()
    report = actor.ask(Tick(0.0, 2.0), timeout=TIMEOUT_S)
    assert report.state.count == 2.0
    assert actor.ask(GetState(), timeout=TIMEOUT_S) == report.state


def test_housekeeping_comes_on_the_period_grid_only() -> None:
    actor = start_counter(hk_period_s=3.0)
    reports = [actor.ask(Tick(float(t), 1.0), timeout=TIMEOUT_S) for t in range(7)]
    with_hk = [t + 1 for t, r in enumerate(reports) if r.housekeeping is not None]
    assert with_hk == [1, 3, 6]  # first tick, then every whole multiple of 3 s


def test_a_valid_command_changes_the_state_and_raises_its_event() -> None:
    actor = start_counter()
    report = actor.ask(ExecuteCommand("set_rate", (("rate_per_s", 2.5),), 0.0), timeout=TIMEOUT_S)
    assert report.ok
    assert [e.name for e in report.events] == ["rate_set"]
    assert actor.ask(GetState(), timeout=TIMEOUT_S).rate_per_s == 2.5


def test_a_command_argument_out_of_range_is_refused_with_its_code() -> None:
    actor = start_counter()
    report = actor.ask(ExecuteCommand("set_rate", (("rate_per_s", 99.0),), 0.0), timeout=TIMEOUT_S)
    assert (report.ok, report.code) == (False, ErrorCode.BAD_ARGUMENT)
    assert "above the maximum" in report.reason


def test_a_command_the_model_refuses_keeps_the_state() -> None:
    actor = start_counter()
    report = actor.ask(ExecuteCommand("refuse", (), 0.0), timeout=TIMEOUT_S)
    assert (report.ok, report.code) == (False, ErrorCode.NOT_ALLOWED)
    assert actor.ask(GetState(), timeout=TIMEOUT_S) == CounterState()


def test_an_injected_fault_is_reported_as_an_event_and_can_be_cleared() -> None:
    actor = start_counter()
    injected = actor.ask(InjectFault("crash", (), 0.0), timeout=TIMEOUT_S)
    assert injected.ok and injected.events[0].name == "fault_injected"
    assert actor.ask(GetState(), timeout=TIMEOUT_S).crash_on_tick
    cleared = actor.ask(ClearFault("crash", 0.0), timeout=TIMEOUT_S)
    assert cleared.ok and not actor.ask(GetState(), timeout=TIMEOUT_S).crash_on_tick


def test_an_unknown_fault_is_refused_naming_the_known_ones() -> None:
    actor = start_counter()
    report = actor.ask(InjectFault("melt", (), 0.0), timeout=TIMEOUT_S)
    assert not report.ok and "known: crash" in report.reason


def test_bus_values_reach_subscribers_before_their_next_tick() -> None:
    bus = SoftwareBus.start()
    listener = start_counter()
    bus.tell(Subscribe("counter", ("other.*",), listener))
    talker_model = CounterModel("talker")
    talker = SubsystemActor.start(talker_model, talker_model.initial_state(), 10.0)
    published = talker.ask(Tick(0.0, 1.0), timeout=TIMEOUT_S).published
    assert published == (("other.talker", 1.0),)
    bus.tell(Publish(published))  # the executive hands the bus what the tick published
    bus.ask(Sync(), timeout=TIMEOUT_S)  # and syncs before the next tick
    report = listener.ask(Tick(1.0, 1.0), timeout=TIMEOUT_S)
    assert ("other.talker", 1.0) in report.state.seen


def test_a_late_subscriber_gets_the_retained_value_at_once() -> None:
    bus = SoftwareBus.start()
    bus.tell(Publish((("other.x", 42.0),)))
    listener = start_counter()
    bus.tell(Subscribe("counter", ("other.*",), listener))
    bus.ask(Sync(frozenset({"counter"})), timeout=TIMEOUT_S)  # the executive's sync before a tick
    report = listener.ask(Tick(0.0, 1.0), timeout=TIMEOUT_S)
    assert ("other.x", 42.0) in report.state.seen


def test_topic_patterns_match_prefixes_only_with_a_star() -> None:
    assert topic_matches("load.*", "load.thermal")
    assert not topic_matches("load.*", "loads.thermal")
    assert topic_matches("power.status", "power.status")
    assert not topic_matches("power.status", "power.status2")


def test_a_subscriber_not_due_keeps_only_the_latest_value_until_it_is() -> None:
    bus = SoftwareBus.start()
    listener = start_counter()
    bus.tell(Subscribe("counter", ("other.*",), listener))
    for value in (1.0, 2.0, 3.0):
        bus.tell(Publish((("other.x", value),)))
        bus.ask(Sync(frozenset({"somebody_else"})), timeout=TIMEOUT_S)
    assert ("other.x", 3.0) not in listener.ask(Tick(0.0, 1.0), timeout=TIMEOUT_S).state.seen
    bus.ask(Sync(frozenset({"counter"})), timeout=TIMEOUT_S)
    assert ("other.x", 3.0) in listener.ask(Tick(1.0, 1.0), timeout=TIMEOUT_S).state.seen


class CrashesAtThree(CounterModel):
    """A counter whose software fails once it has counted three seconds."""

    def step(self, state, time_s, dt_s, inputs):  # type: ignore[no-untyped-def]
        if state.count >= 3.0:
            raise RuntimeError("simulated software fault at three")
        return super().step(state, time_s, dt_s, inputs)


def test_a_tick_run_reports_what_the_ticks_one_at_a_time_would() -> None:
    one_at_a_time = start_counter(hk_period_s=3.0)
    singles = [one_at_a_time.ask(Tick(float(t), 1.0), timeout=TIMEOUT_S) for t in range(7)]
    in_a_run = start_counter(hk_period_s=3.0)
    run = in_a_run.ask(TickRun(tuple(float(t) for t in range(1, 8)), 1.0), timeout=TIMEOUT_S)
    assert run.error is None
    assert run.ticks == tuple(singles)  # states, housekeeping, events and publications
    assert in_a_run.ask(GetState(), timeout=TIMEOUT_S) == singles[-1].state


def test_a_rewind_takes_the_actor_back_to_a_tick_of_its_run() -> None:
    actor = start_counter(hk_period_s=3.0)
    run = actor.ask(TickRun((1.0, 2.0, 3.0, 4.0), 1.0), timeout=TIMEOUT_S)
    actor.tell(Rewind(1))
    assert actor.ask(GetState(), timeout=TIMEOUT_S) == run.ticks[1].state
    # Housekeeping is next due on the grid after 2 s, as if the run had stopped there.
    assert actor.ask(Tick(2.0, 1.0), timeout=TIMEOUT_S).housekeeping is not None


def test_a_tick_run_that_fails_keeps_the_ticks_before_the_failure() -> None:
    model = CrashesAtThree()
    actor = SubsystemActor.start(model, model.initial_state(), 10.0)
    run = actor.ask(TickRun((1.0, 2.0, 3.0, 4.0, 5.0), 1.0), timeout=TIMEOUT_S)
    assert [tick.state.count for tick in run.ticks] == [1.0, 2.0, 3.0]
    assert isinstance(run.error, RuntimeError) and "at three" in str(run.error)
