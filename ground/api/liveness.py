"""Whether a ground is still there, asked of the OS: is its process alive, does its port listen.

A client that waits on a dead ground's control socket waits for its whole time-out (ZeroMQ
queues the request and says nothing). These probes let it say at once that the ground is gone.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

# Why a ground is gone, in words for an operator; None while it is there.
Watch = Callable[[], str | None]

PROBE_TIMEOUT_S = 0.5  # a loopback connect answers in microseconds; a remote one may take longer


def process_alive(pid: int) -> bool:
    """Whether process `pid` is running; a zombie (exited, not yet reaped) is not."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process: it exists
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no /proc here: existing is all that can be told
    # The state follows the command name, which is in parentheses and may hold spaces.
    return stat.rpartition(")")[2].split()[0] != "Z"


def listening(endpoint: str) -> bool | None:
    """Whether something accepts connections at a `tcp://HOST:PORT` endpoint (None: not TCP).

    A plain connect and close: a ZeroMQ socket on the other side takes it for a peer that
    left before its greeting, and carries on.
    """
    parts = urlsplit(endpoint)
    if parts.scheme != "tcp" or parts.hostname is None or parts.port is None:
        return None
    host = "127.0.0.1" if parts.hostname in ("localhost", "*") else parts.hostname
    try:
        with socket.create_connection((host, parts.port), timeout=PROBE_TIMEOUT_S):
            return True
    except OSError:
        return False


def endpoint_watch(control: str) -> Watch:
    """A watch on a ground known only by its control endpoint: gone when nothing listens there."""

    def gone() -> str | None:
        if listening(control) is False:
            return (
                f"nothing listens on the ground's control socket {control}: the ground is not "
                "running there. Start a run with `mission run CONFIG`, or give the endpoint of "
                "a running ground with --control"
            )
        return None

    return gone
