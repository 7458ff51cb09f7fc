"""Read rules from a TOML file, refusing bad ones with the file, the key and the reason.

The format is documented at the top of `configs/rules/leo_smallsat.toml`. Keys are checked
against each kind's list, so a misspelt key is an error rather than a silently ignored limit.
The file itself is read as a mission config is (`flightsw.config.read_toml`: size, text,
nesting, finite numbers), and every number and string is held to a range.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any

from flightsw.config import ConfigError, read_toml, suggest
from flightsw.icd import FLOAT_MAX, MAX_STEP_S, NAME_CHARS, TEXT_CHARS
from ground.errors import RuleError
from ground.rules.engine import (
    CODE_SOURCE,
    DEFAULT_MODE_PARAMETER,
    Rule,
    order_combinations,
)
from ground.rules.kinds import (
    CombinationRule,
    DeltaRule,
    ExpectedRule,
    LimitBands,
    LimitRule,
    StalenessRule,
)
from ground.rules.parameter_rule import RuleOptions
from ground.vocabulary import AlarmSeverity

_BAND_KEYS = frozenset(f.name for f in fields(LimitBands))
_COMMON_KEYS = frozenset({"name", "kind", "severity", "description"})
_PARAMETER_KEYS = _COMMON_KEYS | {"parameter", "persistence", "stale_after_s", "modes"}
_KEYS_BY_KIND: Mapping[str, frozenset[str]] = {
    LimitRule.kind: _PARAMETER_KEYS | _BAND_KEYS | {"yellow_severity", "limits"},
    DeltaRule.kind: _PARAMETER_KEYS | {"max_delta", "per"},
    ExpectedRule.kind: _PARAMETER_KEYS | {"expected"},
    StalenessRule.kind: _COMMON_KEYS | {"parameter", "stale_after_s", "modes"},
    CombinationRule.kind: _COMMON_KEYS | {"operator", "operands"},
}
_TOP_LEVEL_KEYS = frozenset({"mode_parameter", "rule"})
_MISSING = object()
_DOTTED_NAME_CHARS = 2 * NAME_CHARS + 1  # `subsystem.parameter`
_MAX_LIST_ITEMS = 100  # modes, operands, expected values
_MAX_PERSISTENCE = 10_000  # samples in a row


class _Table:
    """One TOML table with typed getters whose errors name the file and the dotted key."""

    def __init__(self, data: Mapping[str, Any], path: str, prefix: str) -> None:
        self.data = data
        self.path = path
        self.prefix = prefix

    def error(self, key: str, reason: str) -> RuleError:
        return RuleError(self.path, f"{self.prefix}.{key}" if self.prefix else key, reason)

    def refuse_unknown_keys(self, allowed: frozenset[str], what: str) -> None:
        for key in self.data:
            if key not in allowed:
                raise self.error(key, f"unknown key for {what}; {suggest(key, allowed)}")

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = _MISSING) -> Any:
        if key not in self.data:
            if default is _MISSING:
                raise self.error(key, "is missing")
            return default
        value = self.data[key]
        # bool is an int in Python, but `persistence = true` is a mistake, not 1.
        if isinstance(value, bool) and bool not in _as_tuple(kind):
            value = None
        if not isinstance(value, kind):
            names = " or ".join(t.__name__ for t in _as_tuple(kind))
            raise self.error(key, f"expected {names}, found {self.data[key]!r}")
        return value

    def number(
        self,
        key: str,
        default: Any = _MISSING,
        minimum: float = -FLOAT_MAX,
        maximum: float = FLOAT_MAX,
        unit: str = "",
    ) -> Any:
        """A finite number in [minimum, maximum]; limits are in the parameter's own unit."""
        value = self.get(key, (int, float), default)
        if value is default:
            return value
        in_unit = f" {unit}" if unit else ""
        if not minimum <= value <= maximum:  # NaN fails both comparisons
            raise self.error(
                key, f"expected a number from {minimum:g} to {maximum:g}{in_unit}, found {value:g}"
            )
        return float(value)

    def text(self, key: str, default: Any = _MISSING, max_chars: int = NAME_CHARS) -> Any:
        value = self.get(key, str, default)
        if value is not default and len(value) > max_chars:
            raise self.error(key, f"expected at most {max_chars} characters, found {len(value)}")
        return value

    def str_list(self, key: str, default: Any = _MISSING, max_chars: int = NAME_CHARS) -> Any:
        value = self.get(key, list, default)
        if value is default:
            return value
        if len(value) > _MAX_LIST_ITEMS or not all(
            isinstance(item, str) and len(item) <= max_chars for item in value
        ):
            raise self.error(
                key,
                f"expected a list of at most {_MAX_LIST_ITEMS} strings of at most {max_chars} "
                f"characters, found {value!r:.80}",
            )
        return value

    def severity(self, key: str, default: Any = _MISSING) -> Any:
        text = self.get(key, str, default)
        if text is default:
            return text
        try:
            return AlarmSeverity.parse(text)
        except ValueError as exc:
            raise self.error(key, str(exc)) from None

    def table(self, key: str) -> _Table | None:
        value = self.get(key, dict, None)
        return None if value is None else _Table(value, self.path, f"{self.prefix}.{key}")


def _as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def load_rules(path: str | Path) -> list[Rule]:
    """Read and check every rule in a TOML rule file.

    Raises:
        RuleError: naming the file, the key and the reason, for the first problem found.
    """
    shown = str(path)
    try:
        data = read_toml(Path(path), what="a rule file")
    except ConfigError as exc:
        raise RuleError(exc.path, exc.key, exc.reason) from None
    top = _Table(data, shown, "")
    top.refuse_unknown_keys(_TOP_LEVEL_KEYS, "a rule file")
    mode_parameter = top.text("mode_parameter", DEFAULT_MODE_PARAMETER, _DOTTED_NAME_CHARS)
    tables = top.get("rule", list, [])
    if not tables:
        raise top.error("rule", "no [[rule]] tables; a rule file needs at least one rule")
    rules = [_read_rule(item, shown, index, mode_parameter) for index, item in enumerate(tables)]
    try:
        order_combinations(rules)
    except RuleError as exc:
        raise _relabel(exc, shown) from None
    return rules


def _relabel(exc: RuleError, path: str) -> RuleError:
    """A constructor's error (keyed `name.field`) re-labelled with the file and `rule.`."""
    if exc.path != CODE_SOURCE:
        return exc
    return RuleError(path, f"rule.{exc.key}", exc.reason)


def _read_rule(item: Any, path: str, index: int, mode_parameter: str) -> Rule:
    if not isinstance(item, dict):
        raise RuleError(path, f"rule[{index}]", "expected a table; write [[rule]]")
    name = _Table(item, path, f"rule[{index}]").text("name")
    table = _Table(item, path, f"rule.{name}")
    kind = table.text("kind")
    reader = _READERS.get(kind)
    if reader is None:
        raise table.error("kind", f"unknown kind {kind!r}; {suggest(kind, _READERS, 'kinds')}")
    table.refuse_unknown_keys(_KEYS_BY_KIND[kind], f"a {kind} rule")
    severity = table.severity("severity")
    try:
        return reader(table, name, severity, _options(table, mode_parameter))
    except RuleError as exc:
        raise _relabel(exc, path) from None


def _options(table: _Table, mode_parameter: str) -> RuleOptions:
    """A rule's options; keys its kind does not take were refused already, so they are absent."""
    modes = table.str_list("modes", None)
    persistence = table.get("persistence", int, 1)
    if persistence > _MAX_PERSISTENCE:
        raise table.error("persistence", f"expected at most {_MAX_PERSISTENCE} samples")
    return RuleOptions(
        persistence=persistence,
        stale_after_s=table.number("stale_after_s", None, 0.0, MAX_STEP_S, "s"),
        modes=None if modes is None else frozenset(modes),
        mode_parameter=mode_parameter,
        description=table.text("description", "", TEXT_CHARS),
    )


def _bands(table: _Table, base: LimitBands | None = None) -> LimitBands:
    given = {key: table.number(key) for key in _BAND_KEYS if key in table.data}
    if base is None:
        return LimitBands(**given)
    return LimitBands(**{f.name: given.get(f.name, getattr(base, f.name)) for f in fields(base)})


def _read_limit(table: _Table, name: str, severity: AlarmSeverity, options: RuleOptions) -> Rule:
    bands = _bands(table)
    by_mode: dict[str, LimitBands] = {}
    limits = table.table("limits")
    if limits is not None:
        for mode in limits.data:
            mode_table = limits.table(mode)
            if mode_table is None:  # pragma: no cover - table() only returns None when absent
                continue
            mode_table.refuse_unknown_keys(_BAND_KEYS, "per-mode limits")
            by_mode[mode] = _bands(mode_table, base=bands)
    return LimitRule(
        name,
        severity,
        table.text("parameter", max_chars=_DOTTED_NAME_CHARS),
        bands,
        limits_by_mode=by_mode,
        yellow_severity=table.severity("yellow_severity", None),
        options=options,
    )


def _read_delta(table: _Table, name: str, severity: AlarmSeverity, options: RuleOptions) -> Rule:
    per = table.text("per", "sample")
    if per not in ("sample", "second"):
        raise table.error("per", f"per must be 'sample' or 'second', not {per!r}")
    return DeltaRule(
        name,
        severity,
        table.text("parameter", max_chars=_DOTTED_NAME_CHARS),
        table.number("max_delta"),
        per_second=per == "second",
        options=options,
    )


def _read_expected(table: _Table, name: str, severity: AlarmSeverity, options: RuleOptions) -> Rule:
    expected = table.get("expected", (bool, int, float, str, list))
    values = expected if isinstance(expected, list) else [expected]
    if len(values) > _MAX_LIST_ITEMS:
        raise table.error("expected", f"expected at most {_MAX_LIST_ITEMS} values")
    for value in values:
        if not isinstance(value, bool | int | float | str):
            raise table.error("expected", f"expected values must be scalars, found {value!r:.80}")
    parameter = table.text("parameter", max_chars=_DOTTED_NAME_CHARS)
    return ExpectedRule(name, severity, parameter, values, options=options)


def _read_staleness(
    table: _Table, name: str, severity: AlarmSeverity, options: RuleOptions
) -> Rule:
    table.number("stale_after_s")  # required here: "is missing" names the key
    parameter = table.text("parameter", max_chars=_DOTTED_NAME_CHARS)
    return StalenessRule(name, severity, parameter, options=options)


def _read_combination(
    table: _Table, name: str, severity: AlarmSeverity, options: RuleOptions
) -> Rule:
    return CombinationRule(
        name,
        severity,
        table.text("operator"),
        table.str_list("operands"),
        description=options.description,
    )


_READERS: Mapping[str, Callable[[_Table, str, AlarmSeverity, RuleOptions], Rule]] = {
    LimitRule.kind: _read_limit,
    DeltaRule.kind: _read_delta,
    ExpectedRule.kind: _read_expected,
    StalenessRule.kind: _read_staleness,
    CombinationRule.kind: _read_combination,
}
