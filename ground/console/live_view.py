"""A terminal view of the live feed: latest telemetry per subsystem, alarms and recent events."""

from __future__ import annotations

import contextlib
from collections import deque
from typing import Any, TextIO

import zmq

from flightsw.icd import Scalar
from ground.api import (
    AlarmChanged,
    AlarmEntry,
    CommandStaged,
    Credentials,
    Event,
    EventArrived,
    FeedEvent,
    Silence,
    SilenceChanged,
    TelemetryArrived,
    decode_event,
    subscribe,
)
from ground.console.render import event_severity_name
from ground.errors import ClientError
from ground.vocabulary import AlarmSeverity, AlarmTransitionKind

ALARM_COLOURS = {
    AlarmSeverity.WATCH: "36",
    AlarmSeverity.WARNING: "33",
    AlarmSeverity.DISTRESS: "33;1",
    AlarmSeverity.CRITICAL: "31",
    AlarmSeverity.SEVERE: "31;1",
}


class LiveView:
    """Follow the ground's live feed and render it as text, redrawn in place on a terminal."""

    def __init__(
        self,
        feed_endpoint: str,
        out: TextIO,
        params_per_line: int = 6,
        credentials: Credentials | None = None,
    ) -> None:
        self.context: zmq.Context[Any] = zmq.Context()
        self.socket = subscribe(self.context, feed_endpoint, credentials)
        self.out = out
        self.tty = out.isatty()
        self.params_per_line = params_per_line
        self.telemetry: dict[str, tuple[float, dict[str, Scalar]]] = {}
        self.alarms: dict[str, AlarmEntry] = {}
        self.events: deque[Event] = deque(maxlen=6)
        self.commands: deque[CommandStaged] = deque(maxlen=3)
        self.silence: Silence | None = None  # while the spacecraft is silent
        self.time_s = 0.0

    def pump(self, timeout_ms: int) -> None:
        """Take in everything the feed has, waiting up to `timeout_ms` for the first message.

        An event this view cannot read (a ground of another version) is left out.
        """
        if not self.socket.poll(timeout_ms):
            return
        while True:
            try:
                _topic, body = self.socket.recv_multipart(zmq.NOBLOCK)
            except zmq.Again:
                return
            with contextlib.suppress(ClientError):
                self.take(decode_event(body))

    def take(self, event: FeedEvent) -> None:
        """Show what a feed event changes: a subsystem's values, an event, an alarm, a command."""
        match event:
            case TelemetryArrived(time_s=time_s, subsystem=subsystem, params=params):
                self.telemetry[subsystem] = (time_s, params)
            case EventArrived(event=received):
                time_s = received.time_s
                self.events.append(received)
            case AlarmChanged(entry=entry):
                time_s = entry.time_s
                if entry.kind == AlarmTransitionKind.CLEARED:
                    self.alarms.pop(entry.name, None)
                else:
                    self.alarms[entry.name] = entry
            case CommandStaged(time_s=time_s):
                self.commands.append(event)
            case SilenceChanged(time_s=time_s, silence=silence):
                self.silence = silence
            case _:
                return
        self.time_s = max(self.time_s, time_s)

    def render(self, time_s: float | None = None, header: str = "") -> None:
        lines = [f"{header}  T+{(time_s if time_s is not None else self.time_s):,.1f} s"]
        if self.silence is not None:
            lines.append(self._colour(f"  SPACECRAFT SILENT: {self.silence}", "31;1"))
        for subsystem in sorted(self.telemetry):
            _, params = self.telemetry[subsystem]
            shown = list(params.items())[: self.params_per_line]
            values = "  ".join(f"{k}={_fmt(v)}" for k, v in shown)
            lines.append(f"  {subsystem:<12} {values}")
        lines.append(f"  alarms: {len(self.alarms) or 'none'}")
        for name, alarm in sorted(self.alarms.items()):
            text = f"    {alarm.severity.upper():9} {name}: {alarm.condition} ({alarm.kind})"
            lines.append(self._colour(text, ALARM_COLOURS[alarm.severity]))
        for ev in self.events:
            lines.append(
                f"  event T+{ev.time_s:.1f} {event_severity_name(ev.severity):6} {ev.full_name}: {ev.message}"
            )
        for staged in self.commands:
            lines.append(f"  command {staged.command.id} {staged.command.name}: {staged.stage}")
        if self.tty:
            self.out.write("\x1b[H\x1b[2J" + "\n".join(lines) + "\n")
        else:
            self.out.write("\n".join(lines) + "\n\n")
        self.out.flush()

    def _colour(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.tty else text

    def close(self) -> None:
        self.socket.close(linger=0)
        self.context.term()


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)
