"""A client of the ground's control API, for the console, scripts, `mission run` and tests."""

from __future__ import annotations

from typing import Any

import msgpack
import zmq

from ground.errors import ClientError


class GroundClient:
    """Send control requests and wait for their replies (one at a time)."""

    def __init__(self, endpoint: str, timeout_s: float = 30.0) -> None:
        self.endpoint = endpoint
        self.timeout_s = timeout_s
        self._context: zmq.Context[Any] = zmq.Context()
        self._socket = self._context.socket(zmq.DEALER)
        self._socket.setsockopt(zmq.LINGER, 0)
        self._socket.connect(endpoint)

    def call(self, op: str, timeout_s: float | None = None, **fields: Any) -> dict[str, Any]:
        """Send `op` with `fields`; return the reply, or raise ClientError with the ground's reason."""
        reply = self.request({"op": op, **fields}, timeout_s)
        if not reply.get("ok"):
            raise ClientError(str(reply.get("error", f"{op} failed")))
        return reply

    def request(self, request: dict[str, Any], timeout_s: float | None = None) -> dict[str, Any]:
        """Send a raw request and return the raw reply, ok or not."""
        self._socket.send_multipart([b"", msgpack.packb(request, use_bin_type=True)])
        timeout_ms = int(1000 * (self.timeout_s if timeout_s is None else timeout_s))
        if not self._socket.poll(timeout_ms):
            # The reply may still come; a new socket keeps later replies from being mismatched.
            self._reconnect()
            raise ClientError(
                f"the ground at {self.endpoint} did not answer {request.get('op')!r} within {timeout_ms / 1000:g} s; "
                "is `ground` running (see `mission run`)?"
            )
        reply: dict[str, Any] = msgpack.unpackb(self._socket.recv_multipart()[-1], raw=False)
        return reply

    def _reconnect(self) -> None:
        self._socket.close(linger=0)
        self._socket = self._context.socket(zmq.DEALER)
        self._socket.setsockopt(zmq.LINGER, 0)
        self._socket.connect(self.endpoint)

    def close(self) -> None:
        self._socket.close(linger=0)
        self._context.term()

    def __enter__(self) -> GroundClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
