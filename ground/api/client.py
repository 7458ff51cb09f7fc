"""A client of the ground's control API, for the console, scripts, `mission run` and tests.

`attach(data_dir)` makes one for the run flying in a data folder (docs/client.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import zmq
from zmq.utils.monitor import recv_monitor_message

from ground.api.credentials import Credentials, credentials_in
from ground.api.live_feed import LiveFeed
from ground.api.liveness import Watch
from ground.api.replies import Refusal, Reply
from ground.api.requests import Request
from ground.api.session import session_watch, sessions_in
from ground.api.wire import decode_reply, encode
from ground.errors import ClientError, GroundGone, KeyRefused

R = TypeVar("R", bound=Reply)

WATCH_EVERY_MS = 250  # while a reply is awaited, how often the watch looks at the ground


class GroundClient:
    """Send control requests and wait for their typed replies (one at a time).

    With a `watch` (see `ground.api.liveness`), a request to a ground that is gone fails at
    once with `GroundGone`, and so does a wait for a reply when the ground goes during it,
    rather than after the whole time-out.
    """

    def __init__(
        self,
        endpoint: str,
        timeout_s: float = 30.0,
        watch: Watch | None = None,
        credentials: Credentials | None = None,
        feed_endpoint: str | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.feed_endpoint = feed_endpoint
        self.timeout_s = timeout_s
        self.watch = watch
        self.credentials = credentials
        self._context: zmq.Context[Any] = zmq.Context()
        self._socket, self._handshakes = self._connect()

    def _connect(self) -> tuple[zmq.Socket[Any], zmq.Socket[Any]]:
        """A DEALER on the endpoint and a monitor of its handshakes (a ground that refuses the
        key, or wants one this client lacks, says so there and nowhere else)."""
        socket = self._context.socket(zmq.DEALER)
        socket.setsockopt(zmq.LINGER, 0)
        if self.credentials is not None:
            self.credentials.secure(socket)
        handshakes = socket.get_monitor_socket(
            zmq.EVENT_HANDSHAKE_FAILED_AUTH | zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL
        )
        socket.connect(self.endpoint)
        return socket, handshakes

    def call(self, request: Request[R], timeout_s: float | None = None) -> R:
        """Send `request`; return its reply, or raise ClientError with the ground's reason.

        Raises:
            ClientError: the ground refused the request (the message is its reason), did not
                answer within `timeout_s` wall seconds (default: the client's), or answered
                with something this client cannot read.
        """
        reply = self.ask(request, timeout_s)
        if isinstance(reply, Refusal):
            raise ClientError(reply.error)
        return reply

    def ask(self, request: Request[R], timeout_s: float | None = None) -> R | Refusal:
        """Send `request`; return its reply or the ground's refusal, whichever comes."""
        what = repr(request.op())
        payload = self.exchange(encode(request), what, timeout_s)
        return decode_reply(payload, request.reply_type, what)

    def exchange(
        self, payload: bytes, what: str = "a request", timeout_s: float | None = None
    ) -> bytes:
        """Send one request's bytes as they are and return the reply's (tests send malformed
        ones this way); `what` names the request in a time-out's message."""
        self.ensure_there()
        self._socket.send_multipart([b"", payload])
        timeout_ms = int(1000 * (self.timeout_s if timeout_s is None else timeout_s))
        if not self._await_reply(timeout_ms):
            # The reply may still come; a new socket keeps later replies from being mismatched.
            self._reconnect()
            raise ClientError(
                f"the ground at {self.endpoint} did not answer {what} within {timeout_ms / 1000:g} s; "
                "is `ground` running (see `mission run`)?"
            )
        return bytes(self._socket.recv_multipart()[-1])

    def live_feed(self, topics: tuple[str, ...] = ()) -> LiveFeed:
        """A subscription to the ground's live feed: every event, or those of `topics` (`tm`,
        `alarm`, `command`, `event`, ...; docs/icd.md "Live feed"), from now on.

        Raises:
            ClientError: this client was made without the feed's endpoint.
        """
        if self.feed_endpoint is None:
            raise ClientError(
                "this client does not know the ground's live feed: make it with `attach`, or "
                "give GroundClient its feed_endpoint"
            )
        return LiveFeed(self.feed_endpoint, self.credentials, topics)

    def ensure_there(self) -> None:
        """Raise GroundGone, saying why and what to do, if the watch finds the ground gone."""
        reason = None if self.watch is None else self.watch()
        if reason is not None:
            raise GroundGone(reason)

    def _await_reply(self, timeout_ms: int) -> bool:
        """Whether a reply came within `timeout_ms`; GroundGone as soon as the ground goes,
        ClientError as soon as it refuses this client's key."""
        waited_ms = 0
        while waited_ms < timeout_ms:
            slice_ms = min(WATCH_EVERY_MS, timeout_ms - waited_ms)
            if self._socket.poll(slice_ms):
                return True
            waited_ms += slice_ms
            try:
                self._check_admitted()
                self.ensure_there()
            except (GroundGone, ClientError):
                self._reconnect()  # its reply will never come: forget the request
                raise
        return False

    def _check_admitted(self) -> None:
        """Raise KeyRefused, saying what to do, if the ground refused this client's key, or
        wants one and this client has none (or has one and the ground wants none)."""
        if not self._handshakes.poll(0):
            return
        event = recv_monitor_message(self._handshakes)["event"]
        if self.credentials is None or event != zmq.EVENT_HANDSHAKE_FAILED_AUTH:
            raise KeyRefused(
                f"the ground at {self.endpoint} and this client do not agree on keys: a ground "
                "`mission run` started wants its operators' (attach with --data-dir of the run, "
                "or give --access and --identity); one started without --access wants none"
            )
        raise KeyRefused(
            f"the ground at {self.endpoint} refused the key of {self.credentials.identity}: it "
            "is not in the ground's operators file (DATA_DIR/keys/operators). Ask whoever runs "
            "the mission to add it (`mission keys add NAME --role observer --key "
            f"{self.credentials.certificate.public.decode()}`)"
        )

    def _reconnect(self) -> None:
        self._close_socket()
        self._socket, self._handshakes = self._connect()

    def _close_socket(self) -> None:
        self._socket.disable_monitor()
        self._handshakes.close(linger=0)
        self._socket.close(linger=0)

    def close(self) -> None:
        self._close_socket()
        self._context.term()

    def __enter__(self) -> GroundClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def attach(
    data_dir: Path | str = "runs",
    run: str | None = None,
    identity: Path | None = None,
    timeout_s: float = 30.0,
) -> GroundClient:
    """A client of the run flying in `data_dir` (the one named `run` when several fly), as the
    operator whose certificate is `identity` (default: this user's in the data folder).

    Raises:
        ClientError: no run flies there, several do and none was named, or the identity or
            the ground's key is missing; the message says what to do.
    """
    folder = Path(data_dir)
    live = [session for session in sessions_in(folder) if session.live()]
    named = [session for session in live if run is None or session.run_name == run]
    if len(named) != 1:
        flying = ", ".join(session.run_name for session in live) or "none"
        wanted = (
            f"no run {run!r} flies"
            if run is not None
            else ("no run flies" if not live else "several runs fly; name one with run=")
        )
        raise ClientError(f"{wanted} in {folder} (flying: {flying}); start one with `mission run`")
    session = named[0]
    credentials = None if session.access is None else credentials_in(session.access, identity)
    return GroundClient(
        session.endpoints.control,
        timeout_s,
        session_watch(folder, session.run_name),
        credentials,
        session.endpoints.feed,
    )
