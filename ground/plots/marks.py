"""What a plot of a parameter draws besides its samples: its limits, its alarms, the commands
sent and the faults injected, read from the run's archive.

The limits are the ones the ground judged by: it archives every rule of the run, with a limit
rule's bands (meta `rules_judged`, written as each run starts). Alarm spans run from an alarm's
`triggered` to its `returned` or `cleared` (or the end of the range when still raised), on the
plot of its rule's parameter, in its severity's colour. A rule with a mode's own bands has those
drawn too, apart (the run's mode history is in its telemetry, not here).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ground.archive.schema import RULES_JUDGED
from ground.archive.store import Archive
from ground.vocabulary import AlarmSeverity

BANDS = ("red_low", "yellow_low", "yellow_high", "red_high")
ENDS = frozenset({"returned", "cleared"})


@dataclass(frozen=True, slots=True)
class Limit:
    """One limit line: a parameter's value at which its rule turns `colour`."""

    value: float
    colour: str  # red or yellow
    label: str  # e.g. "battery_soc red_low"
    mode: str | None = None  # a mode's own limit (None: the rule's, in every other mode)


@dataclass(frozen=True, slots=True)
class AlarmSpan:
    start_s: float
    end_s: float | None  # None: still raised at the end of the range
    name: str
    red: bool


@dataclass(frozen=True, slots=True)
class Mark:
    """A moment worth a vertical line: a command sent, a fault injected or cleared."""

    time_s: float
    kind: str  # command or fault
    label: str


@dataclass(frozen=True, slots=True)
class Marks:
    """Everything a run's plots draw over their samples, by parameter where it belongs."""

    limits: dict[str, list[Limit]]
    alarms: dict[str, list[AlarmSpan]]
    moments: list[Mark]

    @classmethod
    def read(
        cls, archive: Archive, start_s: float | None, end_s: float | None, segment: int
    ) -> Marks:
        rules = _rules(archive)
        limits: dict[str, list[Limit]] = {}
        parameter_of: dict[str, str] = {}
        for rule in rules:
            parameter = rule.get("parameter")
            if not isinstance(parameter, str):
                continue
            parameter_of[str(rule["name"])] = parameter
            by_mode = rule.get("limits_by_mode") or {}
            for mode, bands in [(None, rule.get("limits") or {}), *by_mode.items()]:
                limits.setdefault(parameter, []).extend(_lines(str(rule["name"]), bands, mode))
        alarms: dict[str, list[AlarmSpan]] = {}
        for span in _alarm_spans(archive, start_s, end_s, segment):
            if span.name in parameter_of:  # a combination's alarm has no parameter to shade
                alarms.setdefault(parameter_of[span.name], []).append(span)
        moments = [
            Mark(command.uplinked_s, "command", command.name)
            for command in archive.commands(start_s=start_s, end_s=end_s, segment=segment)
        ] + [
            Mark(
                injection.time_s,
                "fault",
                f"{injection.action} {injection.subsystem}.{injection.fault}",
            )
            for injection in archive.injections(start_s, end_s, segment=segment)
        ]
        return cls(limits, alarms, sorted(moments, key=lambda mark: mark.time_s))

    def limits_of(self, names: Sequence[str]) -> list[Limit]:
        return [limit for name in names for limit in self.limits.get(name, [])]

    def alarms_of(self, names: Sequence[str]) -> list[AlarmSpan]:
        return [span for name in names for span in self.alarms.get(name, [])]


def _lines(rule: str, bands: dict[str, Any], mode: str | None) -> list[Limit]:
    in_mode = f" in {mode}" if mode is not None else ""
    return [
        Limit(float(value), "red" if band.startswith("red") else "yellow",
              f"{rule} {band}{in_mode}", mode)
        for band in BANDS
        if isinstance(value := bands.get(band), int | float) and not isinstance(value, bool)
    ]  # fmt: skip


def _rules(archive: Archive) -> list[dict[str, Any]]:
    text = archive.meta().get(RULES_JUDGED)
    if not isinstance(text, str):
        return []  # a run archived before rules were (or without any): no limits to draw
    try:
        rules = json.loads(text)
    except json.JSONDecodeError:
        return []
    return [rule for rule in rules if isinstance(rule, dict)] if isinstance(rules, list) else []


def _alarm_spans(
    archive: Archive, start_s: float | None, end_s: float | None, segment: int
) -> list[AlarmSpan]:
    """Each alarm's spans that overlap the range, cut to it (one raised before the range
    starts is read from the run's start, so its span is not lost)."""
    spans: list[AlarmSpan] = []
    open_since: dict[str, tuple[float, bool]] = {}
    for row in archive.alarms(None, end_s, segment=segment):
        if row.kind == "triggered":
            open_since.setdefault(row.name, (row.time_s, _red(row.severity)))
        elif row.kind == "escalated" and row.name in open_since:
            start, _ = open_since[row.name]
            open_since[row.name] = (start, _red(row.severity))
        elif row.kind in ENDS and row.name in open_since:
            start, red = open_since.pop(row.name)
            spans.append(AlarmSpan(start, row.time_s, row.name, red))
    spans += [AlarmSpan(start, None, name, red) for name, (start, red) in open_since.items()]
    if start_s is None:
        return spans
    return [
        AlarmSpan(max(span.start_s, start_s), span.end_s, span.name, span.red)
        for span in spans
        if span.end_s is None or span.end_s >= start_s
    ]


def _red(severity: str) -> bool:
    try:
        return AlarmSeverity(severity).red
    except ValueError:  # a severity this version does not know: the louder colour
        return True
