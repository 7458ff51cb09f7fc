"""The ground's ZeroMQ sockets: the link to the spacecraft, the control API and the live feed."""

from __future__ import annotations

import contextlib
import logging
import os
from typing import Any

import zmq

from flightsw.icd import (
    DOWNLINK_QUEUE_MESSAGES,
    MAX_MESSAGE_OCTETS,
    RECEIVE_QUEUE_MESSAGES,
    Endpoints,
    Gatekeeper,
    MessageError,
    bind_form,
    connect_securely,
    sender_key,
    serve_securely,
    simport,
)
from ground.api import FeedEvent, Refusal, Reply, encode, encode_event
from ground.errors import LinkError
from ground.process.access import OPEN_API, GroundAccess
from ground.process.control import ControlApi
from ground.process.monitor import ConnectionMonitor

log = logging.getLogger(__name__)


class GroundSockets:
    """The ground's ZeroMQ sockets, each made and used on the main thread."""

    def __init__(self, endpoints: Endpoints, access: GroundAccess | None = None) -> None:
        self.context: zmq.Context[Any] = zmq.Context()
        ctx = self.context
        self.endpoints = endpoints
        self.access = access
        self.gatekeeper: Gatekeeper | None = None
        self.downlink = ctx.socket(zmq.PULL)
        self.uplink = ctx.socket(zmq.PUSH)
        self.sim = ctx.socket(zmq.DEALER)
        # The name the spacecraft gives this ground's injections on the truth feed, so that it
        # archives those of other sim-port clients and not its own twice.
        self.sim_name = f"ground-{os.getpid()}"
        self.sim.setsockopt(zmq.IDENTITY, self.sim_name.encode())
        self.truth = ctx.socket(zmq.PULL)
        self.control = ctx.socket(zmq.ROUTER)
        self.feed = ctx.socket(zmq.PUB)
        self.all = (self.downlink, self.uplink, self.sim, self.truth, self.control, self.feed)
        for socket in self.all:
            socket.setsockopt(zmq.LINGER, 0)
        # What anyone may send is bounded: a part's size, and what waits per sender. A sender
        # past the high-water mark waits (the spacecraft's stepped downlink and truth feed block,
        # so none of theirs is lost) or, sending without blocking, drops and counts.
        for socket in (self.downlink, self.truth, self.control, self.sim):
            socket.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_OCTETS)
            socket.setsockopt(zmq.RCVHWM, RECEIVE_QUEUE_MESSAGES)
        self.downlink.setsockopt(zmq.RCVHWM, DOWNLINK_QUEUE_MESSAGES)  # messages of ~10 kB
        self.uplink.setsockopt(zmq.SNDHWM, 0)
        self.feed.setsockopt(zmq.SNDHWM, 100_000)
        # Watched from before they connect: a dropped connection means the spacecraft is gone.
        self.monitor = ConnectionMonitor(
            ((self.sim, "sim port"), (self.truth, "truth feed"), (self.uplink, "uplink"))
        )
        try:
            if access is not None:
                self._secure(access)
            bind_all(
                (self.downlink, endpoints.downlink, "downlink"),
                (self.control, endpoints.control, "control API"),
                (self.feed, endpoints.feed, "live feed"),
            )
        except BaseException:
            self.close()
            raise
        self.uplink.connect(endpoints.uplink)
        self.sim.connect(endpoints.sim)
        self.truth.connect(endpoints.truth)

    def _secure(self, access: GroundAccess) -> None:
        """CURVE on the control API and live feed (admitting the operators file's keys), and
        to the spacecraft's sim port and truth feed with the ground's own certificate."""
        # The gatekeeper listens before the sockets bind: until then libzmq admits all.
        self.gatekeeper = Gatekeeper(self.context, access.admits, "control API and live feed")
        own = access.certificate
        for server in (self.control, self.feed):
            serve_securely(server, own.public, own.secret)
        for client in (self.sim, self.truth):
            connect_securely(client, access.spacecraft_key, own.public, own.secret)

    def close(self) -> None:
        self.monitor.close()
        for socket in self.all:
            socket.close(linger=0)
        if self.gatekeeper is not None:
            self.gatekeeper.stop()
        self.context.term()


def bind_all(*bindings: tuple[zmq.Socket[Any], str, str]) -> None:
    """Bind each `(socket, endpoint, what)`; a LinkError names the one that failed and why."""
    for socket, endpoint, what in bindings:
        try:
            socket.bind(bind_form(endpoint))
        except zmq.ZMQError as error:
            raise LinkError(
                f"cannot bind the {what} socket to {endpoint}: {error.strerror}. Another process may hold "
                "the port: stop it, or choose other endpoints (see --help, or let `mission run` pick free ports)."
            ) from None


def serve_control(
    socket: zmq.Socket[Any], control: ControlApi, access: GroundAccess | None
) -> None:
    """Answer every request waiting on the control ROUTER socket, without blocking, each for
    the operator its client's key names (anyone's on an open control API)."""
    while True:
        try:
            frames = socket.recv_multipart(zmq.NOBLOCK, copy=False)
        except zmq.Again:
            return
        envelope, payload = [frame.bytes for frame in frames[:-1]], frames[-1].bytes

        def respond(reply: Reply | Refusal, envelope: list[bytes] = envelope) -> None:
            socket.send_multipart([*envelope, encode(reply)])

        if access is None:
            control.handle(payload, respond, OPEN_API)
            continue
        caller = access.caller(sender_key(frames[-1]))
        if caller is None:
            control.refuse_revoked(respond)
            continue
        control.handle(payload, respond, caller)


def publish_on(feed: zmq.Socket[Any], event: FeedEvent) -> None:
    """Send one live-feed event; a slow subscriber never holds up ingest (the archive has it all)."""
    with contextlib.suppress(zmq.Again):
        feed.send_multipart(list(encode_event(event)), zmq.NOBLOCK)


def ask_spacecraft(
    sockets: GroundSockets, request: simport.SimRequest, timeout_ms: int, tag: bytes = b"start"
) -> simport.SimReply | None:
    """One blocking sim-port request, for start-up only; None if no answer within the time-out.

    The request is tagged (`tag`, echoed back with the reply): a reply to an earlier request
    that came too late is recognised and dropped. A reply that does not match the ICD comes back
    as a `Refused` saying so.
    """
    sockets.sim.send_multipart([b"", tag, simport.encode(request)])
    while sockets.sim.poll(timeout_ms):  # late replies are few: each may restart the wait
        parts = sockets.sim.recv_multipart()
        if len(parts) >= 2 and parts[-2] == tag:
            return sim_reply(request, parts[-1])
        log.info("a late sim-port reply was dropped")
    return None


def sim_reply(request: simport.SimRequest, payload: bytes) -> simport.SimReply:
    """Decode the spacecraft's reply to `request`; a malformed one becomes a `Refused`."""
    try:
        return simport.decode_reply(request, payload)
    except MessageError as error:
        log.error("the spacecraft's reply to %s does not match the ICD: %s", request.op, error)
        return simport.refused(
            f"the spacecraft's reply to {request.op!r} does not match the ICD ({error}); "
            "are both processes of the same version?"
        )
