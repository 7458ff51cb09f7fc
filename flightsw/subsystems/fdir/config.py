"""FDIR as configured: monitors (PUS 12), event-actions (PUS 19), safe-mode and abort sequences.

Keys of `[subsystems.fdir]`:

    crewed = false                       an abort sequence may only be started on a crewed vehicle
    command_loss_timeout_s = 0           no telecommand for this long: safe mode (0 = off)
    [[subsystems.fdir.monitors]]         name, parameter ("subsystem.param"), check
                                         ("limit" | "expected" | "delta"), low / high (limit),
                                         expected (expected), max_delta (delta), repetitions (>= 1),
                                         severity ("low" | "medium" | "high"), enabled (true)
    [[subsystems.fdir.actions]]          name, event ("subsystem.event", e.g. "fdir.battery_low"),
                                         command ("subsystem.command"), args (a table), enabled
    [subsystems.fdir.safe_mode]          commands = [{command = "...", args = {...}}, ...]
    [subsystems.fdir.abort]              commands = [...]

A monitor raises the event `fdir.<monitor name>` when its status leaves nominal. As in PUS 19,
an event-action left without `enabled` starts disabled: the ground enables it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flightsw.config.section import DOTTED_NAME_CHARS, REQUIRED, Section
from flightsw.icd.fields import FLOAT_MAX
from flightsw.icd.services import Severity

CHECKS = ("limit", "expected", "delta")
MAX_MONITORS = 200  # PUS 12 definitions onboard; the shipped missions fly up to 10
MAX_ACTIONS = 200  # PUS 19 event-actions
MAX_SEQUENCE = 100  # commands of a safe-mode or abort sequence
MAX_TIMEOUT_S = 1e7  # about 116 days without a telecommand
SEVERITIES = {"low": Severity.LOW, "medium": Severity.MEDIUM, "high": Severity.HIGH}


@dataclass(frozen=True, slots=True)
class Monitor:
    name: str
    parameter: str
    check: str
    low: float | None
    high: float | None
    expected: Any
    max_delta: float | None
    repetitions: int
    severity: str
    enabled: bool

    @property
    def subsystem(self) -> str:
        return self.parameter.split(".", 1)[0]

    @property
    def param(self) -> str:
        return self.parameter.split(".", 1)[1]

    def describe(self) -> str:
        if self.check == "limit":
            bounds = []
            if self.low is not None:
                bounds.append(f"< {self.low:g}")
            if self.high is not None:
                bounds.append(f"> {self.high:g}")
            condition = " or ".join(f"{self.parameter} {b}" for b in bounds)
        elif self.check == "expected":
            condition = f"{self.parameter} != {self.expected!r}"
        else:
            condition = f"|Δ{self.parameter}| > {self.max_delta:g}"
        return f"{condition} for {self.repetitions} checks"


@dataclass(frozen=True, slots=True)
class EventAction:
    name: str
    event: str  # "subsystem.event"
    target: str
    command: str
    args: tuple[tuple[str, Any], ...]
    enabled: bool


@dataclass(frozen=True, slots=True)
class Step:
    """One command of a safe-mode or abort sequence."""

    target: str
    command: str
    args: tuple[tuple[str, Any], ...]


@dataclass(frozen=True, slots=True)
class FdirConfig:
    crewed: bool
    command_loss_timeout_s: float
    monitors: tuple[Monitor, ...]
    actions: tuple[EventAction, ...]
    safe_mode: tuple[Step, ...]
    abort: tuple[Step, ...]


def read_fdir_config(section: Section) -> FdirConfig:
    monitors = tuple(_monitor(s) for s in section.sections("monitors", MAX_MONITORS))
    actions = tuple(_action(s) for s in section.sections("actions", MAX_ACTIONS))
    for kind, items in (("monitors", monitors), ("actions", actions)):
        names = [item.name for item in items]
        if len(set(names)) != len(names):
            raise section.error(kind, f"names must be unique, found {sorted(names)}")
    return FdirConfig(
        crewed=section.bool("crewed", False),
        command_loss_timeout_s=section.float(
            "command_loss_timeout_s", 0.0, minimum=0.0, maximum=MAX_TIMEOUT_S, unit="s"
        ),
        monitors=monitors,
        actions=actions,
        safe_mode=_sequence(section, "safe_mode"),
        abort=_sequence(section, "abort"),
    )


def _dotted(section: Section, key: str) -> tuple[str, str]:
    text = section.str(key, max_chars=DOTTED_NAME_CHARS)
    if "." not in text:
        raise section.error(key, f"expected subsystem.name, found {text!r}")
    subsystem, name = text.split(".", 1)
    return subsystem, name


def _monitor(section: Section) -> Monitor:
    check = section.str("check", "limit", CHECKS)
    _dotted(section, "parameter")
    # Thresholds are in the parameter's own unit: any finite number.
    low = section.float("low", REQUIRED, -FLOAT_MAX, FLOAT_MAX) if section.has("low") else None
    high = section.float("high", REQUIRED, -FLOAT_MAX, FLOAT_MAX) if section.has("high") else None
    if check == "limit" and low is None and high is None:
        raise section.error("low", "a limit monitor needs low, high or both")
    if check == "expected" and not section.has("expected"):
        raise section.error("expected", "an expected-value monitor needs `expected`")
    max_delta = (
        section.float("max_delta", REQUIRED, minimum=0.0, maximum=FLOAT_MAX)
        if check == "delta"
        else None
    )
    expected = section.value("expected", None)  # compared with a telemetry value
    if not (expected is None or isinstance(expected, bool | int | float | str)):
        raise section.error("expected", "expected one value: a number, true, false or a string")
    return Monitor(
        name=section.str("name"),
        parameter=section.str("parameter", max_chars=DOTTED_NAME_CHARS),
        check=check,
        low=low,
        high=high,
        expected=expected,
        max_delta=max_delta,
        repetitions=section.int("repetitions", 1, minimum=1, maximum=1000, unit="checks"),
        severity=section.str("severity", "medium", tuple(SEVERITIES)),
        enabled=section.bool("enabled", True),
    )


def _action(section: Section) -> EventAction:
    _dotted(section, "event")
    target, command = _dotted(section, "command")
    return EventAction(
        name=section.str("name"),
        event=section.str("event", max_chars=DOTTED_NAME_CHARS),
        target=target,
        command=command,
        # Arguments are checked against the command's own specs when the action fires.
        args=tuple(section.mapping("args", {}).items()),
        enabled=section.bool("enabled", False),
    )


def _sequence(section: Section, key: str) -> tuple[Step, ...]:
    table = section.section(key, {})
    steps = []
    for item in table.sections("commands", MAX_SEQUENCE):
        target, command = _dotted(item, "command")
        steps.append(Step(target, command, tuple(item.mapping("args", {}).items())))
    return tuple(steps)
