"""The ground's connections to the spacecraft, watched through ZeroMQ socket monitors.

A killed spacecraft process says nothing more, but its kernel closes its TCP connections, and
ZeroMQ reports that on a monitor socket (EVENT_DISCONNECTED) within milliseconds: the ground
learns that the spacecraft is gone at once, rather than after a silence interval. A connection
counts as made again only once ZeroMQ's handshake has succeeded (a TCP connection alone can be
accepted by the kernel of a stopped process).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import zmq
from zmq.utils.monitor import recv_monitor_message

WATCHED_EVENTS = zmq.EVENT_DISCONNECTED | zmq.EVENT_HANDSHAKE_SUCCEEDED


@dataclass(frozen=True, slots=True)
class ConnectionChange:
    """A connection to the spacecraft dropped (`up` False) or was made again (`up` True)."""

    what: str  # "sim port", "truth feed", "uplink"
    up: bool


class ConnectionMonitor:
    """Report when the connections of some sockets drop or are made again.

    Made and used on the thread that owns the sockets, before they connect, so no event is
    missed; `close` before the sockets are closed.
    """

    def __init__(self, watched: Sequence[tuple[zmq.Socket[Any], str]]) -> None:
        """Monitor each `(socket, what)`; `what` names the connection in what is reported."""
        self._watched = [socket for socket, _ in watched]
        self._monitors: dict[zmq.Socket[Any], str] = {
            socket.get_monitor_socket(WATCHED_EVENTS): what for socket, what in watched
        }

    @property
    def sockets(self) -> list[zmq.Socket[Any]]:
        """The monitor sockets, to poll for reading."""
        return list(self._monitors)

    def changes(self) -> list[ConnectionChange]:
        """Every change reported since the last call, in order per socket; never blocks."""
        found = []
        for monitor, what in self._monitors.items():
            while True:
                try:
                    event = recv_monitor_message(monitor, zmq.NOBLOCK)
                except zmq.Again:
                    break
                found.append(ConnectionChange(what, event["event"] != zmq.EVENT_DISCONNECTED))
        return found

    def close(self) -> None:
        for socket in self._watched:
            socket.disable_monitor()
        for monitor in self._monitors:
            monitor.close(linger=0)
