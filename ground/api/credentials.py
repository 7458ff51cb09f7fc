"""Who a client of the control API and live feed is: its certificate and the ground's key.

A ground started with an access folder (`mission run` starts it so) admits only the keys of its
operators file. A client on the same host finds what it needs in that folder: the ground's
public key (`ground.key`) and its user's certificate (`identities/USER.key_secret`, which
`mission run` makes for the user who first flies in a data folder); `--identity` names another.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import zmq

from flightsw.config import (
    GROUND,
    AccessFolder,
    Certificate,
    ConfigError,
    local_user,
    read_certificate,
)
from flightsw.icd import connect_securely
from ground.errors import ClientError


@dataclass(frozen=True, slots=True)
class Credentials:
    """A client's key pair and the ground's public key (Z85)."""

    certificate: Certificate
    ground_key: bytes
    identity: Path  # where the certificate came from, to name in messages

    def secure(self, socket: zmq.Socket[Any]) -> None:
        """Make `socket` a CURVE client of the ground, as this identity; before it connects."""
        connect_securely(socket, self.ground_key, self.certificate.public, self.certificate.secret)


def credentials_in(access: Path, identity: Path | None = None) -> Credentials:
    """The credentials for a ground whose access folder is `access`: `identity` (a secret
    certificate), else this user's own in the folder.

    Raises:
        ClientError: the identity or the ground's key is missing or unusable, saying what to do.
    """
    folder = AccessFolder(access)
    path = identity or folder.identity_path(local_user())
    try:
        return Credentials(read_certificate(path), folder.public(GROUND), path)
    except ConfigError as error:
        hint = (
            ""
            if identity is not None or path.exists()
            else f"; ask whoever runs the mission to make you one (`mission keys add "
            f"{local_user()} --role observer`), or name yours with --identity"
        )
        raise ClientError(f"cannot attach as {local_user()}: {error}{hint}") from None


SETTLE_MS = 5_000  # how long `subscribe` waits for its connection's handshake, at most


def subscribe(
    context: zmq.Context[Any],
    endpoint: str,
    credentials: Credentials | None,
    topics: tuple[bytes, ...] = (b"",),
) -> zmq.Socket[Any]:
    """A socket taking the live feed's events of `topics` (every event by default) at
    `endpoint`, CURVE with `credentials`; returned once its handshake with the ground is done
    (or SETTLE_MS has passed), so that what the ground publishes from then on reaches it: a
    CURVE handshake takes a few round trips, and a PUB drops what it sends before it."""
    socket = context.socket(zmq.SUB)
    socket.setsockopt(zmq.LINGER, 0)
    socket.setsockopt(zmq.RCVHWM, 100_000)
    for topic in topics:
        socket.setsockopt(zmq.SUBSCRIBE, topic)
    if credentials is not None:
        credentials.secure(socket)
    handshakes = socket.get_monitor_socket(zmq.EVENT_HANDSHAKE_SUCCEEDED)
    try:
        socket.connect(endpoint)
        handshakes.poll(SETTLE_MS)
    finally:
        socket.disable_monitor()
        handshakes.close(linger=0)
    return socket
