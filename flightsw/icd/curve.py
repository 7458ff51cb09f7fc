"""ZeroMQ CURVE on the sockets that are not the radio link: who may connect, and as whom.

The control API and live feed (the ground's) and the sim port and truth feed (the
spacecraft's) are CURVE servers when their process is given an access folder: each connection
is encrypted and carries its client's long-term public key, which a gatekeeper (ZeroMQ's ZAP,
run by pyzmq's authenticator on a thread of its own) admits or refuses before a single message
gets through. Every message from an admitted client carries that key as its `User-Id`, which is
how the ground knows who asks. A refused client never connects: its socket's monitor reports
a failed handshake, which `GroundClient` turns into words.

The uplink and downlink are the radio: anyone in range may transmit, and telecommands carry
their own authentication (docs/icd.md, "Telecommand security").
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import zmq
from zmq.auth.thread import ThreadAuthenticator

log = logging.getLogger(__name__)

Admits = Callable[[bytes], bool]
"""Whether a client's public key (Z85) may connect."""


def serve_securely(socket: zmq.Socket[Any], public: bytes, secret: bytes) -> None:
    """Make `socket` a CURVE server with this key pair (Z85); before it binds."""
    socket.setsockopt(zmq.CURVE_SERVER, 1)
    socket.setsockopt(zmq.CURVE_PUBLICKEY, public)
    socket.setsockopt(zmq.CURVE_SECRETKEY, secret)


def connect_securely(
    socket: zmq.Socket[Any], server_public: bytes, public: bytes, secret: bytes
) -> None:
    """Make `socket` a CURVE client of the server whose public key is `server_public`, as the
    holder of this key pair (Z85); before it connects."""
    socket.setsockopt(zmq.CURVE_SERVERKEY, server_public)
    socket.setsockopt(zmq.CURVE_PUBLICKEY, public)
    socket.setsockopt(zmq.CURVE_SECRETKEY, secret)


def sender_key(frame: zmq.Frame) -> bytes | None:
    """The public key (Z85) of the client that sent `frame`, None on a socket without CURVE."""
    try:
        user = frame.get("User-Id")
    except zmq.ZMQError:
        return None
    return user.encode() if isinstance(user, str) and user else None


class Gatekeeper:
    """Admit to a context's CURVE servers only the client keys `admits` lets in.

    Started before any of those sockets binds (libzmq lets every client in while no gatekeeper
    listens). Refusals are counted and logged, a line per key, so that a client retrying
    every second does not fill the log.
    """

    def __init__(self, context: zmq.Context[Any], admits: Admits, what: str) -> None:
        self.admits = admits
        self.what = what
        self.refused = 0
        self._lock = threading.Lock()
        self._logged: set[bytes] = set()
        self._authenticator = ThreadAuthenticator(context, log=log.getChild("zap"))
        self._authenticator.start()
        self._authenticator.configure_curve_callback("*", credentials_provider=self)

    def callback(self, domain: str, key: bytes) -> bool:
        """Called on the authenticator's thread for each new connection."""
        if self.admits(key):
            return True
        with self._lock:
            self.refused += 1
            first = key not in self._logged and len(self._logged) < 1000
            self._logged.add(key)
        if first:
            log.warning(
                "refused a connection to the %s from an unknown key %s (further attempts with "
                "it are counted, not logged)",
                self.what,
                key.decode("ascii", "replace"),
            )
        return False

    def stop(self) -> None:
        self._authenticator.stop()
