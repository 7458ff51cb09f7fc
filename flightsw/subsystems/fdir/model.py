"""Fault detection, isolation and recovery: onboard monitors, event-actions, safe mode and abort.

Monitors follow PUS service 12: each checks one onboard parameter (limit, expected value or
delta) and changes status only after `repetitions` identical results in a row. A status leaving
nominal raises the event `fdir.<monitor>`. Event-actions follow PUS service 19: an event from
any subsystem (or from a monitor) starts a stored command. Safe mode and abort are command
sequences from the config; an abort, once started, is irrevocable.

FDIR reads parameters one tick late, from the `hk.<subsystem>` topics the executive publishes
for it, and asks the executive to carry out its commands (`Request`), so it never blocks.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from flightsw.config.mission import EXECUTIVE
from flightsw.config.mission_context import MissionContext
from flightsw.config.section import Section
from flightsw.errors import CommandError
from flightsw.icd.dictionary import ArgSpec, CommandSpec
from flightsw.icd.errorcodes import ErrorCode
from flightsw.icd.services import Severity
from flightsw.subsystems.base import Outcome, Request, Subsystem
from flightsw.subsystems.events import Event, event
from flightsw.subsystems.fdir.config import (
    SEVERITIES,
    FdirConfig,
    Monitor,
    Step,
    read_fdir_config,
)
from flightsw.subsystems.telemetry import TelemetryPoint, point
from flightsw.subsystems.topics import (
    MODE,
    ONBOARD_EVENTS,
    ModeStatus,
    OnboardEvents,
    hk_topic,
)

NOMINAL, SAFE, ABORT = "nominal", "safe", "abort"
UNCHECKED, DISABLED = "unchecked", "disabled"


@dataclass(frozen=True, slots=True)
class MonitorState:
    """PUS 12 checking status of one monitor, and the result waiting to be confirmed."""

    status: str = UNCHECKED
    candidate: str = UNCHECKED
    count: int = 0
    last_value: Any = None


@dataclass(frozen=True, slots=True)
class FdirState:
    monitors: tuple[MonitorState, ...]
    monitor_enabled: tuple[bool, ...]
    action_enabled: tuple[bool, ...]
    mode: str = NOMINAL
    mode_since_s: float = 0.0
    events_seen_s: float = -math.inf
    actions_fired: int = 0
    safe_mode_entries: int = 0
    aborts: int = 0
    last_action: str = ""
    command_loss_tripped: bool = False


def check(monitor: Monitor, value: Any, previous: Any) -> str:
    """The checking status of one sample: nominal, below_low, above_high, unexpected, delta_exceeded."""
    if monitor.check == "expected":
        return NOMINAL if value == monitor.expected else "unexpected"
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        return "invalid"
    if monitor.check == "limit":
        if monitor.low is not None and value < monitor.low:
            return "below_low"
        if monitor.high is not None and value > monitor.high:
            return "above_high"
        return NOMINAL
    if previous is None or isinstance(previous, bool) or not isinstance(previous, int | float):
        return NOMINAL
    assert monitor.max_delta is not None  # read_fdir_config sets it for delta monitors
    return "delta_exceeded" if abs(value - previous) > monitor.max_delta else NOMINAL


def confirm(state: MonitorState, result: str, value: Any, repetitions: int) -> MonitorState:
    """Apply one result: the status changes after `repetitions` identical results in a row."""
    if result == state.status:
        return replace(state, candidate=result, count=0, last_value=value)
    count = state.count + 1 if result == state.candidate else 1
    if count >= repetitions:
        return MonitorState(result, result, 0, value)
    return MonitorState(state.status, result, count, value)


POINTS: tuple[TelemetryPoint[FdirState], ...] = (
    point("mode", "", "spacecraft mode: nominal, safe or abort", lambda s: s.mode, "str"),
    point("mode_since_s", "s", "mission time the mode was entered", lambda s: s.mode_since_s),
    point("monitors_violated", "", "monitors whose status is not nominal",
          lambda s: sum(m.status not in (NOMINAL, UNCHECKED, DISABLED) for m in s.monitors),
          "int"),
    point("monitors_enabled", "", "monitors enabled", lambda s: sum(s.monitor_enabled), "int"),
    point("actions_enabled", "", "event-actions enabled", lambda s: sum(s.action_enabled), "int"),
    point("actions_fired", "", "event-actions carried out since start",
          lambda s: s.actions_fired, "int"),
    point("safe_mode_entries", "", "times safe mode was entered",
          lambda s: s.safe_mode_entries, "int"),
    point("aborts", "", "abort sequences started", lambda s: s.aborts, "int"),
    point("last_action", "", "the last thing FDIR did", lambda s: s.last_action, "str"),
)  # fmt: skip


def monitor_point(index: int, monitor: Monitor) -> TelemetryPoint[FdirState]:
    """The checking status of the monitor at `index` in the config."""
    return point(f"{monitor.name}_status", "", f"monitor: {monitor.describe()}",
                 lambda s: s.monitors[index].status, "str")  # fmt: skip


class FdirModel(Subsystem[FdirState]):
    """Watch onboard parameters and events; shed, safe or abort as configured."""

    name: ClassVar[str] = "fdir"

    def __init__(self, config: FdirConfig) -> None:
        self.config = config
        monitor_names = tuple(m.name for m in config.monitors) or ("none",)
        action_names = tuple(a.name for a in config.actions) or ("none",)
        self.commands = (
            CommandSpec("enter_safe_mode", "Shed loads, sun-point, low-gain antenna, wait for ground",
                        (ArgSpec("reason", "str", default="ground command"),)),
            CommandSpec("leave_safe_mode", "Back to nominal mode (not during an abort)"),
            CommandSpec("start_abort", "Start the crew abort sequence; irrevocable", hazardous=True),
            CommandSpec("enable_monitor", "Enable or disable an onboard monitor",
                        (ArgSpec("monitor", "enum", choices=monitor_names), ArgSpec("enabled", "bool"))),
            CommandSpec("enable_action", "Enable or disable an event-action",
                        (ArgSpec("action", "enum", choices=action_names), ArgSpec("enabled", "bool"))),
            CommandSpec("reset_monitors", "Set every monitor back to unchecked"),
        )  # fmt: skip
        self.telemetry_points = POINTS + tuple(
            monitor_point(i, monitor) for i, monitor in enumerate(config.monitors)
        )
        watched = {m.subsystem for m in config.monitors}
        if config.command_loss_timeout_s > 0:
            watched.add(EXECUTIVE)
        topics = [hk_topic(name) for name in sorted(watched)]
        if any(not a.event.startswith("fdir.") for a in config.actions):
            topics.append(ONBOARD_EVENTS)
        self.subscribes = tuple(topics)

    @classmethod
    def from_config(cls, section: Section, context: MissionContext) -> FdirModel:
        return cls(read_fdir_config(section))

    def initial_state(self) -> FdirState:
        return FdirState(
            monitors=tuple(MonitorState() for _ in self.config.monitors),
            monitor_enabled=tuple(m.enabled for m in self.config.monitors),
            action_enabled=tuple(a.enabled for a in self.config.actions),
        )

    # -- every tick ------------------------------------------------------------------------------

    def step(
        self, state: FdirState, time_s: float, dt_s: float, inputs: Mapping[str, Any]
    ) -> Outcome[FdirState]:
        now_s = time_s + dt_s
        if math.isnan(state.mode_since_s):  # the mode changed on a command, between ticks
            state = replace(state, mode_since_s=time_s)
        events: list[Event] = []
        happened: list[str] = []
        monitors = []
        for monitor, old, enabled in zip(
            self.config.monitors, state.monitors, state.monitor_enabled, strict=True
        ):
            new = self._check(monitor, old, enabled, inputs)
            if new.status != old.status:
                events.extend(self._status_event(monitor, old, new))
                if new.status not in (NOMINAL, UNCHECKED, DISABLED):
                    happened.append(f"fdir.{monitor.name}")
            monitors.append(new)
        state = replace(state, monitors=tuple(monitors))
        onboard = inputs.get(ONBOARD_EVENTS)
        if isinstance(onboard, OnboardEvents) and onboard.time_s > state.events_seen_s:
            news = onboard.since(state.events_seen_s)
            # FDIR's own monitor events were acted on in the step that raised them.
            happened.extend(f"{sub}.{name}" for _, sub, name in news if sub != self.name)
            state = replace(state, events_seen_s=onboard.time_s)
        requests: list[Request] = []
        state = self._command_loss(state, now_s, inputs, events, requests)
        for action, enabled in zip(self.config.actions, state.action_enabled, strict=True):
            if enabled and action.event in happened:
                requests.append(Request("command", action.target, action.command, action.args))
                text = f"event-action {action.name}: {action.event} -> {action.target}.{action.command}"
                events.append(event("event_action", Severity.MEDIUM, text, action=action.name))
                state = replace(state, actions_fired=state.actions_fired + 1, last_action=text)
        return Outcome(state, tuple(events), tuple(requests))

    def _check(
        self, monitor: Monitor, old: MonitorState, enabled: bool, inputs: Mapping[str, Any]
    ) -> MonitorState:
        if not enabled:
            return MonitorState(DISABLED, DISABLED)
        report = inputs.get(hk_topic(monitor.subsystem))
        values = dict(report) if report is not None else {}
        if monitor.param not in values:
            return replace(old, status=UNCHECKED) if old.status == DISABLED else old
        value = values[monitor.param]
        result = check(monitor, value, old.last_value)
        start = replace(old, status=NOMINAL) if old.status in (UNCHECKED, DISABLED) else old
        return confirm(start, result, value, monitor.repetitions)

    def _status_event(self, monitor: Monitor, old: MonitorState, new: MonitorState) -> list[Event]:
        if new.status == NOMINAL and old.status not in (UNCHECKED, DISABLED, NOMINAL):
            return [
                event(
                    f"{monitor.name}_cleared",
                    Severity.INFO,
                    f"monitor {monitor.name} back to nominal",
                    value=new.last_value,
                )
            ]
        if new.status in (NOMINAL, UNCHECKED, DISABLED):
            return []
        text = (
            f"monitor {monitor.name}: {new.status} ({monitor.describe()}), value {new.last_value!r}"
        )
        return [
            event(
                monitor.name,
                SEVERITIES[monitor.severity],
                text,
                status=new.status,
                value=new.last_value,
            )
        ]

    def _command_loss(self, state: FdirState, now_s: float, inputs: Mapping[str, Any],
                      events: list[Event], requests: list[Request]) -> FdirState:  # fmt: skip
        timeout_s = self.config.command_loss_timeout_s
        report = inputs.get(hk_topic(EXECUTIVE))
        if timeout_s <= 0 or report is None:
            return state
        silent_s = float(dict(report).get("time_since_tc_s", 0.0))
        if silent_s < timeout_s:
            return replace(state, command_loss_tripped=False)
        if state.command_loss_tripped or state.mode != NOMINAL:
            return state
        outcome = self._enter_safe_mode(
            state, now_s, f"no telecommand for {silent_s:.0f} s (command-loss timer)"
        )
        events.extend(outcome.events)
        requests.extend(outcome.requests)
        return replace(outcome.state, command_loss_tripped=True)

    # -- commands --------------------------------------------------------------------------------

    def execute(
        self, state: FdirState, command: str, args: Mapping[str, Any]
    ) -> Outcome[FdirState]:
        now_s = (
            state.mode_since_s if False else None
        )  # commands carry no time; events are stamped on arrival
        del now_s
        match command:
            case "enter_safe_mode":
                if state.mode == ABORT:
                    raise CommandError(
                        ErrorCode.NOT_ALLOWED,
                        "an abort is in progress; safe mode cannot replace it",
                    )
                return self._enter_safe_mode(state, None, str(args["reason"]))
            case "leave_safe_mode":
                if state.mode != SAFE:
                    raise CommandError(
                        ErrorCode.NOT_ALLOWED, f"not in safe mode (mode is {state.mode})"
                    )
                text = "safe mode left on ground command; back to nominal"
                return Outcome(
                    replace(state, mode=NOMINAL, last_action=text),
                    (event("safe_mode_exited", Severity.MEDIUM, text),),
                )
            case "start_abort":
                return self._start_abort(state)
            case "enable_monitor":
                index = [m.name for m in self.config.monitors].index(args["monitor"])
                enabled = list(state.monitor_enabled)
                enabled[index] = args["enabled"]
                return Outcome(replace(state, monitor_enabled=tuple(enabled)))
            case "enable_action":
                index = [a.name for a in self.config.actions].index(args["action"])
                enabled = list(state.action_enabled)
                enabled[index] = args["enabled"]
                return Outcome(replace(state, action_enabled=tuple(enabled)))
            case "reset_monitors":
                return Outcome(
                    replace(state, monitors=tuple(MonitorState() for _ in self.config.monitors))
                )
        return super().execute(state, command, args)

    def _enter_safe_mode(
        self, state: FdirState, now_s: float | None, reason: str
    ) -> Outcome[FdirState]:
        if state.mode == SAFE:
            return Outcome(
                state,
                (event("safe_mode_already", Severity.INFO, f"already in safe mode ({reason})"),),
            )
        text = f"safe mode entered: {reason}"
        state = replace(
            state,
            mode=SAFE,
            mode_since_s=math.nan if now_s is None else now_s,
            safe_mode_entries=state.safe_mode_entries + 1,
            last_action=text,
        )
        return Outcome(
            state,
            (event("safe_mode_entered", Severity.HIGH, text, reason=reason),),
            _requests(self.config.safe_mode),
        )

    def _start_abort(self, state: FdirState) -> Outcome[FdirState]:
        if not self.config.crewed:
            raise CommandError(
                ErrorCode.NOT_ALLOWED, "abort sequences are for crewed vehicles; this one is not"
            )
        if state.mode == ABORT:
            raise CommandError(ErrorCode.NOT_ALLOWED, "the abort sequence is already running")
        text = "ABORT sequence started; it cannot be stopped"
        state = replace(
            state, mode=ABORT, mode_since_s=math.nan, aborts=state.aborts + 1, last_action=text
        )
        return Outcome(
            state, (event("abort_started", Severity.HIGH, text),), _requests(self.config.abort)
        )

    def publish(self, state: FdirState) -> Mapping[str, Any]:
        return {MODE: ModeStatus(state.mode, state.mode_since_s)}


def _requests(steps: tuple[Step, ...]) -> tuple[Request, ...]:
    return tuple(Request("command", s.target, s.command, s.args) for s in steps)
