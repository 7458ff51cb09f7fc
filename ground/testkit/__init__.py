"""The hardware-in-the-loop test kit: a pytest plugin, an operator-style API and scenarios.

Tests and scenarios use `HilApi` (through the `hil` and `hil_shared` fixtures of `plugin`), the
predicates below, and catch `HilFailure` (a failed check, also an AssertionError).
"""

from ground.errors import CommandFailed, HilFailure, HilTimeout
from ground.testkit.api import HilApi
from ground.testkit.predicates import (
    Predicate,
    all_of,
    any_of,
    anything,
    as_predicate,
    at_least,
    at_most,
    changed,
    close_to,
    equal_to,
    greater_than,
    is_false,
    is_not,
    is_one_of,
    is_true,
    less_than,
    not_equal_to,
    outside_range,
    within_range,
)

__all__ = [
    "CommandFailed",
    "HilApi",
    "HilFailure",
    "HilTimeout",
    "Predicate",
    "all_of",
    "any_of",
    "anything",
    "as_predicate",
    "at_least",
    "at_most",
    "changed",
    "close_to",
    "equal_to",
    "greater_than",
    "is_false",
    "is_not",
    "is_one_of",
    "is_true",
    "less_than",
    "not_equal_to",
    "outside_range",
    "within_range",
]
