"""A terminal view of the live feed: latest telemetry per subsystem, alarms and recent events."""

from __future__ import annotations

from collections import deque
from typing import Any, TextIO

import msgpack
import zmq

from ground.console.render import event_severity_name

ALARM_COLOURS = {
    "watch": "36",
    "warning": "33",
    "distress": "33;1",
    "critical": "31",
    "severe": "31;1",
}


class LiveView:
    """Follow the ground's live feed and render it as text, redrawn in place on a terminal."""

    def __init__(self, feed_endpoint: str, out: TextIO, params_per_line: int = 6) -> None:
        self.context: zmq.Context[Any] = zmq.Context()
        self.socket = self.context.socket(zmq.SUB)
        self.socket.setsockopt(zmq.LINGER, 0)
        self.socket.setsockopt(zmq.RCVHWM, 100_000)
        self.socket.setsockopt(zmq.SUBSCRIBE, b"")
        self.socket.connect(feed_endpoint)
        self.out = out
        self.tty = out.isatty()
        self.params_per_line = params_per_line
        self.telemetry: dict[str, tuple[float, dict[str, Any]]] = {}
        self.alarms: dict[str, dict[str, Any]] = {}
        self.events: deque[dict[str, Any]] = deque(maxlen=6)
        self.commands: deque[dict[str, Any]] = deque(maxlen=3)
        self.time_s = 0.0

    def pump(self, timeout_ms: int) -> None:
        """Take in everything the feed has, waiting up to `timeout_ms` for the first message."""
        if not self.socket.poll(timeout_ms):
            return
        while True:
            try:
                topic, payload = self.socket.recv_multipart(zmq.NOBLOCK)
            except zmq.Again:
                return
            self._take(topic.decode(), msgpack.unpackb(payload, raw=False))

    def _take(self, topic: str, data: dict[str, Any]) -> None:
        self.time_s = max(self.time_s, float(data.get("time_s") or 0.0))
        if topic == "tm":
            self.telemetry[data["subsystem"]] = (data["time_s"], data["params"])
        elif topic == "event":
            self.events.append(data)
        elif topic == "alarm":
            if data.get("kind") == "cleared":
                self.alarms.pop(data["name"], None)
            else:
                self.alarms[data["name"]] = data
        elif topic == "command":
            self.commands.append(data)

    def render(self, time_s: float | None = None, header: str = "") -> None:
        lines = [f"{header}  T+{(time_s if time_s is not None else self.time_s):,.1f} s"]
        for subsystem in sorted(self.telemetry):
            _, params = self.telemetry[subsystem]
            shown = list(params.items())[: self.params_per_line]
            values = "  ".join(f"{k}={_fmt(v)}" for k, v in shown)
            lines.append(f"  {subsystem:<12} {values}")
        lines.append(f"  alarms: {len(self.alarms) or 'none'}")
        for name, alarm in sorted(self.alarms.items()):
            text = f"    {str(alarm.get('severity', '')).upper():9} {name}: {alarm.get('condition', '')} ({alarm.get('kind')})"
            lines.append(
                self._colour(text, ALARM_COLOURS.get(str(alarm.get("severity", "")).lower(), "0"))
            )
        for ev in self.events:
            lines.append(
                f"  event T+{ev['time_s']:.1f} {event_severity_name(ev['severity']):6} {ev['subsystem']}.{ev['name']}: {ev['message']}"
            )
        for command in self.commands:
            lines.append(f"  command {command['id']} {command['name']}: {command['stage']}")
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
