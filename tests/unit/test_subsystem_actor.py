"""The subsystem actor shell, tested with a fake model (the pykka recipe: start, interact, get, assert)."""

from __future__ import annotations

from fakes import CounterModel, CounterState

from flightsw.actor_messages import (
    ClearFault,
    ExecuteCommand,
    GetState,
    InjectFault,
    Publish,
    Subscribe,
    Sync,
    Tick,
)
from flightsw.actors.bus import SoftwareBus, topic_matches
from flightsw.actors.subsystem_actor import SubsystemActor
from flightsw.errorcodes import ErrorCode

TIMEOUT_S = 5


def start_counter(bus=None, hk_period_s: float = 10.0):  # type: ignore[no-untyped-def]
    model = CounterModel()
    return SubsystemActor.start(model, model.initial_state(), bus, hk_period_s)


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
    listener = start_counter(bus)
    bus.tell(Subscribe("counter", ("other.*",), listener))
    talker_model = CounterModel("talker")
    talker = SubsystemActor.start(talker_model, talker_model.initial_state(), bus, 10.0)
    talker.ask(Tick(0.0, 1.0), timeout=TIMEOUT_S)  # publishes other.talker = 1.0
    bus.ask(Sync(), timeout=TIMEOUT_S)  # the sync the executive makes before a tick
    report = listener.ask(Tick(1.0, 1.0), timeout=TIMEOUT_S)
    assert ("other.talker", 1.0) in report.state.seen


def test_a_late_subscriber_gets_the_retained_value_at_once() -> None:
    bus = SoftwareBus.start()
    bus.tell(Publish("other.x", 42.0))
    listener = start_counter(bus)
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
    listener = start_counter(bus)
    bus.tell(Subscribe("counter", ("other.*",), listener))
    for value in (1.0, 2.0, 3.0):
        bus.tell(Publish("other.x", value))
        bus.ask(Sync(frozenset({"somebody_else"})), timeout=TIMEOUT_S)
    assert ("other.x", 3.0) not in listener.ask(Tick(0.0, 1.0), timeout=TIMEOUT_S).state.seen
    bus.ask(Sync(frozenset({"counter"})), timeout=TIMEOUT_S)
    assert ("other.x", 3.0) in listener.ask(Tick(1.0, 1.0), timeout=TIMEOUT_S).state.seen
