"""The ground's mission clock and the spacecraft's silence, as the main loop keeps them.

`GroundRuntime` tells this what comes off its sockets (every word, every reply, every change of
connection) and asks it what the clock says and whether a request should still wait. The rules
themselves are `ground.process.clock` (mission time) and `ground.process.silence` (when quiet
is silence); here they meet the sim port's requests and the service that announces a silence.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable

from flightsw.icd import simport
from ground.process.clock import GroundClock, WallClock
from ground.process.monitor import ConnectionChange
from ground.process.service import GroundService
from ground.process.silence import SilenceWatch, announce_heard, announce_silence
from ground.process.sim_requests import SimRequests, SimWait

log = logging.getLogger(__name__)

IDLE_POLL_MS = 200  # upper bound on the main loop's wait for a socket
Send = Callable[[simport.SimRequest, Callable[[simport.SimReply], None]], None]
"""Sends a sim-port request and hands its reply (or the ground's refusal) to the callback."""


class Liveness:
    """Keep the ground's clock running and notice when the spacecraft falls silent."""

    def __init__(
        self, clock: GroundClock, silence_s: float, sim: SimRequests, wall_s: WallClock
    ) -> None:
        """Run `clock`; `silence_s` wall seconds without an owed word are silence; `sim` holds
        the sim-port requests waiting for an answer."""
        self.clock = clock
        self.sim = sim
        self.wall_s = wall_s
        self.watch = SilenceWatch(silence_s, wall_s())
        self._started_wall_s = wall_s()
        self._probing = False  # a status request asks a quiet realtime spacecraft if it is there
        self.leaving = False  # the spacecraft was asked to shut down: its going is no silence

    @property
    def silent(self) -> bool:
        return self.watch.silence is not None

    # -- what comes off the sockets --------------------------------------------------------------

    def heard(self, service: GroundService, mission_s: float | None = None) -> None:
        """The spacecraft said something (of mission time `mission_s`, if it has one)."""
        if self.watch.heard(self.wall_s(), mission_s) is not None:
            announce_heard(service)

    def replied(self, request: simport.SimRequest, reply: simport.SimReply) -> None:
        """A reply to `request`: what it says of the spacecraft's clock (paused, resumed, its
        rate), the ground's clock does too, whoever asked."""
        if self.clock.stepped:
            return
        match reply:
            case simport.StatusReply(time_s=time_s, rate=rate, paused=paused):
                self.clock.follow(time_s, rate, paused)
            case simport.RateReply(rate=rate):
                self.clock.set_rate(rate)
            case simport.TimeReply(time_s=time_s) if isinstance(request, simport.PauseRequest):
                self.clock.pause(time_s)
            case simport.TimeReply(time_s=time_s) if isinstance(request, simport.ResumeRequest):
                self.clock.resume(time_s)

    def connections(self, service: GroundService, changes: list[ConnectionChange]) -> None:
        """Connections to the spacecraft dropped (its process is gone) or were made again."""
        for change in changes:
            if change.up:
                if not self.watch.connected:
                    log.info("the %s connection to the spacecraft is up again", change.what)
                self.watch.reconnected()
                continue
            if self.leaving:
                continue  # asked to shut down: going is what it was asked to do
            silence = self.watch.dropped(change.what)
            if silence is not None:
                announce_silence(service, silence)
            # Nothing will answer what waits: the process that would have is gone.
            self.sim.forget(self.no_answer)
            self._probing = False

    # -- sim-port requests -----------------------------------------------------------------------

    def refusal(self, request: simport.SimRequest) -> str | None:
        """Why `request` is not sent at all, if it is not: the connection is down."""
        if isinstance(request, simport.ShutdownRequest):
            self.leaving = True
        if self.watch.connected:
            return None
        # Sent now, it would wait in ZeroMQ's queue for whichever process comes next.
        return self.no_answer(request)

    def no_answer(self, wait: SimWait | simport.SimRequest, now_s: float = 0.0) -> str:
        """Why a request gets no answer from a silent spacecraft, and what to check."""
        request = wait.request if isinstance(wait, SimWait) else wait
        return (
            f"no answer to {request.op!r}: {self.watch.silence}; is flightsw running, its sim "
            f"port at {self.sim.endpoint}? (see its log)"
        )

    def unanswered(self, wait: SimWait, now_s: float) -> str | None:
        """Why a request still waiting is refused now, if it is: a silent spacecraft has the
        silence interval to answer, one that keeps talking the request's generous deadline."""
        quiet_s = self.watch.quiet_s(now_s, wait.sent_wall_s)
        if self.silent and quiet_s >= self.watch.silence_s:
            return self.no_answer(wait)
        return self.sim.late(wait, now_s)

    # -- silence ---------------------------------------------------------------------------------

    def check(self, service: GroundService, send: Send) -> None:
        """Notice a spacecraft that owes a word and has said none; `send` a probe to a quiet
        realtime one (a paused clock, or a slow tick, sends no truth; its sim port answers)."""
        if self.leaving:
            return
        now_s = self.wall_s()
        silence = self.watch.check(now_s, self._owed_since_wall_s())
        if silence is not None:
            announce_silence(service, silence)
            self.sim.expire(self.no_answer)
            return
        if self.silent or self.clock.stepped or not self.watch.connected or self._probing:
            return
        if self.watch.quiet_s(now_s, self._started_wall_s) >= self.watch.silence_s / 2:
            self._probing = True
            send(simport.StatusRequest(), self._probed)

    def _probed(self, reply: simport.SimReply) -> None:
        """The probe is answered (its reply, like every reply, has been heard) or refused."""
        self._probing = False

    def _owed_since_wall_s(self) -> float | None:
        """Since when (wall s) the spacecraft owes the ground a word; None if it owes none.

        In realtime always (a truth message per tick; paused, the answer to a probe); stepped,
        only while a sim-port request waits for its answer.
        """
        if not self.clock.stepped:
            return self._started_wall_s
        return self.sim.oldest_unanswered_wall_s()

    # -- the clock -------------------------------------------------------------------------------

    def run_clock(self, service: GroundService, held: bool) -> bool:
        """Realtime: move the service's mission time on with the wall clock; whether it moved.

        While a truth message waits for frames still on the wire (`held`), the clock stays
        where it is: the frames will come, and moving on would judge them missing or stale.
        Once the spacecraft is silent they will not, and it runs on.
        """
        if not self.clock.running:
            return False
        now_s = self.clock.now_s(hold=held and not self.silent)
        if now_s <= service.now_s:
            return False
        service.run_clock(now_s)
        return True

    def poll_ms(self, service: GroundService, held: bool) -> int:
        """How long the loop may wait for a socket: until the next frame falls due (realtime)."""
        due_s = service.downlink.next_due_s()
        if due_s is None or held:  # (held truths: the frames they wait for wake the loop)
            return IDLE_POLL_MS
        wait_s = self.clock.wall_wait_s(due_s)
        if wait_s is None:
            return IDLE_POLL_MS
        return min(IDLE_POLL_MS, math.ceil(wait_s * 1000))
