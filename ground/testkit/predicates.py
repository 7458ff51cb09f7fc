"""Predicates on telemetry values, events and counts, each printing as what it tests.

A predicate is called with a value and says whether it matches; `str()` of it reads like the
condition ("within 0.2 .. 0.8"), so a failure message can quote it. `changed` also looks at the
value before: history searches and waits give it the previous sample's value.

    hil.await_telemetry("power.battery_soc", at_most(0.3), within=3600)
    hil.assert_telemetry_count("fdir.safe_mode", 1, changed(to=True))
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterable
from typing import Any

UNSET: Any = object()  # "no previous value" (distinct from None, a value that never arrived)


class Predicate:
    """A named test on one value; subclasses that need the value before override `matches`."""

    needs_previous = False  # True for tests that look at a change, not at one value

    def __init__(self, test: Callable[[Any], bool], description: str) -> None:
        self._test = test
        self.description = description

    def __call__(self, value: Any) -> bool:
        try:
            return bool(self._test(value))
        except TypeError:  # a string against a number, None against anything: no match
            return False

    def matches(self, value: Any, previous: Any = UNSET) -> bool:
        """Whether `value` matches, given the value before it (only `changed` looks)."""
        return self(value)

    def __str__(self) -> str:
        return self.description

    def __repr__(self) -> str:
        return f"<predicate {self.description}>"

    def __and__(self, other: Predicate) -> Predicate:
        return all_of(self, other)

    def __or__(self, other: Predicate) -> Predicate:
        return any_of(self, other)

    def __invert__(self) -> Predicate:
        return is_not(self)


def as_predicate(expected: Any) -> Predicate:
    """A predicate from what a caller gave: a predicate, a plain callable, or a value to equal."""
    if isinstance(expected, Predicate):
        return expected
    if callable(expected):
        name = getattr(expected, "__name__", "a condition")
        return Predicate(expected, f"satisfies {name}")
    return equal_to(expected)


def _compare(op: Callable[[Any, Any], bool], symbol: str, expected: Any) -> Predicate:
    return Predicate(lambda value: op(value, expected), f"{symbol} {expected!r}")


def equal_to(expected: Any) -> Predicate:
    return _compare(operator.eq, "==", expected)


def not_equal_to(expected: Any) -> Predicate:
    return _compare(operator.ne, "!=", expected)


def less_than(limit: Any) -> Predicate:
    return _compare(operator.lt, "<", limit)


def at_most(limit: Any) -> Predicate:
    return _compare(operator.le, "<=", limit)


def greater_than(limit: Any) -> Predicate:
    return _compare(operator.gt, ">", limit)


def at_least(limit: Any) -> Predicate:
    return _compare(operator.ge, ">=", limit)


def within_range(low: float, high: float) -> Predicate:
    """low <= value <= high."""
    if low > high:
        raise ValueError(f"within_range needs low <= high, got {low} .. {high}")
    return Predicate(lambda value: low <= value <= high, f"within {low!r} .. {high!r}")


def outside_range(low: float, high: float) -> Predicate:
    return is_not(within_range(low, high))


def close_to(expected: float, tolerance: float) -> Predicate:
    """|value - expected| <= tolerance (give the tolerance in the value's unit)."""
    return Predicate(
        lambda value: math.isclose(value, expected, rel_tol=0.0, abs_tol=tolerance),
        f"within {tolerance!r} of {expected!r}",
    )


def is_one_of(choices: Iterable[Any]) -> Predicate:
    options = tuple(choices)
    return Predicate(lambda value: value in options, f"one of {list(options)!r}")


def is_true() -> Predicate:
    return Predicate(lambda value: value is True, "is true")


def is_false() -> Predicate:
    return Predicate(lambda value: value is False, "is false")


def anything() -> Predicate:
    """Any value that arrived (a wait for the next sample)."""
    return Predicate(lambda value: value is not None, "any value")


def is_not(predicate: Predicate) -> Predicate:
    return _Not(as_predicate(predicate))


def all_of(*predicates: Any) -> Predicate:
    return _Combined(all, "and", [as_predicate(p) for p in predicates])


def any_of(*predicates: Any) -> Predicate:
    return _Combined(any, "or", [as_predicate(p) for p in predicates])


def changed(from_value: Any = UNSET, to: Any = UNSET) -> Predicate:
    """A value different from the one before it (optionally: from one value, to another)."""
    return _Changed(from_value, to)


class _Not(Predicate):
    def __init__(self, inner: Predicate) -> None:
        super().__init__(lambda value: not inner(value), f"not ({inner})")
        self.inner = inner
        self.needs_previous = inner.needs_previous

    def matches(self, value: Any, previous: Any = UNSET) -> bool:
        return not self.inner.matches(value, previous)


class _Combined(Predicate):
    def __init__(
        self, combine: Callable[[Iterable[bool]], bool], word: str, parts: list[Predicate]
    ) -> None:
        super().__init__(
            lambda value: combine(part(value) for part in parts),
            f" {word} ".join(f"({part})" for part in parts),
        )
        self.combine = combine
        self.parts = parts
        self.needs_previous = any(part.needs_previous for part in parts)

    def matches(self, value: Any, previous: Any = UNSET) -> bool:
        return self.combine(part.matches(value, previous) for part in self.parts)


class _Changed(Predicate):
    needs_previous = True

    def __init__(self, from_value: Any, to: Any) -> None:
        words = ["changed"]
        if from_value is not UNSET:
            words.append(f"from {from_value!r}")
        if to is not UNSET:
            words.append(f"to {to!r}")
        super().__init__(lambda value: False, " ".join(words))
        self.from_value = from_value
        self.to = to

    def __call__(self, value: Any) -> bool:
        return False  # a change needs the value before; see `matches`

    def matches(self, value: Any, previous: Any = UNSET) -> bool:
        if previous is UNSET or value == previous:
            return False
        if self.from_value is not UNSET and previous != self.from_value:
            return False
        return self.to is UNSET or value == self.to
