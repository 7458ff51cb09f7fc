"""Reading console words: `name=value` arguments, options, check expressions and time ranges.

Values are read as check expressions read them (`ground.api.checks.parse_value`): one rule for
what `true`, `12` and `safe` mean, wherever an operator types them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, NamedTuple

from ground.api import parse_value
from ground.errors import ConsoleError

# A word of a line as typed: a quoted string (closed or not) or a run of anything else.
_WORD = re.compile(r"""'[^']*'?|"[^"]*"?|[^\s'"]+""")


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


def number(word: str, what: str) -> float:
    """`word` as a number, or ConsoleError naming `what` it should have been."""
    try:
        value = float(word)
    except ValueError:
        raise ConsoleError(f"{what} must be a number, e.g. 60; got {word!r}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ConsoleError(f"{what} must be a finite number; got {word!r}")
    return value


def whole_number(word: str, what: str) -> int:
    """`word` as a whole number, or ConsoleError naming `what` it should have been."""
    if not re.fullmatch(r"[+-]?\d+", word.strip()):
        raise ConsoleError(f"{what} must be a whole number, e.g. 3; got {word!r}")
    return int(word)


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
    return TimeRange(number(words[0], "START"), number(words[1], "END"))


def split_expression(text: str, *keys: str) -> list[str]:
    """The rest of a line as `[expression, *option words]`, the expression as it was typed.

    `key=value` words for `keys` are taken out wherever they stand. The expression keeps its
    quotes, so a check reads `'off'` as the string it is (see ground.api.checks).
    """
    prefixes = tuple(f"{key}=" for key in keys)
    kept: list[str] = []
    options: list[str] = []
    last = 0
    for word in _WORD.finditer(text):
        if word.group().startswith(prefixes):
            kept.append(text[last : word.start()])
            options.append(word.group())
            last = word.end()
    kept.append(text[last:])
    return ["".join(kept).strip(), *options]
