"""Check expressions, `SUBSYSTEM.PARAM OP VALUE`: one grammar for the console and the test kit.

    power.battery_soc > 0.5          fdir.mode == safe          payload.mode == 'off'

- NAME is a full parameter name, `subsystem.parameter`.
- OP is one of `== != < <= > >=`; spaces around it are optional.
- VALUE, quoted in single or double quotes, is the text between the quotes, always a string:
  `'off'` and `"1"` stay strings, and a quoted value may hold spaces (`'safe hold'`).
  Unquoted, `true`/`on`/`yes` and `false`/`off`/`no` (any case) are booleans, a number is an int
  or a float, and any other word is a string as written (`fdir.mode == safe`).

A value never received holds no check; a string compared with a number by `<` or `>` cannot be
judged, and `Check.holds_for` says so with a CheckError.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flightsw.icd import Scalar
from ground.dictionary import is_parameter_name
from ground.errors import CheckError

COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}

HOW_TO_WRITE = (
    "write a check as SUBSYSTEM.PARAM OP VALUE, OP one of == != < <= > >=, "
    "e.g. power.battery_soc > 0.5 or fdir.mode == 'safe'"
)

# The name runs up to the first comparison character; the operator is every such character in
# a row, so a misspelt one (`=>`, `>>`) is named in the error instead of read as part of a value.
_PARTS = re.compile(r"\s*(?P<name>[^\s=!<>]*)\s*(?P<op>[=!<>]*)\s*(?P<value>.*?)\s*")
_QUOTES = "'\""
_TRUE_WORDS = frozenset({"true", "on", "yes"})
_FALSE_WORDS = frozenset({"false", "off", "no"})


def parse_value(text: str) -> Scalar:
    """An unquoted word as a value: `true`/`on`/`yes` and `false`/`off`/`no` (any case) as bool,
    numbers as int or float, anything else as the string itself."""
    lowered = text.lower()
    if lowered in _TRUE_WORDS:
        return True
    if lowered in _FALSE_WORDS:
        return False
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


@dataclass(frozen=True, slots=True)
class Check:
    """A parsed check: `str()` of it reads `power.battery_soc > 0.5`, `fdir.mode == 'safe'`."""

    name: str
    op: str
    expected: Scalar

    @property
    def condition(self) -> str:
        """The test without the name, `> 0.5`: how a predicate on the value prints."""
        return f"{self.op} {self.expected!r}"

    def holds_for(self, value: Any) -> bool:
        """Whether `value` meets the check; a value never received (None) never does.

        Raises:
            CheckError: the value and the expected one cannot be compared (a string and a
                number by `<`, say).
        """
        if value is None:
            return False
        try:
            return bool(COMPARISONS[self.op](value, self.expected))
        except TypeError:
            raise CheckError(
                f"cannot compare {self.name} = {value!r} with {self.expected!r}; "
                "quote a string value, leave a number unquoted"
            ) from None

    def __str__(self) -> str:
        return f"{self.name} {self.condition}"


def parse_check(expression: str) -> Check:
    """Read `SUBSYSTEM.PARAM OP VALUE` by the rules in this module's docstring.

    Raises:
        CheckError: the expression cannot be read; the message says what is wrong and how to
            write one.
    """
    parts = _PARTS.fullmatch(expression)
    if parts is None:  # pragma: no cover - the pattern matches every string
        raise _cannot_read(expression, "")
    name, op, text = parts["name"], parts["op"], parts["value"]
    if not name:
        raise _cannot_read(expression, "it has no parameter name")
    if not is_parameter_name(name):
        raise _cannot_read(expression, f"{name!r} is not a full parameter name")
    if not op:
        raise _cannot_read(expression, "it has no comparison")
    if op not in COMPARISONS:
        raise _cannot_read(expression, f"{op!r} is not a comparison")
    if not text:
        raise _cannot_read(expression, f"it has no value after {op}")
    return Check(name, op, _value(expression, text))


def _value(expression: str, text: str) -> Scalar:
    quote = text[0]
    if quote in _QUOTES:
        if len(text) < 2 or text[-1] != quote or quote in text[1:-1]:
            raise _cannot_read(expression, f"the quote {quote} of its value is not closed")
        return text[1:-1]
    if any(character.isspace() or character in _QUOTES for character in text):
        raise _cannot_read(expression, f"its value {text!r} has spaces or quotes: quote it")
    return parse_value(text)


def _cannot_read(expression: str, why: str) -> CheckError:
    return CheckError(f"cannot read the check {expression!r}: {why}; {HOW_TO_WRITE}")
