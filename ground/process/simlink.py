"""The sim port, asked without waiting: each request tagged, each reply matched by its tag.

The spacecraft's ROUTER sends back every envelope frame of a request with its reply
(docs/icd.md, "Sim port"), so a request that goes out as `[b"", tag, request]` comes back as
`[b"", tag, reply]`. Matching by tag rather than by order keeps a reply with its request when
the order breaks: a spacecraft process that dies with requests outstanding never answers them,
and the next one's replies would otherwise be read as the answers to the dead one's requests.
A request not answered in time is answered for the spacecraft (a refusal saying what to check)
and forgotten; its late reply, if one comes, is recognised by its tag and dropped.
"""

from __future__ import annotations

import itertools
import logging
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import zmq

from flightsw.clock import wall_time_s
from flightsw.icd import simport
from ground.process.sockets import sim_reply

log = logging.getLogger(__name__)

OnSimReply = Callable[[simport.SimReply], None]
SLOWEST_STEP_RATE = 50.0  # a step may run as slowly as 50 mission s per wall s
_TAG = struct.Struct(">Q")


@dataclass(slots=True)
class SimWait:
    """A sim-port request on its way: what it was, until when to wait (wall s), whom to answer."""

    request: simport.SimRequest
    deadline_s: float
    on_reply: OnSimReply


class SimLink:
    """Requests to the sim port over one DEALER socket, answered through callbacks."""

    def __init__(self, socket: zmq.Socket[Any], endpoint: str, timeout_s: float) -> None:
        self.socket = socket
        self.endpoint = endpoint
        self.timeout_s = timeout_s
        self._tags = itertools.count(1)
        self._waiting: dict[bytes, SimWait] = {}  # in the order sent

    def __bool__(self) -> bool:
        return bool(self._waiting)

    def request(self, request: simport.SimRequest, on_reply: OnSimReply) -> None:
        tag = _TAG.pack(next(self._tags))
        self.socket.send_multipart([b"", tag, simport.encode(request)])
        seconds = request.seconds if isinstance(request, simport.StepRequest) else 0.0
        deadline_s = wall_time_s() + self.timeout_s + seconds / SLOWEST_STEP_RATE
        self._waiting[tag] = SimWait(request, deadline_s, on_reply)

    def drain(self) -> None:
        """Hand every reply waiting on the socket to whoever asked."""
        while True:
            try:
                parts = self.socket.recv_multipart(zmq.NOBLOCK)
            except zmq.Again:
                return
            wait = self._waiting.pop(parts[-2], None) if len(parts) >= 2 else None
            if wait is None:
                log.warning(
                    "a sim-port reply came that nothing waits for (late, or untagged); dropped"
                )
                continue
            wait.on_reply(sim_reply(wait.request, parts[-1]))

    def expire(self) -> None:
        """Answer the requests the spacecraft has not answered in time, saying what to check."""
        now_s = wall_time_s()
        late = [tag for tag, wait in self._waiting.items() if now_s > wait.deadline_s]
        for tag in late:
            wait = self._waiting.pop(tag)
            op = wait.request.op
            log.error("the spacecraft did not answer %s in time", op)
            wait.on_reply(
                simport.refused(
                    f"the spacecraft did not answer {op!r} in time: is flightsw running and its "
                    f"sim port at {self.endpoint}? (see its log)"
                )
            )
