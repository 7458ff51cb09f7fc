"""The console's view of the live feed: `watch` chosen parameters, and wait on the feed.

`watch` shows the latest value of each chosen parameter as housekeeping reports arrive on the
feed, until Ctrl-C or a number of updates. On a stepped clock nothing arrives unless someone
steps, so `watch` advances the clock by a housekeeping period whenever the feed has been quiet.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import msgpack
import zmq
from rich.live import Live
from rich.table import Table
from rich.text import Text

from ground.api.display import fmt_value, mission_time
from ground.console.render import Renderer

Message = tuple[str, dict[str, Any]]
QUIET_STEPPED_MS = 200  # how long the feed may stay quiet before a stepped watch steps
QUIET_REALTIME_MS = 1000


class Feed:
    """A subscriber to the ground's live feed (made and used on the console's thread)."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self._context: zmq.Context[Any] = zmq.Context()
        self._socket = self._context.socket(zmq.SUB)
        self._socket.setsockopt(zmq.LINGER, 0)
        self._socket.setsockopt(zmq.RCVHWM, 100_000)
        self._socket.setsockopt(zmq.SUBSCRIBE, b"")
        self._socket.connect(endpoint)

    def wait(self, timeout_ms: int) -> list[Message]:
        """Everything the feed has, waiting up to `timeout_ms` for the first message."""
        if not self._socket.poll(timeout_ms):
            return []
        messages: list[Message] = []
        while True:
            try:
                topic, payload = self._socket.recv_multipart(zmq.NOBLOCK)
            except zmq.Again:
                return messages
            messages.append((topic.decode(), msgpack.unpackb(payload, raw=False)))

    def close(self) -> None:
        self._socket.close(linger=0)
        self._context.term()


def watched_values(message: Message, names: Sequence[str]) -> dict[str, Any]:
    """The chosen parameters a feed message carries (`subsystem.param` → value)."""
    topic, data = message
    if topic != "tm":
        return {}
    subsystem = data.get("subsystem", "")
    params = data.get("params", {})
    return {
        name: params[name.split(".", 1)[1]]
        for name in names
        if name.startswith(f"{subsystem}.") and name.split(".", 1)[1] in params
    }


def watch(
    feed: Feed,
    names: Sequence[str],
    render: Renderer,
    updates: int | None = None,
    advance: Callable[[], object] | None = None,
) -> int:
    """Show `names` as they arrive, for `updates` reports (None: until Ctrl-C); return the count.

    `advance` steps a stepped clock when the feed is quiet; None on a realtime clock.
    """
    latest: dict[str, tuple[float, Any]] = {}
    count = 0
    live = (
        Live(_table(names, latest), console=render.rich, auto_refresh=False) if render.tty else None
    )
    try:
        if live is not None:
            live.start()
        while updates is None or count < updates:
            arrived = False
            for message in feed.wait(QUIET_STEPPED_MS if advance else QUIET_REALTIME_MS):
                values = watched_values(message, names)
                if not values:
                    continue
                arrived = True
                count += 1
                time_s = float(message[1]["time_s"])
                latest.update({name: (time_s, value) for name, value in values.items()})
                if live is not None:
                    live.update(_table(names, latest), refresh=True)
                else:
                    shown = "  ".join(f"{k}={fmt_value(v)}" for k, v in values.items())
                    render.line(f"{mission_time(time_s)}  {shown}")
                if updates is not None and count >= updates:
                    break
            if not arrived and advance is not None:
                advance()
    except KeyboardInterrupt:
        pass
    finally:
        if live is not None:
            live.stop()
    return count


def _table(names: Sequence[str], latest: dict[str, tuple[float, Any]]) -> Table:
    table = Table(title="watch (Ctrl-C to stop)", title_justify="left")
    for column in ("parameter", "value", "time"):
        table.add_column(column)
    for name in names:
        time_s, value = latest.get(name, (None, None))
        table.add_row(Text(name), Text(fmt_value(value), style="cyan"), Text(mission_time(time_s)))
    return table
