"""The live feed for a program: typed events, one at a time, each wait bounded.

    with client.live_feed(topics=("alarm", "command")) as feed:
        event = feed.next(within_s=10.0)    # an AlarmChanged, a CommandStaged, ... or None

The subscription is in place when `live_feed` returns: everything the ground publishes from
then on is received, in order. What was published before is in the archive (history, events,
the alarm log, the timeline).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import zmq

from ground.api.credentials import Credentials, subscribe
from ground.api.feed import FeedEvent
from ground.api.wire import decode_event


class LiveFeed:
    """A subscription to a ground's live feed (used from the thread that made it)."""

    def __init__(
        self, endpoint: str, credentials: Credentials | None, topics: tuple[str, ...] = ()
    ) -> None:
        self.endpoint = endpoint
        self._context: zmq.Context[Any] = zmq.Context()
        wanted = tuple(topic.encode() for topic in topics) or (b"",)
        self._socket = subscribe(self._context, endpoint, credentials, wanted)

    def next(self, within_s: float) -> FeedEvent | None:
        """The next event, or None if none comes within `within_s` wall seconds.

        Raises:
            ClientError: an event this client cannot read (another version of the ground).
        """
        if not self._socket.poll(max(0, int(within_s * 1000))):
            return None
        return decode_event(self._socket.recv_multipart()[-1])

    def until_quiet(self, quiet_s: float) -> Iterator[FeedEvent]:
        """Every event until none has come for `quiet_s` wall seconds."""
        while (event := self.next(quiet_s)) is not None:
            yield event

    def close(self) -> None:
        self._socket.close(linger=0)
        self._context.term()

    def __enter__(self) -> LiveFeed:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
