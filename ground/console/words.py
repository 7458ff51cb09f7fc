"""Reading console words: values, `name=value` arguments, conditions and time ranges."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from ground.errors import ConsoleError

COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def parse_value(text: str) -> Any:
    """`true`/`false` to bool, numbers to int or float, anything else stays a string."""
    lowered = text.lower()
    if lowered in ("true", "on", "yes"):
        return True
    if lowered in ("false", "off", "no"):
        return False
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def parse_args(words: Iterable[str]) -> dict[str, Any]:
    """`name=value` words as a map, values through `parse_value`."""
    args: dict[str, Any] = {}
    for word in words:
        if "=" not in word:
            raise ConsoleError(f"expected name=value, found {word!r}")
        key, value = word.split("=", 1)
        args[key] = parse_value(value)
    return args


def split_options(words: list[str], *keys: str) -> tuple[list[str], dict[str, Any]]:
    """Take `key=value` words for `keys` out of `words`; return the rest and the options."""
    prefixes = tuple(f"{key}=" for key in keys)
    options = parse_args(w for w in words if w.startswith(prefixes))
    return [w for w in words if not w.startswith(prefixes)], options


class TimeRange(NamedTuple):
    """A closed range of mission seconds; None leaves that side open."""

    start_s: float | None = None
    end_s: float | None = None


def parse_range(words: list[str]) -> TimeRange:
    """`START END` in mission seconds, or nothing (the whole run)."""
    if not words:
        return TimeRange()
    if len(words) != 2:
        raise ConsoleError("give a range as START END in mission seconds, or nothing")
    return TimeRange(float(words[0]), float(words[1]))


class Condition(NamedTuple):
    """`NAME OP VALUE`, as `check` and `wait_check` take it; prints as it was written."""

    name: str
    op: str
    expected: Any

    @classmethod
    def parse(cls, words: list[str], usage: str) -> Condition:
        if len(words) != 3:
            raise ConsoleError(f"usage: {usage}, with OP one of == != < <= > >=")
        if words[1] not in COMPARISONS:
            raise ConsoleError(f"unknown comparison {words[1]!r}; use == != < <= > >=")
        return cls(words[0], words[1], parse_value(words[2]))

    def holds_for(self, value: Any) -> bool:
        """Whether `value` meets the condition; a value never received never does."""
        if value is None:
            return False
        try:
            return COMPARISONS[self.op](value, self.expected)
        except TypeError:
            raise ConsoleError(
                f"cannot compare {self.name} = {value!r} with {self.expected!r}"
            ) from None

    def __str__(self) -> str:
        return f"{self.name} {self.op} {self.expected!r}"
