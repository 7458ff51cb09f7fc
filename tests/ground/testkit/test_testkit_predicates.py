"""Predicates and history searches of the test kit, on plain values (no processes)."""

from __future__ import annotations

import pytest

from ground.testkit.predicates import (
    all_of,
    any_of,
    as_predicate,
    at_least,
    at_most,
    changed,
    close_to,
    equal_to,
    greater_than,
    is_not,
    is_one_of,
    is_true,
    less_than,
    within_range,
)
from ground.testkit.records import (
    Sample,
    count_holds,
    first_match,
    matching,
    sequence_match,
)

SOC = [Sample(10.0 * i, v) for i, v in enumerate([0.9, 0.8, 0.6, 0.6, 0.3, 0.5, 0.9])]


@pytest.mark.parametrize(
    ("predicate", "value", "expected"),
    [
        (equal_to("SAFE"), "SAFE", True),
        (equal_to("SAFE"), "NOMINAL", False),
        (less_than(0.5), 0.49, True),
        (less_than(0.5), 0.5, False),
        (at_most(0.5), 0.5, True),
        (greater_than(3), 3, False),
        (at_least(3), 3, True),
        (within_range(0.2, 0.8), 0.2, True),
        (within_range(0.2, 0.8), 0.81, False),
        (close_to(101.3, 0.1), 101.35, True),
        (close_to(101.3, 0.1), 101.5, False),
        (is_one_of(["SAFE", "ABORT"]), "ABORT", True),
        (is_true(), 1, False),  # telemetry booleans are booleans: 1 is not True here
        (is_not(equal_to(1)), 2, True),
        (all_of(greater_than(0), less_than(1)), 0.5, True),
        (any_of(less_than(0), greater_than(1)), 0.5, False),
        (greater_than(0.5), None, False),  # a value never received matches no comparison
        (greater_than(0.5), "text", False),
    ],
)
def test_a_predicate_says_whether_a_value_matches(predicate, value, expected) -> None:  # type: ignore[no-untyped-def]
    assert predicate(value) is expected


def test_a_predicate_prints_as_the_condition_it_tests() -> None:
    assert str(within_range(0.2, 0.8)) == "within 0.2 .. 0.8"
    assert str(greater_than(0.5) & less_than(0.9)) == "(> 0.5) and (< 0.9)"
    assert str(changed(from_value="NOMINAL", to="SAFE")) == "changed from 'NOMINAL' to 'SAFE'"
    assert str(as_predicate(3)) == "== 3"


def test_within_range_refuses_an_empty_range() -> None:
    with pytest.raises(ValueError, match="low <= high"):
        within_range(1.0, 0.0)


def test_changed_needs_the_value_before() -> None:
    modes = [
        Sample(0.0, "NOMINAL"),
        Sample(10.0, "NOMINAL"),
        Sample(20.0, "SAFE"),
        Sample(30.0, "SAFE"),
    ]
    assert first_match(modes, changed()) == Sample(20.0, "SAFE")
    assert first_match(modes, changed(to="NOMINAL")) is None
    assert first_match(modes, changed(), previous="SAFE") == Sample(0.0, "NOMINAL")
    assert changed().needs_previous and not equal_to(1).needs_previous
    assert (changed() | equal_to(1)).needs_previous


def test_searches_over_samples() -> None:
    assert first_match(SOC, less_than(0.5)) == Sample(40.0, 0.3)
    assert [s.time_s for s in matching(SOC, equal_to(0.6))] == [20.0, 30.0]
    assert len(matching(SOC, changed())) == 5  # 0.9→0.8→0.6, 0.6→0.3→0.5→0.9
    falling_then_recovered = sequence_match(SOC, [at_most(0.6), at_most(0.3), at_least(0.9)])
    assert [s.time_s for s in falling_then_recovered] == [20.0, 40.0, 60.0]
    assert len(sequence_match(SOC, [at_most(0.3), at_most(0.1)])) == 1  # stuck at the second


def test_a_count_is_a_number_or_a_predicate_on_it() -> None:
    assert count_holds(2, 2) and not count_holds(2, 3)
    assert count_holds(at_least(2), 3) and not count_holds(at_least(2), 1)
