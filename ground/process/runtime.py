"""The ground process' main loop: frames and truth taken in in order, steps, resets, control."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import zmq

from flightsw.cli import ParentWatch
from flightsw.clock import wall_s_at_utc, wall_time_s
from flightsw.config import EXECUTIVE
from flightsw.icd import (
    ACTIVATE_KEY,
    DOWNLINK_QUEUE_MESSAGES,
    Truth,
    encode_envelope,
    first_packet,
    peek_tm_time_s,
    simport,
)
from ground.api import CommandStaged, FeedEvent, Refusal, ResetReply
from ground.errors import GroundError
from ground.link.signer import TcSigner
from ground.process.archive_close import ArchiveClosed, close_archive
from ground.process.attachment import Attachment, Backlog, Flying, why_another
from ground.process.clock import GroundClock, WallClock
from ground.process.control import ControlApi, OnReset, OnSimReply
from ground.process.liveness import Liveness
from ground.process.segments import begin_segment
from ground.process.service import GroundService
from ground.process.silence import DEFAULT_SILENCE_S
from ground.process.sim_requests import SimRequests
from ground.process.sockets import GroundSockets, publish_on, serve_control
from ground.vocabulary import CommandStatus

log = logging.getLogger(__name__)

REKEY_COMMAND = f"{EXECUTIVE}.{ACTIVATE_KEY.name}"

TRUTHS_WAITING = 100_000
"""Truth messages that may wait for the frames sent before them. Each waits only for frames
already on the socket, so a handful wait in a healthy run; more means a truth that counts frames
never sent, and the ones after it are refused (`truth_backlog`) rather than kept forever."""
FRAMES_HELD = DOWNLINK_QUEUE_MESSAGES
"""Downlink messages held during a step for the truth that follows them, as many as the socket
queues (about 100 MB of station ticks); past this many (a flood on the downlink during a step)
the oldest is taken in at once, judged with the latest truth."""
# Wall seconds a spacecraft that keeps talking has to answer a sim-port request (a step gets
# more); one that says nothing for the silence interval fails the request sooner.
SIM_TIMEOUT_S = 30.0
FLUSH_EVERY_S = 1.0  # mission seconds between archive commits while time runs


@dataclass(slots=True)
class PendingReset:
    """A reset under way: the old run ends once all the old spacecraft's frames are in."""

    run_name: str
    respond: OnReset
    old_downlink_sent: int | None = None  # known once the old spacecraft has stopped


@dataclass(slots=True)
class PendingStep:
    """A step the spacecraft has done; done for the ground once all its frames have arrived."""

    respond: OnSimReply
    reply: simport.SimReply | None = None


@dataclass(slots=True)
class Reattaching:
    """Signs of another spacecraft were seen: until its status says, what comes is held."""

    why: str
    asking: bool = False  # a status request is on its way
    frames: list[bytes] = field(default_factory=list)
    truths: list[tuple[Truth, float]] = field(default_factory=list)  # with their wall times


class GroundRuntime:
    """Run the ground service on its sockets until stopped."""

    def __init__(
        self,
        sockets: GroundSockets,
        service: GroundService,
        sim_timeout_s: float = SIM_TIMEOUT_S,
        build_service: Callable[[str], GroundService] | None = None,
        clock: GroundClock | None = None,
        silence_s: float = DEFAULT_SILENCE_S,
        attachment: Attachment | None = None,
        wall_s: WallClock = wall_time_s,
        signer: TcSigner | None = None,
    ) -> None:
        """Serve `service` on `sockets`; `clock` is the ground's mission time (stepped if
        None), `silence_s` the wall seconds without a word before the spacecraft is silent,
        `attachment` the spacecraft's counts when the ground met it (None: it had sent nothing),
        `signer` what signs every telecommand sent up (None: they go up unauthenticated)."""
        self.sockets = sockets
        self.signer = signer
        self.build_service = build_service
        self.parent: ParentWatch | None = None  # stop when it is gone (--exit-with-parent)
        self.sim_timeout_s = sim_timeout_s
        self.wall_s = wall_s
        self.clock = clock if clock is not None else GroundClock(wall_s, stepped=True)
        self.sim = SimRequests(sockets.sim, sockets.endpoints.sim, sim_timeout_s, wall_s)
        self.liveness = Liveness(self.clock, silence_s, self.sim, wall_s)
        self.service = service
        self.running = True
        self.archive_full = False  # stopped because the archive held all it may
        self._steps: deque[PendingStep] = deque()
        self._frames: deque[bytes] = deque()  # received during a step, not yet taken in
        # Received, not yet applied, in order; each with the wall time it came off its socket.
        self._truths: deque[tuple[Truth, float]] = deque()
        self._last_flush_s = service.now_s
        self._reset: PendingReset | None = None
        self._reattaching: Reattaching | None = None
        self._deferred: list[tuple[float, OnSimReply]] = []  # steps asked while reattaching
        self.flying = Flying(attachment or Attachment.fresh(tick_s=1.0))
        self._attach_to(self.flying.attachment)
        self._attach(service)
        self.control = ControlApi(
            service, self._sim_request, self._step, self.stop, self._start_reset
        )

    def _attach_to(self, attachment: Attachment) -> None:
        """Count from the spacecraft's own counts (`ground.process.attachment`)."""
        self.attachment = attachment
        if self.signer is not None:
            self.signer.sign_from(
                attachment.tc_sequence, attachment.tc_active_spi, attachment.uplink_waiting
            )
        self.flying = Flying(attachment, self.flying.retired)
        self._backlog = Backlog(attachment, self.wall_s())
        # Downlink messages (each a batch of transfer frames) off the socket, + those the backlog
        # says were lost; and those handed to the service (fewer while a step buffers).
        self.downlink_received = 0
        self.downlink_taken_in = 0
        self.truth_received = attachment.truth_sent
        self.uplink_sent = attachment.uplink_received

    def _attach(self, service: GroundService) -> None:
        service.uplink = self._uplink
        service.publish = self._publish
        service.commander.protect = self._sign
        gatekeeper = self.sockets.gatekeeper
        if gatekeeper is not None:
            service.connections_refused = lambda: gatekeeper.refused

    def stop(self) -> None:
        self.running = False

    def run(self) -> None:
        sockets = self.sockets
        poller = zmq.Poller()
        monitors = sockets.monitor.sockets
        for socket in (sockets.downlink, sockets.truth, sockets.sim, sockets.control, *monitors):
            poller.register(socket, zmq.POLLIN)
        while self.running:
            if self.parent is not None and self.parent.gone():
                log.warning(
                    "the process that started this one (pid %d) is gone; stopping", self.parent.pid
                )
                break
            ready = dict(poller.poll(self.liveness.poll_ms(self.service, bool(self._truths))))
            if sockets.downlink in ready:
                self._apply_truths()
            if sockets.truth in ready:
                self._drain_truth()
            if sockets.sim in ready:
                self._drain_sim()
            if any(monitor in ready for monitor in monitors):
                self._drain_monitor()
            self._watch()
            if sockets.control in ready:
                self._drain_control()
            if self._backlog.open:
                self._settle_backlog()
            if self._reattaching is not None and not self._reattaching.asking:
                self._ask_where()
            self._finish_steps()
            if self._reset is not None:
                self._finish_reset()
            if self.sim:
                self.sim.expire(self.liveness.unanswered)
        self._take_in_the_rest()

    def close(self) -> ArchiveClosed:
        """Close the run's archive: what it cannot write is spilled, and said (never raised)."""
        return close_archive(self.service.archive)

    def _take_in_the_rest(self) -> None:
        """Stopping cleanly: keep every frame and truth already received, in order, and what is
        still in flight, so the archive ends with the last frame that reached the antenna."""
        self._drain_truth()  # the sockets' queues; truths are applied as their frames are in
        self._drain_downlink()  # frames that came with no truth after them
        if self._reattaching is not None:  # no answer now: what it held is history to keep
            held, self._reattaching = self._reattaching, None
            for frame in held.frames:
                self._arrived(frame, hold=False)
        self._take_in_held()
        while self._truths:  # their frames will not come now: the clock still moves to them
            truth, arrived_wall_s = self._truths.popleft()
            self.service.update_link(
                truth.time_s, truth.range_m, truth.station_visible, truth.downlink_closes
            )
            self.clock.anchor(truth.time_s, _when_it_read(truth, arrived_wall_s))
            self._advance(truth.time_s)
        self.service.land_in_flight()  # the close commits them (or spills what it cannot)

    # -- link ------------------------------------------------------------------------------------

    def _drain_downlink(self) -> None:
        """Take downlink messages off the socket; while a step runs, hold them for `_apply_truths`."""
        socket = self.sockets.downlink
        # Held during a step, and before the first range is known where light time comes from
        # it: judged without a range, a message would take the config's fallback light time (3
        # minutes for the Mars cruise) and hold up every message behind it.
        hold = self._holding()
        heard = False
        while True:
            try:
                message = socket.recv(zmq.NOBLOCK, copy=True)
            except zmq.Again:
                break
            heard = True
            if self._reattaching is not None:
                self._reattaching.frames.append(message)
            elif self.flying.suspects_frame(message, self.service.now_s):
                self._reattach("a message older than the ground's clock starts a count again")
                assert self._reattaching is not None
                self._reattaching.frames.append(message)
            else:
                self._arrived(message, hold)
        if heard:
            self.liveness.heard(self.service)

    def _holding(self) -> bool:
        return bool(self._steps) or self.service.channel.awaiting_range()

    def _arrived(self, message: bytes, hold: bool) -> None:
        now_s = self.wall_s() if self._backlog.open else 0.0
        grown = self._backlog.take(message, now_s)
        if grown > 1:
            self._lost_before(grown - 1)
        self.downlink_received += 1
        if self._backlog.open and self.attachment.time_s > 0.0:
            # Sent before the attachment by a spacecraft already flying: history by now. It
            # comes before any message sent after, so it goes in at once, in its turn.
            self.downlink_taken_in += 1
            self.service.on_late_message(message)
        elif hold:
            self._frames.append(message)
            if len(self._frames) > FRAMES_HELD:
                self._take_in(self._frames.popleft())
        else:
            self._take_in(message)

    def _settle_backlog(self) -> None:
        lost = self._backlog.settle(self.wall_s())
        if lost:
            self._lost_before(lost)
            self._apply_truths()

    def _lost_before(self, lost: int) -> None:
        """Frames sent before the attachment that will never come count as come."""
        log.info(
            "%d frames the spacecraft sent before this ground attached never arrived (a ground "
            "before it had them); the onboard recorder keeps them",
            lost,
        )
        self.downlink_received += lost
        self.downlink_taken_in += lost

    def _take_in(self, message: bytes) -> None:
        self.downlink_taken_in += 1
        self.service.on_downlink_message(message)

    def _take_in_held(self, up_to: int | None = None) -> None:
        """Hand held frames to the service, in arrival order, until `up_to` have been taken in."""
        while self._frames and (up_to is None or self.downlink_taken_in < up_to):
            self._take_in(self._frames.popleft())

    # -- another spacecraft ----------------------------------------------------------------------

    def _reattach(self, why: str) -> None:
        """Hold what comes and ask the spacecraft where it is (`_reattached` decides)."""
        if self._reattaching is not None:
            return
        log.warning("%s: asking the spacecraft where it is", why)
        self._take_in_held()  # what was held came before the sign: the spacecraft of before
        self._truths.clear()  # their frames may never come: the status counts afresh
        self._reattaching = Reattaching(why)
        self._ask_where()

    def _ask_where(self) -> None:
        """Ask the status, once a spacecraft is there to answer (the loop asks again if not)."""
        assert self._reattaching is not None
        if self.liveness.watch.connected:
            self._reattaching.asking = True
            self._sim_request(simport.StatusRequest(), self._reattached)

    def _reattached(self, reply: simport.SimReply) -> None:
        """Attach to the spacecraft flying now; if it is another one, start the next segment."""
        held = self._reattaching
        assert held is not None
        if not isinstance(reply, simport.StatusReply):
            log.error("the spacecraft did not say where it is (%s); asking again", reply)
            held.asking = False
            return
        self._reattaching = None
        attachment = Attachment.from_status(reply)
        another = why_another(self.flying.known(), attachment)
        if another is not None:
            times = [peek_tm_time_s(first_packet(message)) for message in held.frames]
            start_s = min([attachment.time_s, *(t for t in times if t is not None),
                           *(truth.time_s for truth, _ in held.truths)])  # fmt: skip
            begin_segment(self.service, start_s, f"another spacecraft flies: {another}")
            self.flying.retired.clear()  # a new process numbers its generations from 1 again
            self.clock.anchor(start_s, self.wall_s())
            self._last_flush_s = start_s
        else:
            log.info("the same spacecraft flies (%s)", attachment.describe())
        self._attach_to(attachment)
        hold = self._holding()
        for frame in held.frames:
            self._arrived(frame, hold)
        for truth, arrived_wall_s in held.truths:
            self._received(truth, arrived_wall_s)
        self._apply_truths()
        deferred, self._deferred = self._deferred, []
        for seconds, respond in deferred:
            self._step(seconds, respond)

    # -- uplink and truth ------------------------------------------------------------------------

    def _sign(self, frame: bytes) -> bytes | None:
        """`frame` as it goes up: signed when telecommands are authenticated; None if it
        cannot be (its key's numbers are spent)."""
        if self.signer is None:
            return frame
        try:
            return self.signer.sign(frame)
        except OverflowError as error:  # 2**32 telecommands under one key
            log.error("telecommand not sent: %s", error)
            return None

    def _uplink(self, arrival_s: float, frame: bytes) -> None:
        self.sockets.uplink.send_multipart(encode_envelope(arrival_s, frame))
        self.uplink_sent += 1

    def _drain_truth(self) -> None:
        latest_s: float | None = None
        heard = False
        while True:
            try:
                parts = self.sockets.truth.recv_multipart(zmq.NOBLOCK)
            except zmq.Again:
                break
            heard = True  # even a malformed or an old spacecraft's: the process speaks
            truth = self.service.truth.take(parts[-1], self.service.now_s)
            if truth is None:
                continue  # malformed: refused, counted and logged by the intake
            if self._reattaching is not None:
                self._reattaching.truths.append((truth, self.wall_s()))
            elif self._received(truth, self.wall_s()):
                latest_s = truth.time_s
        if heard:
            self.liveness.heard(self.service, latest_s)
        self._apply_truths()

    def _received(self, truth: Truth, arrived_wall_s: float) -> bool:
        """Take a truth message in its turn, unless it is not this spacecraft's to take; say
        whether it was taken."""
        why = self.flying.suspects(truth)
        if why is not None:
            self._reattach(why)
            assert self._reattaching is not None
            self._reattaching.truths.append((truth, arrived_wall_s))
            return False
        if not self.flying.takes(truth):
            return False
        if len(self._truths) >= TRUTHS_WAITING:
            waiting = f"{len(self._truths)} truth messages already wait for their frames"
            self.service.truth.refuse("truth_backlog", waiting, self.service.now_s)
            return False
        self.truth_received += 1
        self._truths.append((truth, arrived_wall_s))
        return True

    def _apply_truths(self) -> None:
        """Apply each truth message in turn, once every frame sent before it is here.

        The truth feed and the downlink are separate sockets: a truth message can overtake the
        frames sent before it, and moving the clock early would make rules see a gap that is not
        there. During a step, frames are also held until the truth that follows them: the
        channel then judges every frame with the range, view and signal of its own tick, not of
        whichever truth happened to arrive first, and a stepped run repeats bit for bit.
        """
        self._drain_downlink()
        while self._truths:
            truth, arrived_wall_s = self._truths[0]
            sent = truth.downlink_sent
            if self.downlink_received < sent:
                return  # on their way; the loop calls again when they come
            # The link of this tick judges the frames of this tick; then the clock moves.
            self.service.update_link(
                truth.time_s, truth.range_m, truth.station_visible, truth.downlink_closes
            )
            self._take_in_held(up_to=sent)
            self._truths.popleft()
            self.clock.anchor(truth.time_s, _when_it_read(truth, arrived_wall_s))
            self._advance(truth.time_s)
            self._injected_elsewhere(truth)

    def _injected_elsewhere(self, truth: Truth) -> None:
        """Archive the injections other sim-port clients made (this ground's are archived as it
        asks for them), and say so: a fault the operators did not inject is news."""
        for injection in truth.injections:
            if injection.by == self.sockets.sim_name:
                continue
            self.service.record_injection(
                injection.subsystem, injection.fault, injection.action, dict(injection.params)
            )
            done = "injected" if injection.action == "inject" else "cleared"
            self.service.ground_event(
                "fault_injected_elsewhere",
                3,
                f"{injection.by} {done} {injection.subsystem}.{injection.fault} through the "
                "spacecraft's sim port, not through this ground",
                {"by": injection.by, "action": injection.action},
            )

    def _advance(self, time_s: float) -> None:
        """Truth (or a step's end) has reached `time_s`: the service's clock follows."""
        self.service.advance(time_s)
        self._flush_now_and_then(time_s)

    def _flush_now_and_then(self, time_s: float) -> None:
        if time_s - self._last_flush_s >= FLUSH_EVERY_S:
            self.service.keep_archive(time_s)
            self._last_flush_s = time_s
        self._check_archive_room()

    def _check_archive_room(self) -> None:
        """Stop, so that the close saves them, once the rows held reach their bound."""
        if self.service.archive_watch.must_stop and not self.archive_full:
            archive = self.service.archive
            log.error(
                "the archive %s still cannot be written and holds all it may (%s): the ground "
                "stops to save what it holds to a spill file",
                archive.path,
                archive.hold,
            )
            self.archive_full = True
            self.stop()

    # -- sim port (asynchronous: replies come back in order) -------------------------------------

    def _sim_request(self, request: simport.SimRequest, on_reply: OnSimReply) -> None:
        refusal = self.liveness.refusal(request)
        if refusal is not None:
            on_reply(simport.refused(refusal))
            return
        self.sim.send(request, on_reply)

    def _drain_sim(self) -> None:
        while True:
            try:
                parts = self.sockets.sim.recv_multipart(zmq.NOBLOCK)
            except zmq.Again:
                return
            self.liveness.heard(self.service)
            answered = self.sim.take(parts[-1])
            if answered is None:
                continue
            wait, reply = answered
            self.liveness.replied(wait.request, reply)
            if wait.on_reply is not None:  # None: already answered (timed out, silent)
                wait.on_reply(reply)

    def _drain_monitor(self) -> None:
        self._drain_sim()  # a reply sent just before a connection dropped is still here
        if self.running:
            self.liveness.connections(self.service, self.sockets.monitor.changes())

    def _watch(self) -> None:
        """What the spacecraft said is in: only now may a quiet interval count as silence."""
        if self.running:
            self.liveness.check(self.service, self._sim_request)
        if self.liveness.run_clock(self.service, held=bool(self._truths)):
            self._flush_now_and_then(self.service.now_s)

    def _step(self, seconds: float, respond: OnSimReply) -> None:
        if self._reattaching is not None:  # its uplink count is the next spacecraft's
            self._deferred.append((seconds, respond))
            return
        pending = PendingStep(respond)
        self._steps.append(pending)

        def stepped(reply: simport.SimReply) -> None:
            pending.reply = reply
            self._finish_steps()

        self._sim_request(simport.StepRequest(seconds, self.uplink_sent), stepped)

    def _finish_steps(self) -> None:
        """Answer a step once every frame the spacecraft sent during it has reached the ground."""
        while self._steps and self._steps[0].reply is not None:
            step = self._steps[0]
            reply = step.reply
            assert reply is not None
            if isinstance(reply, simport.ClockReply):  # (a refusal goes back at once)
                self._drain_truth()
                if self.truth_received < reply.truth_sent or self._truths:
                    return  # truth messages or the frames before them on their way; poll again
                if self.downlink_received < reply.downlink_sent:
                    return
                self.service.update_link(reply.time_s, reply.range_m)
                self._take_in_held()
                self.clock.anchor(reply.time_s, self.wall_s())
                self._advance(reply.time_s)
                self.service.keep_archive(reply.time_s)
                self._check_archive_room()
            self._steps.popleft()
            step.respond(reply)

    # -- reset: a new spacecraft and a new run, same processes ----------------------------------

    def _start_reset(self, run_name: str, respond: OnReset) -> None:
        """Have the spacecraft rebuilt from its config and start a new run named `run_name`."""
        if self.build_service is None:
            respond(Refusal(error="this ground cannot be reset"))
            return
        if self._steps or self._reset is not None or self._reattaching is not None:
            respond(Refusal(error="cannot reset while a step or another reset is under way"))
            return

        pending = PendingReset(run_name, respond)
        self._reset = pending

        def stopped(reply: simport.SimReply) -> None:
            if not isinstance(reply, simport.ResetStopped):
                self._reset = None
                respond(_refusal(reply, "reset"))
                return
            pending.old_downlink_sent = reply.old_downlink_sent
            self._finish_reset()

        self._sim_request(simport.ResetRequest("stop", self.uplink_sent), stopped)

    def _finish_reset(self) -> None:
        """Close the old run once every frame of the old spacecraft is in it, open the new run,
        then have the new spacecraft start (its first frames belong to the new run)."""
        pending = self._reset
        assert pending is not None
        if pending.old_downlink_sent is None:
            return  # the spacecraft has not stopped yet
        self._drain_downlink()
        if self.downlink_received < pending.old_downlink_sent:
            return  # on their way; the loop calls again
        self._reset = None
        old_archive = self.service.archive.path
        self.service.land_in_flight()  # as when a run ends with the process: one way to close
        close_archive(self.service.archive)  # what it cannot write is spilled, and said
        assert self.build_service is not None
        try:
            self.service = self.build_service(pending.run_name)
        except (GroundError, OSError) as error:
            pending.respond(Refusal(error=f"cannot start run {pending.run_name!r}: {error}"))
            self.stop()  # no archive to write to: stop rather than lose telemetry
            return
        self._attach(self.service)
        self.control.service = self.service
        if self.flying.generation is not None:
            self.flying.retired.add(self.flying.generation)
        self._attach_to(Attachment.fresh(self.attachment.tick_s, self.attachment.generation))
        self.flying.generation = None  # no truth belongs to the new run until its spacecraft starts
        self._frames.clear()
        self._truths.clear()
        self._last_flush_s = 0.0
        log.info(
            "reset: run %s closed (%s); run %s begins",
            old_archive.stem,
            old_archive,
            pending.run_name,
        )

        def started(reply: simport.SimReply) -> None:
            if not isinstance(reply, simport.ResetStarted):
                pending.respond(_refusal(reply, "reset"))
                return
            self.attachment = replace(self.attachment, generation=reply.generation)
            self.flying.attachment = self.attachment
            self.flying.generation = reply.generation
            done = ResetReply(run_name=pending.run_name, archive=str(self.service.archive.path))
            # The new spacecraft announces itself: answer once that is on the ground, so it is
            # taken in before the first step, in every run alike.
            self._step(0.0, lambda _: pending.respond(done))

        self._sim_request(simport.ResetRequest("start"), started)

    # -- control API and live feed ---------------------------------------------------------------

    def _drain_control(self) -> None:
        serve_control(self.sockets.control, self.control, self.sockets.access)

    def _publish(self, event: FeedEvent) -> None:
        if (
            self.signer is not None
            and isinstance(event, CommandStaged)
            and event.stage == CommandStatus.COMPLETED
            and event.command.name == REKEY_COMMAND
        ):  # the spacecraft takes the new key now: sign with it from the next telecommand
            self._rekeyed(int(event.command.args["spi"]))
        publish_on(self.sockets.feed, event)

    def _rekeyed(self, spi: int) -> None:
        assert self.signer is not None
        try:
            self.signer.activate(spi)
        except (KeyError, OSError) as error:
            log.error(
                "the spacecraft takes SPI %d now, but the ground cannot sign with it (%s); "
                "check the key file %s",
                spi,
                error,
                self.signer.keys.path,
            )


def _refusal(reply: simport.SimReply, op: str) -> Refusal:
    """The control client's refusal for a sim-port reply that is not the one expected."""
    if isinstance(reply, simport.Refused):
        return Refusal(error=reply.error)
    return Refusal(error=f"the spacecraft answered {op!r} with a {type(reply).__name__}")


def _when_it_read(truth: Truth, arrived_wall_s: float) -> float:
    """The wall time at which the spacecraft's clock read the truth's time: the UTC it says
    (a realtime spacecraft; docs/icd.md, "Truth feed"), else when the truth arrived."""
    return arrived_wall_s if truth.utc_s is None else wall_s_at_utc(truth.utc_s)
