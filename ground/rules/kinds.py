"""The rule kinds: limit, delta, expected, staleness (one parameter each) and combination.

Persistence, staleness and modes, every one-parameter kind's `RuleOptions`, are explained in
`ground.rules.parameter_rule`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields

from ground.rules.engine import (
    Memory,
    Rule,
    RuleTransition,
    Scalar,
    format_value,
    refuse,
)
from ground.rules.parameter_rule import (
    GREEN,
    NO_OPTIONS,
    STALE,
    VIOLATED,
    ParameterRule,
    RuleOptions,
    check_name,
    for_samples,
    is_number,
)
from ground.vocabulary import AlarmSeverity, RuleState

_INF = math.inf


@dataclass(frozen=True, slots=True)
class LimitBands:
    """COSMOS limits; a missing value means no limit on that side in that colour."""

    red_low: float | None = None
    yellow_low: float | None = None
    yellow_high: float | None = None
    red_high: float | None = None

    def problem(self) -> tuple[str, str] | None:
        """The first (key, reason) that makes these bands unusable, or None."""
        given = [(f.name, getattr(self, f.name)) for f in fields(self)]
        present = [(key, value) for key, value in given if value is not None]
        if not present:
            return "red_low", "a limit rule needs red_low, yellow_low, yellow_high or red_high"
        for key, value in present:
            if not math.isfinite(value):
                return key, f"{key} must be a finite number, not {value}"
        if self._outside(self.yellow_low, self.red_low, below=True):
            return "yellow_low", (
                f"yellow_low {self.yellow_low} is below red_low {self.red_low}; "
                "the yellow band must lie inside the red band"
            )
        if self._outside(self.yellow_high, self.red_high, below=False):
            return "yellow_high", (
                f"yellow_high {self.yellow_high} is above red_high {self.red_high}; "
                "the yellow band must lie inside the red band"
            )
        lows = [(k, v) for k, v in present if k.endswith("_low")]
        highs = [(k, v) for k, v in present if k.endswith("_high")]
        for low_key, low in lows:
            for high_key, high in highs:
                if low >= high:
                    return high_key, f"{high_key} {high} must be above {low_key} {low}"
        return None

    @staticmethod
    def _outside(yellow: float | None, red: float | None, *, below: bool) -> bool:
        if yellow is None or red is None:
            return False
        return yellow < red if below else yellow > red

    def describe(self, parameter: str) -> str:
        """E.g. `thermal.avionics_temp_c outside [0, 45] (yellow), > 55 (red)`."""
        parts = [
            _side_text(low, high, colour)
            for low, high, colour in (
                (self.yellow_low, self.yellow_high, "yellow"),
                (self.red_low, self.red_high, "red"),
            )
            if low is not None or high is not None
        ]
        return f"{parameter} {', '.join(parts)}"


def _side_text(low: float | None, high: float | None, colour: str) -> str:
    if low is not None and high is not None:
        return f"outside [{format_value(low)}, {format_value(high)}] ({colour})"
    if low is not None:
        return f"< {format_value(low)} ({colour})"
    return f"> {format_value(high or 0.0)} ({colour})"


class LimitRule(ParameterRule):
    """Yellow and red bands around a numeric parameter, optionally different per mode.

    Red states take the rule's severity, yellow states (and STALE: a stale value is doubt, not
    a known violation) take `yellow_severity`, by default one level milder.
    """

    kind = "limit"  # its `kind` in a rules file

    __slots__ = ("_bands", "_rh", "_rl", "_yh", "_yl", "bands", "limits_by_mode", "yellow_severity")

    def __init__(
        self,
        name: str,
        severity: AlarmSeverity,
        parameter: str,
        bands: LimitBands,
        *,
        yellow_severity: AlarmSeverity | None = None,
        limits_by_mode: Mapping[str, LimitBands] | None = None,
        options: RuleOptions = NO_OPTIONS,
    ) -> None:
        super().__init__(name, severity, parameter, options)
        self.bands = bands
        self.limits_by_mode = dict(limits_by_mode or {})
        self.yellow_severity = severity.one_lower() if yellow_severity is None else yellow_severity
        self._check_bands(bands, "")
        for mode, mode_bands in self.limits_by_mode.items():
            if options.modes is not None and mode not in options.modes:
                raise refuse(name, f"limits.{mode}", f"mode {mode!r} is not in modes: never used")
            self._check_bands(mode_bands, f"limits.{mode}.")
        if self.limits_by_mode:
            self.mode_parameter = options.mode_parameter
        self._use(bands)

    def _check_bands(self, bands: LimitBands, prefix: str) -> None:
        problem = bands.problem()
        if problem is not None:
            raise refuse(self.name, prefix + problem[0], problem[1])

    def _use(self, bands: LimitBands) -> None:
        # A missing yellow limit collapses onto the red one, so the sample test is four floats.
        self._bands = bands
        self._rl = -_INF if bands.red_low is None else bands.red_low
        self._rh = _INF if bands.red_high is None else bands.red_high
        self._yl = self._rl if bands.yellow_low is None else bands.yellow_low
        self._yh = self._rh if bands.yellow_high is None else bands.yellow_high

    @property
    def active_bands(self) -> LimitBands:
        """The bands in force: the current mode's, else the rule's own."""
        return self._bands

    def mode_changed(self, mode: Scalar) -> None:
        self._use(
            self.limits_by_mode.get(mode, self.bands) if isinstance(mode, str) else self.bands
        )

    def judge(self, time_s: float, value: Scalar) -> RuleState | None:
        # Floats are nearly every sample: test them inline, the rest through is_number.
        if value.__class__ is float:
            if value != value:  # NaN
                return None
        elif not is_number(value):
            return None
        if value < self._yl:
            return RuleState.RED_LOW if value < self._rl else RuleState.YELLOW_LOW
        if value > self._yh:
            return RuleState.RED_HIGH if value > self._rh else RuleState.YELLOW_HIGH
        return GREEN

    def severity_of(self, state: RuleState) -> AlarmSeverity | None:
        if state is GREEN:
            return None
        if state is RuleState.RED_LOW or state is RuleState.RED_HIGH:
            return self.severity
        return self.yellow_severity

    def condition(self, state: RuleState | None = None) -> str:
        if state is STALE:
            return self.stale_condition()
        bands = self._bands
        in_mode = f" in mode {self._mode}" if bands is not self.bands else ""
        tail = f"{for_samples(self.persistence)}{in_mode}"
        spec = None if state is None else _LIMIT_OF_STATE.get(state)
        threshold = None if spec is None else getattr(bands, spec[1])
        if spec is None or threshold is None:
            return self.with_staleness(f"{bands.describe(str(self.parameter))}{tail}")
        op, _, colour = spec
        return f"{self.parameter} {op} {format_value(threshold)} ({colour}){tail}"


# Which limit a violated state crossed: (operator, LimitBands field, colour).
_LIMIT_OF_STATE = {
    RuleState.RED_LOW: ("<", "red_low", "red"),
    RuleState.YELLOW_LOW: ("<", "yellow_low", "yellow"),
    RuleState.YELLOW_HIGH: (">", "yellow_high", "yellow"),
    RuleState.RED_HIGH: (">", "red_high", "red"),
}


class DeltaRule(ParameterRule):
    """The change between consecutive samples, per sample or per second, above a threshold."""

    kind = "delta"  # its `kind` in a rules file

    __slots__ = ("_previous", "max_delta", "per_second")

    def __init__(
        self,
        name: str,
        severity: AlarmSeverity,
        parameter: str,
        max_delta: float,
        *,
        per_second: bool = False,
        options: RuleOptions = NO_OPTIONS,
    ) -> None:
        super().__init__(name, severity, parameter, options)
        if not (max_delta > 0 and math.isfinite(max_delta)):
            raise refuse(name, "max_delta", f"max_delta {max_delta} must be a number > 0")
        self.max_delta = max_delta
        self.per_second = per_second
        self._previous: Memory = None  # the last sample's value and time

    def judge(self, time_s: float, value: Scalar) -> RuleState | None:
        judged, memory = self.judge_next(self.memory(), time_s, value)
        self.remember(memory)
        return judged

    def judge_next(
        self, memory: Memory, time_s: float, value: Scalar
    ) -> tuple[RuleState | None, Memory]:
        if not is_number(value):
            return None, memory
        if memory is None:
            return (self.state if self.state is not STALE else GREEN), (float(value), time_s)
        previous, previous_s = memory
        change = abs(float(value) - previous)
        if self.per_second:
            dt_s = time_s - previous_s
            if dt_s <= 0:
                # Same time stamp: keep the older sample so the next rate spans a real interval.
                return (self.state if self.state is not STALE else GREEN), memory
            change /= dt_s
        return (VIOLATED if change > self.max_delta else GREEN), (float(value), time_s)

    def memory(self) -> Memory:
        return self._previous

    def remember(self, memory: Memory) -> None:
        self._previous = memory

    def set_mode(self, time_s: float, mode: Scalar) -> RuleTransition | None:
        transition = super().set_mode(time_s, mode)
        if not self._enabled:
            self._previous = None  # a rate across a disabled stretch means nothing
        return transition

    def condition(self, state: RuleState | None = None) -> str:
        if state is STALE:
            return self.stale_condition()
        per = "per s" if self.per_second else "per sample"
        text = (
            f"{self.parameter} changes by more than {format_value(self.max_delta)} {per}"
            f"{for_samples(self.persistence)}"
        )
        return text if state is not None else self.with_staleness(text)


class ExpectedRule(ParameterRule):
    """The parameter must equal a value, or be one of a set of values."""

    kind = "expected"  # its `kind` in a rules file

    __slots__ = ("_allowed", "expected")

    def __init__(
        self,
        name: str,
        severity: AlarmSeverity,
        parameter: str,
        expected: Scalar | Iterable[Scalar],
        *,
        options: RuleOptions = NO_OPTIONS,
    ) -> None:
        super().__init__(name, severity, parameter, options)
        values = (expected,) if isinstance(expected, float | int | bool | str) else tuple(expected)
        if not values:
            raise refuse(name, "expected", "expected is empty; give a value or a list of values")
        self.expected: tuple[Scalar, ...] = values
        self._allowed = frozenset(values)

    def judge(self, time_s: float, value: Scalar) -> RuleState | None:
        return GREEN if value in self._allowed else VIOLATED

    def condition(self, state: RuleState | None = None) -> str:
        if state is STALE:
            return self.stale_condition()
        if len(self.expected) == 1:
            test = f"!= {format_value(self.expected[0])}"
        else:
            test = f"not in {{{', '.join(format_value(v) for v in self.expected)}}}"
        text = f"{self.parameter} {test}{for_samples(self.persistence)}"
        return text if state is not None else self.with_staleness(text)


class StalenessRule(ParameterRule):
    """No sample of the parameter (of any value) for more than its options' `stale_after_s`."""

    kind = "staleness"  # its `kind` in a rules file

    __slots__ = ()

    def __init__(
        self,
        name: str,
        severity: AlarmSeverity,
        parameter: str,
        *,
        options: RuleOptions,
    ) -> None:
        super().__init__(name, severity, parameter, options)
        if options.stale_after_s is None:
            raise refuse(name, "stale_after_s", "a staleness rule needs stale_after_s")

    def judge(self, time_s: float, value: Scalar) -> RuleState | None:
        return GREEN  # any sample at all is the news this rule waits for

    def condition(self, state: RuleState | None = None) -> str:
        return self.stale_condition()


COMBINATION_OPERATORS = ("all", "any", "not")


class CombinationRule(Rule):
    """`all`, `any` or `not` over other rules, each violated when it is not GREEN.

    No persistence of its own: its operands already have theirs.
    """

    kind = "combination"  # its `kind` in a rules file

    __slots__ = ("operator",)

    def __init__(
        self,
        name: str,
        severity: AlarmSeverity,
        operator: str,
        operands: Sequence[str],
        *,
        description: str = "",
    ) -> None:
        check_name(name)
        super().__init__(name, severity, description)
        if operator not in COMBINATION_OPERATORS:
            raise refuse(
                name,
                "operator",
                f"unknown operator {operator!r}; use one of {', '.join(COMBINATION_OPERATORS)}",
            )
        if not operands:
            raise refuse(name, "operands", "a combination needs at least one operand")
        if operator == "not" and len(operands) != 1:
            raise refuse(name, "operands", f"not takes one operand, not {len(operands)}")
        if name in operands:
            raise refuse(name, "operands", "a combination cannot read itself")
        self.operator = operator
        self.operands = tuple(operands)

    def combine(self, time_s: float, operands: Sequence[Rule]) -> RuleTransition | None:
        if self.operator == "any":
            holds = any(rule.state is not GREEN for rule in operands)
        elif self.operator == "all":
            holds = all(rule.state is not GREEN for rule in operands)
        else:
            holds = operands[0].state is GREEN
        state = VIOLATED if holds else GREEN
        return None if state is self.state else self.move_to(time_s, state, None)

    def condition(self, state: RuleState | None = None) -> str:
        return f"{self.operator}({', '.join(self.operands)})"
