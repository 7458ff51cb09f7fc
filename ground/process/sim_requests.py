"""Sim-port requests on their way to the spacecraft, answered in the order they were sent.

The sim port answers in order, so each reply belongs to the oldest request not yet replied to.
A request the ground has answered itself (no answer in time, a silent spacecraft) stays in the
queue until its reply comes, so that a late reply is dropped rather than given to the wrong
request; when the connection drops, nothing will answer, and the queue is emptied.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import zmq

from flightsw.icd import simport
from ground.process.clock import WallClock
from ground.process.control import OnSimReply
from ground.process.sockets import sim_reply

log = logging.getLogger(__name__)


@dataclass(slots=True)
class SimWait:
    """A request on its way: what it was, when it went and until when to wait (wall s), and
    whom to answer (None once answered)."""

    request: simport.SimRequest
    sent_wall_s: float
    deadline_s: float
    on_reply: OnSimReply | None


class SimRequests:
    """Send requests on the sim socket and match the replies that come back."""

    def __init__(
        self, socket: zmq.Socket[Any], endpoint: str, timeout_s: float, wall_s: WallClock
    ) -> None:
        """Requests on `socket` (connected to `endpoint`), each with `timeout_s` wall seconds
        to be answered (a step gets more), timed by `wall_s`."""
        self.socket = socket
        self.endpoint = endpoint
        self.timeout_s = timeout_s
        self.wall_s = wall_s
        self._waiting: deque[SimWait] = deque()

    def __bool__(self) -> bool:
        return bool(self._waiting)

    def send(self, request: simport.SimRequest, on_reply: OnSimReply) -> None:
        """Send `request`; `on_reply` takes the reply, or the refusal the ground gives for it."""
        self.socket.send_multipart([b"", simport.encode(request)])
        seconds = request.seconds if isinstance(request, simport.StepRequest) else 0.0
        sent_wall_s = self.wall_s()
        # A step may take a while: allow a spacecraft that keeps talking a stepped speed of
        # 50x real time.
        deadline_s = sent_wall_s + self.timeout_s + seconds / 50.0
        self._waiting.append(SimWait(request, sent_wall_s, deadline_s, on_reply))

    def take(self, payload: bytes) -> tuple[SimWait, simport.SimReply] | None:
        """The request a reply answers, and the reply decoded; None if nothing asked for it.

        The caller hands the reply to the request's `on_reply`, unless the ground has already
        answered it (None).
        """
        if not self._waiting:
            log.warning("a sim-port reply came that nothing asked for; dropped")
            return None
        wait = self._waiting.popleft()
        return wait, sim_reply(wait.request, payload)

    def oldest_unanswered_wall_s(self) -> float | None:
        """When the oldest request still waiting for its answer was sent (wall s)."""
        return min((w.sent_wall_s for w in self._waiting if w.on_reply is not None), default=None)

    def expire(self, why: Callable[[SimWait, float], str | None]) -> None:
        """Refuse each unanswered request for which `why(wait, now_wall_s)` gives a reason."""
        now_s = self.wall_s()
        for wait in self._waiting:
            if wait.on_reply is None:
                continue
            reason = why(wait, now_s)
            if reason is not None:
                log.error("%s", reason)
                on_reply, wait.on_reply = wait.on_reply, None
                on_reply(simport.refused(reason))

    def late(self, wait: SimWait, now_s: float) -> str | None:
        """Why `wait` is refused for its deadline, if it is past it."""
        if now_s <= wait.deadline_s:
            return None
        return (
            f"the spacecraft did not answer {wait.request.op!r} in time: is flightsw running and "
            f"its sim port at {self.endpoint}? (see its log)"
        )

    def forget(self, why: Callable[[SimWait, float], str | None]) -> None:
        """Nothing will answer (the connection dropped): refuse every request still waiting
        with `why`, and empty the queue."""
        self.expire(why)
        self._waiting.clear()
