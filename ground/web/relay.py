"""The live feed, relayed to web clients: each event numbered, the latest kept a while.

One subscription to the ground's live feed (`ground.api.feed`) serves every web client. Each
event gets the next position (1, 2, ...) and is kept, encoded as JSON once, until `KEEP_EVENTS`
newer ones have come; a client asks for what came after the position it last saw, so one that
reconnects within that window misses nothing, and one that comes back later is told how many
events it missed (their substance is in the archive: history, events, alarm log, timeline).
Positions are counted from when this relay started, which its `epoch` names: a client that
resumes with another epoch starts again from the oldest event kept.
"""

from __future__ import annotations

import logging
import secrets
import threading
from dataclasses import dataclass

import msgspec
import zmq

from ground.api import Credentials, FeedEvent, LiveFeed
from ground.errors import ClientError

log = logging.getLogger(__name__)

KEEP_EVENTS = 200_000
"""Events kept for clients that resume: at a station's 1,000 reports a second, over three
minutes; about 100 MB at most."""
POLL_S = 0.2  # how often the relay's thread looks whether it should stop


@dataclass(frozen=True, slots=True)
class Batch:
    """What a client is sent: the events after its position, and where it is now."""

    events: list[bytes]  # each a JSON object
    position: int  # the position of the last event sent (the client resumes after it)
    missed: int  # events that were no longer kept when the client asked for them


class FeedRelay:
    """A thread that takes the ground's live feed and keeps it numbered for web clients."""

    def __init__(
        self, endpoint: str, credentials: Credentials | None, keep: int = KEEP_EVENTS
    ) -> None:
        self.endpoint = endpoint
        self.credentials = credentials
        self.epoch = secrets.token_hex(6)  # names this relay's run of positions
        self.unreadable = 0  # feed messages this relay could not decode (another version)
        self.failure: str | None = None  # why the relay stopped following the feed, if it did
        self._keep = keep
        self._ring: list[bytes] = [b""] * keep  # position p at p % keep: any one found at once
        self._last = 0  # the position of the newest event
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="feed relay", daemon=True)

    def start(self) -> None:
        """Subscribe and start relaying; returns once the subscription is in place.

        Raises:
            ClientError: the feed's endpoint cannot be subscribed to (a bad address).
        """
        self._thread.start()
        self._ready.wait()
        if self.failure is not None:
            raise ClientError(f"cannot follow the ground's live feed: {self.failure}")

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def position(self) -> int:
        """The position of the newest event."""
        with self._lock:
            return self._last

    def after(self, position: int, limit: int) -> Batch:
        """At most `limit` events after `position`, oldest first."""
        with self._lock:
            oldest = max(1, self._last - self._keep + 1)  # the position of the oldest kept
            start = max(position + 1, oldest)
            missed = start - (position + 1)
            count = max(0, min(limit, self._last - start + 1))
            events = [self._ring[at % self._keep] for at in range(start, start + count)]
            return Batch(events, start + count - 1, missed)

    def _run(self) -> None:
        try:
            feed = LiveFeed(self.endpoint, self.credentials)
        except zmq.ZMQError as error:
            self.failure = f"{self.endpoint}: {error}"
            return
        finally:
            self._ready.set()
        with feed:
            while not self._stop.is_set():
                try:
                    event = feed.next(POLL_S)
                except ClientError as error:  # another version's event: count it, say it once
                    self.unreadable += 1
                    if self.unreadable == 1:
                        log.warning("%s", error)
                    continue
                except zmq.ZMQError as error:  # the socket itself failed: say so, and why
                    self.failure = f"{self.endpoint}: {error}"
                    log.error("the web stopped following the live feed at %s", self.failure)
                    return
                if event is not None:
                    self.keep(event)

    def keep(self, event: FeedEvent) -> None:
        """Number `event` and keep it, encoded as JSON once for every client."""
        encoded = msgspec.json.encode(event)
        with self._lock:
            self._last += 1
            self._ring[self._last % self._keep] = encoded
