"""The live feed's WebSocket, `/api/feed`: the relay's events, batched, from where a client was.

A client shows its operator key as `?key=` (a browser cannot set a header on a WebSocket) and
may resume with `after=POSITION&epoch=EPOCH`, both as the feed last gave them. Every BATCH_S
the events since its position go as one JSON message `{epoch, position, missed, events}`. The
key is looked at again every KEY_EVERY_S: a key taken away ends the connection.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from fastapi import FastAPI, WebSocket, WebSocketDisconnect
from starlette.concurrency import run_in_threadpool

from flightsw.clock import wall_time_s
from ground.web.callers import Callers
from ground.web.guard import POLICY_VIOLATION
from ground.web.inputs import whole_number
from ground.web.problems import Refused
from ground.web.relay import Batch, FeedRelay

BATCH_S = 0.05
"""How long the feed gathers events before sending them to a client as one message: 20
messages a second whatever the rate, which a browser keeps up with (bench/run.py --only page)."""
BATCH_EVENTS = 5_000  # at most this many events in one feed message
KEY_EVERY_S = 1.0  # how often a connected client's key is looked at again
CLOSE_REASON_OCTETS = 120  # a WebSocket close reason is at most 123 octets


def serve_feed(app: FastAPI, callers: Callers, relay: FeedRelay) -> None:
    @app.websocket("/api/feed")
    async def feed(websocket: WebSocket) -> None:
        key = websocket.query_params.get("key")
        now = relay.position  # before the handshake ends: "from now" misses nothing after it
        await websocket.accept()  # refusals are said in the close, where a client reads them
        try:
            await run_in_threadpool(callers.of, key)
            position = _resume_from(websocket.query_params, relay, now)
        except Refused as refusal:
            await _close(websocket, refusal)
            return
        closed = asyncio.ensure_future(_until_closed(websocket))
        checked_s = wall_time_s()
        try:
            while not closed.done():
                if relay.failure is not None:
                    raise Refused("ground_gone", f"the web lost the live feed: {relay.failure}")
                batch = relay.after(position, BATCH_EVENTS)
                if batch.events or batch.missed:
                    await websocket.send_bytes(message(relay.epoch, batch))
                    position = batch.position
                if len(batch.events) < BATCH_EVENTS:
                    await asyncio.wait({closed}, timeout=BATCH_S)
                if wall_time_s() - checked_s >= KEY_EVERY_S:  # a slow reader's sends take long
                    checked_s = wall_time_s()
                    await run_in_threadpool(callers.of, key)
        except Refused as refusal:  # the key was taken away, or the feed lost
            await _close(websocket, refusal)
        except (WebSocketDisconnect, RuntimeError):
            pass  # the client went while a message was on its way
        finally:
            closed.cancel()
            with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect):
                await closed


def _resume_from(query: Any, relay: FeedRelay, now: int) -> int:
    """The position to send from: after `after` of this relay's `epoch` (clamped to the
    newest); from `now` without one; from the oldest kept after another epoch's."""
    after = query.get("after")
    if after is None:
        return now
    position = whole_number(after, "after", 0, 10**12)
    epoch = query.get("epoch")
    if epoch is None:
        raise Refused("missing_field", "`after` goes with the `epoch` the feed gave beside it")
    return min(position, relay.position) if epoch == relay.epoch else 0


def message(epoch: str, batch: Batch) -> bytes:
    """A batch as the JSON a client gets; the events are JSON already."""
    head = f'{{"epoch":"{epoch}","position":{batch.position},"missed":{batch.missed},'
    return head.encode() + b'"events":[' + b",".join(batch.events) + b"]}"


async def _close(websocket: WebSocket, refusal: Refused) -> None:
    reason = refusal.problem.detail.encode()[:CLOSE_REASON_OCTETS].decode(errors="ignore")
    with contextlib.suppress(RuntimeError, WebSocketDisconnect):
        await websocket.close(code=POLICY_VIOLATION, reason=reason)


async def _until_closed(websocket: WebSocket) -> None:
    """Read (and ignore) what the client sends until it closes the connection."""
    while True:
        received = await websocket.receive()
        if received["type"] == "websocket.disconnect":
            return
