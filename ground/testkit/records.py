"""What the test kit hands back: telemetry samples, events, alarms and commands (the control
API's own records, frozen values a test can compare, print or keep), and searches over them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ground.api import Alarm, AlarmEntry, Command, Event, Sample
from ground.testkit.predicates import UNSET, Predicate, as_predicate

__all__ = [
    "Alarm",
    "AlarmEntry",
    "Command",
    "Event",
    "Sample",
    "count_holds",
    "describe_count",
    "first_match",
    "matching",
    "sequence_match",
]


# -- searches over samples -----------------------------------------------------------------------


def matching(samples: Iterable[Sample], predicate: Any, previous: Any = UNSET) -> list[Sample]:
    """The samples that match, in time order; `previous` is the value before the first sample."""
    test = as_predicate(predicate)
    found = []
    for sample in samples:
        if test.matches(sample.value, previous):
            found.append(sample)
        previous = sample.value
    return found


def first_match(samples: Iterable[Sample], predicate: Any, previous: Any = UNSET) -> Sample | None:
    test = as_predicate(predicate)
    for sample in samples:
        if test.matches(sample.value, previous):
            return sample
        previous = sample.value
    return None


def sequence_match(
    samples: Sequence[Sample], predicates: Sequence[Any], previous: Any = UNSET
) -> list[Sample]:
    """The first sample matching each predicate in turn, each later than the one before.

    Returns as many as were found: all of them when the sequence happened.
    """
    tests = [as_predicate(p) for p in predicates]
    found: list[Sample] = []
    for sample in samples:
        if len(found) == len(tests):
            break
        if tests[len(found)].matches(sample.value, previous):
            found.append(sample)
        previous = sample.value
    return found


def count_holds(count: int | Predicate, actual: int) -> bool:
    """`count` is an exact number or a predicate on the number (`at_least(2)`)."""
    return actual == count if isinstance(count, int) else count(actual)


def describe_count(count: int | Predicate) -> str:
    return f"exactly {count}" if isinstance(count, int) else str(count)
