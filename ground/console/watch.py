"""The console's view of the live feed: `watch` chosen parameters, and wait on the feed.

`watch` shows the latest value of each chosen parameter as housekeeping reports arrive on the
feed, until Ctrl-C or a number of updates. On a stepped clock nothing arrives unless someone
steps, so `watch` advances the clock by a housekeeping period whenever the feed has been quiet;
on a realtime one a quiet feed is the moment to ask whether the ground is still there.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from typing import Any

import zmq
from rich.live import Live
from rich.table import Table
from rich.text import Text

from flightsw.icd import Scalar
from ground.api import (
    Credentials,
    FeedEvent,
    TelemetryArrived,
    decode_event,
    fmt_value,
    mission_time,
    subscribe,
)
from ground.console.render import Renderer
from ground.errors import ClientError

QUIET_STEPPED_MS = 200  # how long the feed may stay quiet before a stepped watch steps
QUIET_REALTIME_MS = 1000


class Feed:
    """A subscriber to the ground's live feed (made and used on the console's thread)."""

    def __init__(self, endpoint: str, credentials: Credentials | None = None) -> None:
        self.endpoint = endpoint
        self._context: zmq.Context[Any] = zmq.Context()
        self._socket = subscribe(self._context, endpoint, credentials)

    def wait(self, timeout_ms: int) -> list[FeedEvent]:
        """Everything the feed has, waiting up to `timeout_ms` for the first event.

        An event this client cannot read (a ground of another version) is left out.
        """
        if not self._socket.poll(timeout_ms):
            return []
        events: list[FeedEvent] = []
        while True:
            try:
                _topic, body = self._socket.recv_multipart(zmq.NOBLOCK)
            except zmq.Again:
                return events
            with contextlib.suppress(ClientError):
                events.append(decode_event(body))

    def close(self) -> None:
        self._socket.close(linger=0)
        self._context.term()


def watched_values(event: TelemetryArrived, names: Sequence[str]) -> dict[str, Scalar]:
    """The chosen parameters a housekeeping report carries (`subsystem.param` → value)."""
    params = event.params
    return {
        name: params[name.split(".", 1)[1]]
        for name in names
        if name.startswith(f"{event.subsystem}.") and name.split(".", 1)[1] in params
    }


def watch(
    feed: Feed,
    names: Sequence[str],
    render: Renderer,
    updates: int | None = None,
    on_quiet: Callable[[], object] | None = None,
    quiet_ms: int = QUIET_REALTIME_MS,
) -> int:
    """Show `names` as they arrive, for `updates` reports (None: until Ctrl-C); return the count.

    `on_quiet` runs whenever the feed has been quiet for a while: it steps a stepped clock, or
    makes sure the ground is still there (raising to end the watch if not). A stepped clock
    takes a shorter `quiet_ms` (QUIET_STEPPED_MS): nothing comes until someone steps.
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
            for event in feed.wait(quiet_ms):
                if not isinstance(event, TelemetryArrived):
                    continue
                values = watched_values(event, names)
                if not values:
                    continue
                arrived = True
                count += 1
                time_s = event.time_s
                latest.update({name: (time_s, value) for name, value in values.items()})
                if live is not None:
                    live.update(_table(names, latest), refresh=True)
                else:
                    shown = "  ".join(f"{k}={fmt_value(v)}" for k, v in values.items())
                    render.line(f"{mission_time(time_s)}  {shown}")
                if updates is not None and count >= updates:
                    break
            if not arrived and on_quiet is not None:
                on_quiet()
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
