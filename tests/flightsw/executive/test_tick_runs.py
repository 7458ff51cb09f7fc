"""Planning runs of ticks, and the executive's record of what waits at the bus for whom."""

from __future__ import annotations

from flightsw.executive.bus_inputs import PendingInputs
from flightsw.executive.messages import TickReport
from flightsw.executive.tick_runs import MAX_RUN_TICKS, feeds_itself, plan_run


def always(_end_s: float) -> bool:
    return True


def report(name: str, *topics: str) -> TickReport:
    return TickReport(name, None, None, (), (), tuple((topic, 0.0) for topic in topics))


def test_a_run_goes_up_to_the_target_tick_included() -> None:
    assert plan_run(1.0, 1.0, 5.0, float("inf"), always) == [1.0, 2.0, 3.0, 4.0, 5.0]


def test_a_run_stops_before_a_deadline_even_one_falling_on_a_tick() -> None:
    # A telecommand due at 4 s is handled before the tick at 4 s, so that tick is not in the run.
    assert plan_run(1.0, 1.0, 9.0, 4.0, always) == [1.0, 2.0, 3.0]
    assert plan_run(1.0, 1.0, 9.0, 3.5, always) == [1.0, 2.0, 3.0]


def test_a_run_stops_where_other_subsystems_fall_due() -> None:
    slow_rate_group_s = 10.0
    ends_s = plan_run(1.0, 1.0, 100.0, float("inf"), lambda end_s: end_s % slow_rate_group_s != 0)
    assert ends_s == [float(t) for t in range(1, 10)]


def test_a_run_spans_at_most_max_run_ticks() -> None:
    assert len(plan_run(0.5, 0.5, 1e6, float("inf"), always)) == MAX_RUN_TICKS


def test_a_run_sums_tick_times_as_the_executive_does() -> None:
    ends_s = plan_run(0.1, 0.1, 1.0, float("inf"), always)
    expected, end_s = [0.1], 0.1
    while len(expected) < 10:
        end_s += 0.1
        expected.append(end_s)
    assert ends_s == expected  # the same float sums, not 0.1 * n


def test_a_new_subscriber_waits_for_the_retained_values() -> None:
    inputs = PendingInputs()
    inputs.subscribed("thermal", ("load.*",))
    assert inputs.take(frozenset({"thermal", "power"})) == {"thermal"}
    assert inputs.take(frozenset({"thermal"})) == frozenset()


def test_a_publication_wakes_only_the_readers_of_its_topic() -> None:
    inputs = PendingInputs()
    inputs.subscribed("thermal", ("load.*",))
    inputs.subscribed("power", ("load.*", "thermal.status"))
    inputs.subscribed("comms", ("nav.state",))
    inputs.take(frozenset({"thermal", "power", "comms"}))
    inputs.published(["thermal.status"])
    assert inputs.take(frozenset({"thermal", "power", "comms"})) == {"power"}
    inputs.published(["load.heaters"])
    assert inputs.take(frozenset({"comms", "power"})) == {"power"}
    assert inputs.take(frozenset({"thermal"})) == {"thermal"}  # still waiting: it was not due


def test_a_run_feeds_itself_when_one_of_it_reads_what_another_published() -> None:
    inputs = PendingInputs()
    inputs.subscribed("docking", ("nav.state",))
    inputs.subscribed("propulsion", ("power.bus",))
    assert feeds_itself([report("docking", "docking.range"), report("nav", "nav.state")], inputs)
    assert not feeds_itself([report("docking", "docking.range"), report("propulsion")], inputs)
