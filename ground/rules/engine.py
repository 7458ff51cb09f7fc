"""Rule values (severity, state, transition), the Rule base class and the RuleEngine that runs them.

The engine is a pure library: no sockets, no threads, no clock. Every call is given the mission
time `time_s`. The rule kinds themselves (limit, delta, expected, staleness, combination) live in
`ground.rules.kinds`; rule files are read by `ground.rules.loader`.

Terms follow OpenC3 COSMOS for limits (states RED_LOW … GREEN … RED_HIGH, STALE, persistence)
and Yamcs / ISA-18.2 for severities (WATCH … SEVERE).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

from flightsw.icd import Scalar
from ground.errors import RuleError
from ground.vocabulary import AlarmSeverity, RuleState

CODE_SOURCE = "<rules>"
"""The `path` of a RuleError raised for rules built in code rather than read from a file."""

DEFAULT_MODE_PARAMETER = "fdir.mode"
"""The parameter holding the spacecraft mode, which selects per-mode limits and enables rules."""


@dataclass(frozen=True, slots=True)
class RuleTransition:
    """A rule changed state; `severity` is None when it went back to GREEN."""

    rule: str
    time_s: float
    old_state: RuleState
    new_state: RuleState
    value: Scalar | None
    severity: AlarmSeverity | None
    condition: str

    def to_dict(self) -> dict[str, Any]:
        """Plain types only, for msgpack or JSON."""
        return {
            "rule": self.rule,
            "time_s": self.time_s,
            "old_state": self.old_state.value,
            "new_state": self.new_state.value,
            "value": self.value,
            "severity": None if self.severity is None else self.severity.label,
            "condition": self.condition,
        }


Report: TypeAlias = tuple[float, str, Mapping[str, Scalar]]
"""One subsystem's housekeeping report: its mission time, the subsystem, and its parameters
(names without the `subsystem.` prefix)."""


Memory: TypeAlias = tuple[float, float] | None
"""What a rule kind remembers of its last sample (a delta rule: its value and time)."""


@dataclass(frozen=True, slots=True)
class Quiet:
    """What a column of samples leaves in a rule that none of them moves (`Rule.quiet`).

    Attributes:
        last_sample_s: the time of the last sample the rule could judge; None if it could judge
            none (they refresh nothing).
        memory: what the kind keeps of its last sample (a delta rule's value and time), if any.
    """

    last_sample_s: float | None
    memory: Memory = None


UNMOVED = Quiet(None)
"""A column the rule takes no notice of (it is disabled in this mode)."""


def format_value(value: Scalar) -> str:
    """Render a limit or an expected value the way a rule file would spell it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, float) and value.is_integer() and math.isfinite(value):
        return str(int(value))
    return repr(value)


def refuse(rule_name: str, key: str, reason: str) -> RuleError:
    """A RuleError for a rule built in code; the loader re-labels it with its file."""
    return RuleError(CODE_SOURCE, f"{rule_name}.{key}", reason)


class Rule:
    """One named check the engine runs.

    Subclasses fill in what the engine indexes them by: `parameter` (the one telemetry
    parameter they sample, None for combinations), `operands` (rule names a combination reads),
    `mode_parameter` (None when the mode does not matter) and `watches_staleness`.
    """

    kind = ""  # its `kind` in a rules file (each kind says)

    __slots__ = (
        "description",
        "mode_parameter",
        "name",
        "operands",
        "parameter",
        "severity",
        "state",
        "watches_staleness",
    )

    def __init__(self, name: str, severity: AlarmSeverity, description: str = "") -> None:
        self.name = name
        self.severity = severity
        self.description = description
        self.state = RuleState.GREEN
        self.parameter: str | None = None
        self.operands: tuple[str, ...] = ()
        self.mode_parameter: str | None = None
        self.watches_staleness = False

    def condition(self, state: RuleState | None = None) -> str:
        """The violation condition as text; for a given `state`, the part that leads there."""
        raise NotImplementedError

    def severity_of(self, state: RuleState) -> AlarmSeverity | None:
        """The severity an alarm gets when the rule is in `state` (None for GREEN)."""
        return None if state is RuleState.GREEN else self.severity

    def sample(self, time_s: float, value: Scalar) -> RuleTransition | None:
        """Take one fresh value of `parameter`; return a transition if the state changed."""
        return None

    def set_mode(self, time_s: float, mode: Scalar) -> RuleTransition | None:
        """Take the current value of `mode_parameter`."""
        return None

    def arm(self, time_s: float) -> None:
        """Start the staleness clock: the engine's first call, or the rule's re-enabling."""

    def tick(self, time_s: float) -> RuleTransition | None:
        """Check for staleness at `time_s`."""
        return None

    def quiet(self, times_s: Sequence[float], values: Sequence[Scalar]) -> Quiet | None:
        """Whether a column of samples (in order) leaves the rule's state alone, without taking
        them: what they would leave behind if none moves the state or starts a persistence
        count, else None. A kind that cannot tell says None (its samples are taken one by one).
        """
        return None

    def settle(self, quiet: Quiet) -> None:
        """Take a column of samples that `quiet` found moves nothing."""

    def combine(self, time_s: float, operands: Sequence[Rule]) -> RuleTransition | None:
        """Re-evaluate from the operand rules' states (combinations only)."""
        return None

    def move_to(self, time_s: float, state: RuleState, value: Scalar | None) -> RuleTransition:
        """Change state and describe the change."""
        old = self.state
        self.state = state
        shown = None if state is RuleState.GREEN else state
        return RuleTransition(
            self.name, time_s, old, state, value, self.severity_of(state), self.condition(shown)
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}: {self.condition()} [{self.state}]>"


def order_combinations(rules: Sequence[Rule]) -> list[Rule]:
    """Check names and operands; return the combinations so that operands come first.

    Raises:
        RuleError: on a duplicate name, an operand naming no rule, or a cycle of combinations.
    """
    by_name: dict[str, Rule] = {}
    for rule in rules:
        if rule.name in by_name:
            raise refuse(rule.name, "name", f"duplicate rule name {rule.name!r}; names are unique")
        by_name[rule.name] = rule
    for rule in rules:
        for operand in rule.operands:
            if operand not in by_name:
                raise refuse(rule.name, "operands", f"operand {operand!r} names no rule")
    ordered: list[Rule] = []
    done: set[str] = set()
    for rule in rules:
        if rule.operands:
            _visit(rule, by_name, done, [], ordered)
    return ordered


def _visit(
    rule: Rule, by_name: Mapping[str, Rule], done: set[str], path: list[str], out: list[Rule]
) -> None:
    """Depth-first topological sort; `path` holds the combinations being visited."""
    if rule.name in done:
        return
    if rule.name in path:
        cycle = " -> ".join([*path[path.index(rule.name) :], rule.name])
        raise refuse(rule.name, "operands", f"combinations form a cycle: {cycle}")
    path.append(rule.name)
    for operand in rule.operands:
        child = by_name[operand]
        if child.operands:
            _visit(child, by_name, done, path, out)
    path.pop()
    done.add(rule.name)
    out.append(rule)


class RuleEngine:
    """Run rules over telemetry updates and staleness ticks; report every state change.

    `update` runs on every telemetry packet, so the work is indexed: a parameter finds its rules
    with one dict lookup, and combinations are only looked at when one of their operands moved.
    """

    def __init__(self, rules: Iterable[Rule]) -> None:
        """Index the rules.

        Raises:
            RuleError: on a duplicate name, an unknown operand or a cycle of combinations.
        """
        self._rules: tuple[Rule, ...] = tuple(rules)
        combinations = order_combinations(self._rules)
        self._by_name = {rule.name: rule for rule in self._rules}
        self._by_parameter = _group(
            (rule.parameter, rule) for rule in self._rules if rule.parameter is not None
        )
        self._mode_listeners = tuple(
            _group(
                (rule.mode_parameter, rule)
                for rule in self._rules
                if rule.mode_parameter is not None
            ).items()
        )
        self._stale_watchers = tuple(rule for rule in self._rules if rule.watches_staleness)
        # Per subsystem: (parameter without its prefix, its rules), so a housekeeping report
        # touches only the rules that read it without building full names.
        by_subsystem: dict[str, list[tuple[str, tuple[Rule, ...]]]] = {}
        for name, rules_of in self._by_parameter.items():
            subsystem, _, short = name.partition(".")
            by_subsystem.setdefault(subsystem, []).append((short, tuple(rules_of)))
        self._by_subsystem = {k: tuple(v) for k, v in by_subsystem.items()}
        self._combinations = tuple(
            (rule, tuple(self._by_name[name] for name in rule.operands)) for rule in combinations
        )
        # The mode parameters (full name, name in its report) each subsystem reports, and the
        # latest value of each the rules were given.
        mode_parameters: dict[str, list[tuple[str, str]]] = {}
        for name, _ in self._mode_listeners:
            subsystem, _, short = name.partition(".")
            mode_parameters.setdefault(subsystem, []).append((name, short))
        self._mode_parameters = {k: tuple(v) for k, v in mode_parameters.items()}
        self._modes: dict[str, Scalar] = {}
        self._started = False

    @property
    def rules(self) -> tuple[Rule, ...]:
        return self._rules

    def rule(self, name: str) -> Rule:
        """The rule called `name` (KeyError if there is none)."""
        return self._by_name[name]

    def states(self) -> dict[str, RuleState]:
        """Every rule's current state, by name."""
        return {rule.name: rule.state for rule in self._rules}

    def update(self, time_s: float, params: Mapping[str, Scalar]) -> list[RuleTransition]:
        """Feed one packet's parameters; return the rules that changed state, operands first."""
        changed: list[RuleTransition] = [] if self._started else self._start(time_s)
        # Modes first, so that a packet carrying both the mode and a value is judged by the
        # limits of the mode it reports.
        for mode_parameter, listeners in self._mode_listeners:
            mode = params.get(mode_parameter)
            if mode is not None:
                self._modes[mode_parameter] = mode
                for rule in listeners:
                    transition = rule.set_mode(time_s, mode)
                    if transition is not None:
                        changed.append(transition)
        by_parameter = self._by_parameter
        for name, value in params.items():
            rules = by_parameter.get(name)
            if rules is not None and value is not None:  # None: not in this packet
                _sample(rules, time_s, value, changed)
        if changed and self._combinations:
            self._cascade(time_s, changed)
        return changed

    def update_report(
        self, time_s: float, subsystem: str, params: Mapping[str, Scalar]
    ) -> list[RuleTransition]:
        """Feed one subsystem's housekeeping report (names without the `subsystem.` prefix).

        The same as `update` with full names, but it only visits the rules of that subsystem.
        """
        if not self._started or any(m.startswith(subsystem + ".") for m, _ in self._mode_listeners):
            return self.update(time_s, {f"{subsystem}.{k}": v for k, v in params.items()})
        changed: list[RuleTransition] = []
        for short, rules in self._by_subsystem.get(subsystem, ()):
            value = params.get(short)
            if value is not None:
                _sample(rules, time_s, value, changed)
        if changed and self._combinations:
            self._cascade(time_s, changed)
        return changed

    def update_reports(self, reports: Sequence[Report]) -> list[RuleTransition]:
        """Feed several reports, in order: the transitions `update_report` would return for
        each in turn, in the same order, each at its report's time.

        Judged column-wise: every rule is shown its parameter's values of the whole batch at
        once (`Rule.quiet`), and when none of them moves any rule, each rule takes its column
        (`Rule.settle`): nearly every batch, as alarms are rare. A batch in which one would
        move, or in which the mode changes, is fed report by report.
        """
        if len(reports) > 1 and self._started and not self._mode_moves(reports):
            settled = self._quiet_columns(reports)
            if settled is not None:
                for rule, quiet in settled:
                    rule.settle(quiet)
                return []
        changed: list[RuleTransition] = []
        for time_s, subsystem, params in reports:
            changed += self.update_report(time_s, subsystem, params)
        return changed

    def _quiet_columns(self, reports: Sequence[Report]) -> list[tuple[Rule, Quiet]] | None:
        """What each rule's column of the batch leaves behind, if no rule moves; else None."""
        columns: dict[tuple[str, str], tuple[tuple[Rule, ...], list[float], list[Scalar]]] = {}
        by_subsystem = self._by_subsystem
        for time_s, subsystem, params in reports:
            for short, rules in by_subsystem.get(subsystem, ()):
                value = params.get(short)
                if value is not None:
                    column = columns.get((subsystem, short))
                    if column is None:
                        column = columns[(subsystem, short)] = (rules, [], [])
                    column[1].append(time_s)
                    column[2].append(value)
        settled: list[tuple[Rule, Quiet]] = []
        for rules, times_s, values in columns.values():
            for rule in rules:
                quiet = rule.quiet(times_s, values)
                if quiet is None:
                    return None
                settled.append((rule, quiet))
        return settled

    def _mode_moves(self, reports: Sequence[Report]) -> bool:
        """Whether a report in the batch gives a mode parameter a value the rules were not last
        given (the rules that listen to it then change what they judge by)."""
        mode_parameters = self._mode_parameters
        modes = self._modes
        for _, subsystem, params in reports:
            for name, short in mode_parameters.get(subsystem, ()):
                mode = params.get(short)
                if mode is not None and (name not in modes or modes[name] != mode):
                    return True
        return False

    def tick(self, time_s: float) -> list[RuleTransition]:
        """Check staleness at `time_s`; call it periodically, since silence sends no packet."""
        changed: list[RuleTransition] = [] if self._started else self._start(time_s)
        for rule in self._stale_watchers:
            transition = rule.tick(time_s)
            if transition is not None:
                changed.append(transition)
        if changed and self._combinations:
            self._cascade(time_s, changed)
        return changed

    def _start(self, time_s: float) -> list[RuleTransition]:
        """Arm staleness clocks and settle combinations (a `not` holds from the start)."""
        self._started = True
        for rule in self._stale_watchers:
            rule.arm(time_s)
        changed: list[RuleTransition] = []
        for rule, operands in self._combinations:
            transition = rule.combine(time_s, operands)
            if transition is not None:
                changed.append(transition)
        return changed

    def _cascade(self, time_s: float, changed: list[RuleTransition]) -> None:
        """Re-evaluate combinations whose operands changed, in dependency order."""
        moved = {transition.rule for transition in changed}
        for rule, operands in self._combinations:
            if any(operand.name in moved for operand in operands):
                transition = rule.combine(time_s, operands)
                if transition is not None:
                    changed.append(transition)
                    moved.add(rule.name)


def _group(pairs: Iterable[tuple[str, Rule]]) -> dict[str, tuple[Rule, ...]]:
    """Rules by key, as tuples (iterated on every packet, never changed)."""
    grouped: dict[str, list[Rule]] = {}
    for key, rule in pairs:
        grouped.setdefault(key, []).append(rule)
    return {key: tuple(rules) for key, rules in grouped.items()}


def _sample(
    rules: Iterable[Rule], time_s: float, value: Scalar, changed: list[RuleTransition]
) -> None:
    """Give every rule of a parameter its new sample; collect the ones that changed state."""
    for rule in rules:
        transition = rule.sample(time_s, value)
        if transition is not None:
            changed.append(transition)
