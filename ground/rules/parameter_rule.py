"""ParameterRule and its RuleOptions: persistence, staleness and modes, shared by one-parameter rules.

Every one-parameter rule takes the same options, as one frozen `RuleOptions` value (the loader
reads them from a rule's table once). Three mechanisms:

- persistence (COSMOS): a state change needs `persistence` samples in a row that disagree with
  the current state; the rule then takes the state of the latest one. Returning to GREEN needs
  the same, so a value hovering on a limit does not flap.
- staleness: with `stale_after_s`, no valid sample for longer than that makes the rule STALE at
  the next `tick`. The first fresh sample ends STALE at once (it is better knowledge than none).
  A parameter never received goes STALE `stale_after_s` after the engine's first call.
- modes: with `modes`, the rule only runs while `mode_parameter` (default `fdir.mode`) holds one
  of them; leaving them puts the rule back to GREEN, because its condition no longer applies.
  An unknown mode (no mode sample yet) counts as enabled: better an alarm too many.

Values a numeric rule cannot compare (strings, NaN) are ignored: they neither move the state
nor refresh staleness, so a parameter delivering only garbage ends up STALE.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from numbers import Real
from typing import TypeGuard

from ground.dictionary import is_parameter_name
from ground.rules.engine import (
    DEFAULT_MODE_PARAMETER,
    UNMOVED,
    Memory,
    Quiet,
    Rule,
    RuleTransition,
    Scalar,
    format_value,
    refuse,
)
from ground.vocabulary import AlarmSeverity, RuleState

_RULE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")
# Exact types checked first: isinstance against the numbers ABC costs several times more.
_PLAIN_NUMBERS = frozenset({float, int, bool})

GREEN = RuleState.GREEN
STALE = RuleState.STALE
VIOLATED = RuleState.VIOLATED


def is_number(value: object) -> TypeGuard[float]:
    """True for a comparable number: int, float, bool or numpy scalars, but not NaN."""
    if value.__class__ not in _PLAIN_NUMBERS and not isinstance(value, Real):
        return False
    return value == value  # NaN is the one number unequal to itself


def for_samples(persistence: int) -> str:
    return "" if persistence == 1 else f" for {persistence} samples"


@dataclass(frozen=True, slots=True)
class RuleOptions:
    """What a one-parameter rule may be given besides its own test (the mechanisms above).

    Attributes:
        persistence: samples in a row that must point to a new state before the rule takes it.
        stale_after_s: mission seconds without a valid sample before the rule is STALE; None
            for never (a staleness rule needs it).
        modes: the values of `mode_parameter` in which the rule runs; None for every mode.
        mode_parameter: the parameter that holds the mode (a rule file may name another).
        description: what the rule is for, in the operator's words.
    """

    persistence: int = 1
    stale_after_s: float | None = None
    modes: frozenset[str] | None = None
    mode_parameter: str = DEFAULT_MODE_PARAMETER
    description: str = ""

    def problem(self) -> tuple[str, str] | None:
        """The first (key, reason) that makes these options unusable, or None."""
        if self.persistence < 1:
            return "persistence", f"persistence {self.persistence} must be at least 1"
        stale_s = self.stale_after_s
        if stale_s is not None and not (stale_s > 0 and math.isfinite(stale_s)):
            return "stale_after_s", f"stale_after_s {stale_s} must be > 0"
        if self.modes is not None and not self.modes:
            return "modes", "modes is empty; leave it out to run in every mode"
        return None


NO_OPTIONS = RuleOptions()
"""Persistence 1, no staleness, every mode, no description."""


def check_name(name: str) -> None:
    if not _RULE_NAME.fullmatch(name):
        raise refuse(
            name or "?", "name", f"bad rule name {name!r}: use letters, digits, _ . - only"
        )


class ParameterRule(Rule):
    """Base of the rules that sample one parameter: persistence, staleness and modes."""

    __slots__ = (
        "_count",
        "_enabled",
        "_last_sample_s",
        "_mode",
        "options",
        "persistence",
        "stale_after_s",
    )

    def __init__(
        self,
        name: str,
        severity: AlarmSeverity,
        parameter: str,
        options: RuleOptions = NO_OPTIONS,
    ) -> None:
        check_name(name)
        super().__init__(name, severity, options.description)
        if not is_parameter_name(parameter):
            raise refuse(name, "parameter", f"bad parameter {parameter!r}: use subsystem.param")
        problem = options.problem()
        if problem is not None:
            raise refuse(name, *problem)
        self.parameter = parameter
        self.options = options
        # Read on every sample and every tick: kept as the rule's own slots, one lookup each.
        self.persistence = options.persistence
        self.stale_after_s = options.stale_after_s
        self.watches_staleness = options.stale_after_s is not None
        if options.modes is not None:
            self.mode_parameter = options.mode_parameter
        self._count = 0
        self._enabled = True
        self._mode: Scalar | None = None
        self._last_sample_s = 0.0

    def sample(self, time_s: float, value: Scalar) -> RuleTransition | None:
        if not self._enabled:
            return None
        judged = self.judge(time_s, value)
        if judged is None:
            return None
        self._last_sample_s = time_s
        if judged is self.state:
            self._count = 0
            return None
        if self.state is not STALE:
            self._count += 1
            if self._count < self.persistence:
                return None
        self._count = 0
        return self.move_to(time_s, judged, value)

    def judge(self, time_s: float, value: Scalar) -> RuleState | None:
        """The state this one sample points to, or None if the value cannot be judged.

        It may change the rule only through `remember` (what `judge_next` returns): `quiet`
        judges a column with `judge_next`, which must leave the rule as it was."""
        raise NotImplementedError

    def judge_next(
        self, memory: Memory, time_s: float, value: Scalar
    ) -> tuple[RuleState | None, Memory]:
        """`judge` without changing the rule: the state the sample points to, and what the
        kind remembers after it, given what it remembered before (`memory`)."""
        return self.judge(time_s, value), memory

    def memory(self) -> Memory:
        """What the kind remembers of the samples it took (a delta rule: the last one)."""
        return None

    def remember(self, memory: Memory) -> None:
        """Keep `memory` (from `judge_next`) as what the kind remembers."""

    def quiet(self, times_s: Sequence[float], values: Sequence[Scalar]) -> Quiet | None:
        # As `sample` on each in turn: a sample judged as the state is stands; one judged
        # otherwise would start a count or move the state.
        if not self._enabled:
            return UNMOVED
        state = self.state
        judge_next = self.judge_next
        memory = self.memory()
        last_sample_s = None
        for time_s, value in zip(times_s, values, strict=True):
            judged, memory = judge_next(memory, time_s, value)
            if judged is None:
                continue
            if judged is not state:
                return None
            last_sample_s = time_s
        return UNMOVED if last_sample_s is None else Quiet(last_sample_s, memory)

    def settle(self, quiet: Quiet) -> None:
        if quiet.last_sample_s is not None:
            self._count = 0
            self._last_sample_s = quiet.last_sample_s
            self.remember(quiet.memory)

    def set_mode(self, time_s: float, mode: Scalar) -> RuleTransition | None:
        if mode == self._mode:
            return None
        self._mode = mode
        self.mode_changed(mode)
        modes = self.options.modes
        enabled = modes is None or mode in modes
        if enabled == self._enabled:
            return None
        self._enabled = enabled
        self._count = 0
        if enabled:
            self.arm(time_s)
            return None
        if self.state is GREEN:
            return None
        return self.move_to(time_s, GREEN, None)

    def mode_changed(self, mode: Scalar) -> None:
        """Hook for rules whose thresholds depend on the mode."""

    def arm(self, time_s: float) -> None:
        self._last_sample_s = time_s

    def tick(self, time_s: float) -> RuleTransition | None:
        if not self._enabled or self.state is STALE or self.stale_after_s is None:
            return None
        if time_s - self._last_sample_s <= self.stale_after_s:
            return None
        self._count = 0
        return self.move_to(time_s, STALE, None)

    def stale_condition(self) -> str:
        return f"no update of {self.parameter} for {format_value(self.stale_after_s or 0.0)} s"

    def with_staleness(self, text: str) -> str:
        """Append the staleness clause to a full condition, when the rule has one."""
        return text if self.stale_after_s is None else f"{text}, or {self.stale_condition()}"
