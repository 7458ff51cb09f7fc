"""The spacecraft process' main loop: uplink receiver, sim port and truth feed around the executive."""

from __future__ import annotations

import gc
import logging
import sys
import threading
from typing import Any

import zmq

from flightsw.cli import ParentWatch
from flightsw.clock import RealtimeClock
from flightsw.config.mission import MissionConfig
from flightsw.errors import BindError, FrameError, SimPortError
from flightsw.executive.messages import LinkCounters
from flightsw.executive.spacecraft import Spacecraft
from flightsw.executive.tc_security import TcAuthenticator
from flightsw.icd.curve import Gatekeeper, sender_key, serve_securely
from flightsw.icd.endpoints import Endpoints, bind_form
from flightsw.icd.envelope import is_enveloped, open_envelope
from flightsw.icd.margins import MAX_MESSAGE_OCTETS, RECEIVE_QUEUE_MESSAGES
from flightsw.icd.simport import ResetRequest, ResetStarted, ResetStopped, SimReply, refused
from flightsw.icd.simport import encode as simport_encode
from flightsw.icd.truth import TOPIC, Truth, encode_truth
from flightsw.process.sim_access import UNNAMED, SimPortAccess, readable
from flightsw.process.simport import ProcessCounts, SimPort

log = logging.getLogger(__name__)

UPLINK_WAIT_MS = 10_000
# On a stepped clock the ground drives and must see every truth message: wait this long for its
# truth socket (connecting takes a moment after start-up) before giving one up.
TRUTH_WAIT_MS = 10_000
IDLE_POLL_MS = 200  # upper bound on a poll, so a stop request is noticed promptly


def bind(socket: zmq.Socket[Any], endpoint: str, what: str) -> None:
    try:
        socket.bind(bind_form(endpoint))
    except zmq.ZMQError as error:
        raise BindError(
            f"cannot bind the {what} socket to {endpoint}: {error.strerror}. "
            "Another process may hold the port: stop it, or choose other endpoints "
            "(see --help, or let `mission run` pick free ports)."
        ) from None


class FlightRuntime:
    """Own the process' sockets and run the loop until asked to stop."""

    def __init__(
        self,
        config: MissionConfig,
        endpoints: Endpoints,
        authenticator: TcAuthenticator | None = None,
        access: SimPortAccess | None = None,
    ) -> None:
        self.config = config
        self.access = access
        self.endpoints = endpoints
        # One for the process's life: its anti-replay numbers outlive a reset's new spacecraft.
        self.authenticator = authenticator
        self.context: zmq.Context[Any] = zmq.Context()
        self.running = True
        # Seen by the actors' threads too: once set, nothing waits for a ground (see `stop`).
        self.stopping = threading.Event()
        self.uplink_received = 0
        self.uplink = self.context.socket(zmq.PULL)
        self.sim = self.context.socket(zmq.ROUTER)
        self.truth = self.context.socket(zmq.PUSH)
        for socket in (self.uplink, self.sim, self.truth):
            socket.setsockopt(zmq.LINGER, 0)
        # What anyone may send is bounded: a part's size, and what waits per sender.
        for socket in (self.uplink, self.sim):
            socket.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_OCTETS)
            socket.setsockopt(zmq.RCVHWM, RECEIVE_QUEUE_MESSAGES)
        self.truth.setsockopt(zmq.SNDHWM, 100_000)
        self.gatekeeper: Gatekeeper | None = None
        try:
            if access is not None:
                # The gatekeeper listens before the sockets bind: until then libzmq admits all.
                self.gatekeeper = Gatekeeper(self.context, access.admits, "sim port and truth feed")
                for socket in (self.sim, self.truth):
                    serve_securely(socket, access.certificate.public, access.certificate.secret)
            bind(self.uplink, endpoints.uplink, "uplink")
            bind(self.sim, endpoints.sim, "sim port")
            bind(self.truth, endpoints.truth, "truth feed")
            self.spacecraft = self._build_spacecraft()
        except BaseException:
            self._close_sockets()
            raise
        # Which spacecraft since start-up: a reset builds a new one, and the ground must not take
        # the old one's late truth messages for the new one's.
        self.generation = 1
        self.truth_sent = 0  # of this generation; a step's reply says how many, like frames
        self._truth_taken = True  # until a stepped wait for the ground's truth socket gives up
        self.simport = SimPort(
            self.spacecraft, self._await_uplink, self.stop, self._reset, self._counts
        )
        self.parent: ParentWatch | None = None  # stop when it is gone (--exit-with-parent)

    def _counts(self) -> ProcessCounts:
        return ProcessCounts(self.generation, self.truth_sent, self.uplink_received)

    def _build_spacecraft(self) -> Spacecraft:
        spacecraft = Spacecraft(
            self.config,
            self.context,
            self.endpoints.downlink,
            stopping=self.stopping,
            authenticator=self.authenticator,
        )
        spacecraft.executive.after_tick.append(self._publish_truth)
        return spacecraft

    def _reset(self, request: ResetRequest) -> SimReply:
        """Take the spacecraft down ("stop"), then fly a new one from the config ("start").

        Two phases, so the ground can take in every frame of the old spacecraft before the new
        one sends its first (it announces itself as it starts). Uplink frames the ground has
        sent are taken off the socket first, so none reaches the new spacecraft.
        """
        if request.phase == "stop":
            self._await_uplink(request.uplink_sent)
            old = self.spacecraft
            old.executive.flush()
            old_downlink_sent = old.downlink.ask(LinkCounters(), block=True, timeout=10)[
                "frames_sent"
            ]
            old.stop()
            self.uplink_received = 0
            return ResetStopped(old_downlink_sent=old_downlink_sent)
        self.spacecraft = self._build_spacecraft()
        self.simport.spacecraft = self.spacecraft
        self.generation += 1
        self.truth_sent = 0
        log.info("reset: a new %s flies from mission time 0", self.config.name)
        return ResetStarted(generation=self.generation)

    def stop(self) -> None:
        """Ask the loop to stop (a signal handler calls it): a step under way ends at its next
        tick, and no send or wait holds on for a ground that may be gone."""
        self.running = False
        self.stopping.set()

    def run(self) -> None:
        """Serve until stopped; in realtime, tick whenever mission time reaches a deadline."""
        # Start-up garbage is permanent; freezing it keeps the cyclic collector's pauses short.
        gc.collect()
        gc.freeze()
        sys.setswitchinterval(0.0005)  # lets actor threads answer the executive promptly
        poller = zmq.Poller()
        poller.register(self.uplink, zmq.POLLIN)
        poller.register(self.sim, zmq.POLLIN)
        clock = self.spacecraft.clock
        log.info(
            "%s flying (%s clock%s); uplink %s, sim port %s, downlink to %s",
            self.config.name,
            "stepped" if clock.stepped else "realtime",
            "" if clock.stepped else f" ×{self.config.clock.rate:g}",
            self.endpoints.uplink,
            self.endpoints.sim,
            self.endpoints.downlink,
        )
        while self.running:
            clock = self.spacecraft.clock  # a reset flies a new spacecraft
            executive = self.spacecraft.executive
            if self.parent is not None and self.parent.gone():
                log.warning(
                    "the process that started this one (pid %d) is gone; stopping", self.parent.pid
                )
                self.stop()
                break
            wait_s = clock.wall_wait_s(executive.next_deadline_s())
            timeout_ms = IDLE_POLL_MS if wait_s is None else min(IDLE_POLL_MS, int(wait_s * 1000))
            ready = dict(poller.poll(timeout_ms))
            if self.uplink in ready:
                self._drain_uplink()
            if self.sim in ready:
                self._serve_sim()
            if not clock.stepped and not getattr(clock, "paused", False):
                try:
                    executive.run_until(clock.now_s())
                except Exception:  # a flight software bug must not take the spacecraft down
                    log.exception("tick failed at mission time %.1f s; flying on", executive.time_s)

    def close(self) -> None:
        try:
            self.spacecraft.stop()
        finally:
            self._close_sockets()
            self.context.term()

    def _close_sockets(self) -> None:
        for socket in (self.uplink, self.sim, self.truth):
            socket.close(linger=0)
        if self.gatekeeper is not None:
            self.gatekeeper.stop()

    # -- uplink ----------------------------------------------------------------------------------

    def _drain_uplink(self) -> None:
        while True:
            try:
                parts = self.uplink.recv_multipart(zmq.NOBLOCK)
            except zmq.Again:
                return
            # Only the ground's enveloped frames count towards the stepping handshake; a frame
            # pushed by anything else (a test, a tool) must not stand in for one of them. An
            # envelope of the right shape counts even when its arrival time is refused.
            if is_enveloped(parts):
                self.uplink_received += 1
            executive = self.spacecraft.executive
            try:
                arrival_s, frame = open_envelope(parts)
            except FrameError as error:
                executive.refuse(error)
                continue
            executive.receive(frame, arrival_s)

    def _await_uplink(self, count: int) -> None:
        """Block until `count` uplink messages have arrived (the ground's sync for stepping)."""
        while self.uplink_received < count:
            if not self._poll(self.uplink, zmq.POLLIN, UPLINK_WAIT_MS):
                if self.stopping.is_set():
                    raise SimPortError("the spacecraft is stopping")
                raise SimPortError(
                    f"the ground says it sent {count} uplink frames but {self.uplink_received} arrived "
                    f"within {UPLINK_WAIT_MS / 1000:g} s; check that the ground's uplink goes to {self.endpoints.uplink}"
                )
            self._drain_uplink()

    def _poll(self, socket: zmq.Socket[Any], event: int, timeout_ms: int) -> bool:
        """Whether `socket` is ready for `event` within `timeout_ms`; False at once when stopping
        (a wait is cut into slices so a stop request is noticed within one)."""
        waited_ms = 0
        while waited_ms < timeout_ms and not self.stopping.is_set():
            slice_ms = min(IDLE_POLL_MS, timeout_ms - waited_ms)
            if socket.poll(slice_ms, event):
                return True
            waited_ms += slice_ms
        return False

    # -- sim port --------------------------------------------------------------------------------

    def _serve_sim(self) -> None:
        while True:
            try:
                frames = self.sim.recv_multipart(zmq.NOBLOCK, copy=False)
            except zmq.Again:
                return
            parts = [frame.bytes for frame in frames]
            identity, payload = parts[0], parts[-1]
            reply = self._sim_reply(identity, frames[-1], payload)
            self.sim.send_multipart([identity, *parts[1:-1], reply])

    def _sim_reply(self, identity: bytes, frame: zmq.Frame, payload: bytes) -> bytes:
        """The reply to one sim-port request, from a client named as `SimPortAccess.name` says."""
        if self.access is None:
            return self.simport.serve(payload, readable(identity) or UNNAMED)
        name = self.access.name(sender_key(frame), identity)
        if name is None:
            return simport_encode(
                refused("your key has been revoked: it is no longer a test conductor's")
            )
        return self.simport.serve(payload, name)

    def _utc_at(self, time_s: float) -> float | None:
        """When (UTC) a realtime clock read `time_s`; None on a stepped clock."""
        clock = self.spacecraft.clock
        return clock.utc_at(time_s) if isinstance(clock, RealtimeClock) else None

    def _publish_truth(self, time_s: float) -> None:
        """Truth after each tick, with the count of downlink messages sent so far: the ground
        must not move its clock to `time_s` before it has every message sent up to then."""
        fix = self.spacecraft.navigation_fix()
        truth = Truth(
            generation=self.generation,
            time_s=time_s,
            downlink_sent=self.spacecraft.executive.frames_sent,
            range_m=None if fix is None else float(fix.station_range_m),
            station_visible=None if fix is None else fix.station_visible,
            downlink_closes=self.spacecraft.downlink_closes(),
            injections=self.simport.take_injections(),
            utc_s=self._utc_at(time_s),
        )
        # A realtime spacecraft never waits for the ground; a stepped one does, since a truth
        # message lost before the ground's socket had connected would leave the ground judging
        # that tick's frames with a later tick's range, and two runs would differ.
        # Having given up once (no ground at all: the sim port driven by hand), it stops waiting
        # until a ground takes truth again.
        waits = self.spacecraft.clock.stepped and self._truth_taken
        if waits and not self._poll(self.truth, zmq.POLLOUT, TRUTH_WAIT_MS):
            if self.stopping.is_set():
                return  # stopping: the ground gets what it already has
            log.warning(
                "no ground took the truth feed at %s within %g s; dropping truth until one does",
                self.endpoints.truth,
                TRUTH_WAIT_MS / 1000,
            )
            self._truth_taken = False
            return
        try:
            self.truth.send_multipart([TOPIC, encode_truth(truth)], zmq.NOBLOCK)
            self.truth_sent += 1
            self._truth_taken = True
        except zmq.Again:  # no ground has taken truth for 100 000 ticks (realtime): drop
            pass
