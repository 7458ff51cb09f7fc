"""COSMOS-style check expressions: `"power.battery_soc > 0.5"`, `"fdir.mode == 'safe'"`.

A quoted value is always a string (`'off'`, `'1'`); unquoted, true/false/on/off are booleans and
digits are numbers.
"""

from __future__ import annotations

import shlex

from ground.console.words import COMPARISONS, parse_value
from ground.testkit.predicates import Predicate

USAGE = "write a check as 'SUBSYSTEM.PARAM OP VALUE', OP one of == != < <= > >="


def parse_check(expression: str) -> tuple[str, Predicate]:
    """The parameter name and the predicate of a check expression; ValueError says how to write it."""
    try:
        words = shlex.split(expression, posix=False)  # keeps the quotes: 'off' stays a string
    except ValueError as error:
        raise ValueError(f"cannot read check {expression!r}: {error}; {USAGE}") from None
    if len(words) != 3 or words[1] not in COMPARISONS or "." not in words[0]:
        raise ValueError(f"cannot read check {expression!r}; {USAGE}")
    name, symbol, text = words
    quoted = len(text) >= 2 and text[0] == text[-1] and text[0] in "'\""
    expected = text[1:-1] if quoted else parse_value(text)
    compare = COMPARISONS[symbol]
    return name, Predicate(lambda value: compare(value, expected), f"{symbol} {expected!r}")
