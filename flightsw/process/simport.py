"""The sim port: the test harness' umbilical (clock control, faults, truth), never delayed.

Requests and replies are the typed messages of `flightsw.icd.simport` (docs/icd.md, "Sim
port"): `serve` decodes a request, runs its op and encodes the reply. Every request gets an
answer: a malformed one, or one the spacecraft cannot carry out, a `Refused` with what was
wrong and what to do.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flightsw.clock import RealtimeClock
from flightsw.errors import ClockError, MessageError, SimPortError
from flightsw.executive.messages import InjectCrash, LinkCounters
from flightsw.executive.spacecraft import Spacecraft
from flightsw.icd.reporting import RefusalReporter
from flightsw.icd.simport import (
    ClearRequest,
    ClockReply,
    CrashRequest,
    DictionaryReply,
    DictionaryRequest,
    Done,
    FaultsReply,
    FaultsRequest,
    InjectRequest,
    PauseRequest,
    RateReply,
    ResetRequest,
    ResumeRequest,
    SetRateRequest,
    ShutdownRequest,
    SimReply,
    SimRequest,
    StatusReply,
    StatusRequest,
    StepRequest,
    SyncRequest,
    TimeReply,
    TruthReply,
    TruthRequest,
    decode_request,
    encode,
    refused,
)
from flightsw.icd.truth import Injection

log = logging.getLogger(__name__)

Reset = Callable[[ResetRequest], SimReply]


@dataclass(frozen=True, slots=True)
class ProcessCounts:
    """What the process, not the spacecraft, counts: which spacecraft since start-up, the truth
    messages it has sent and the uplink frames it has taken in (both of that spacecraft)."""

    generation: int
    truth_sent: int
    uplink_received: int


class SimPort:
    """Serve sim-port requests against one spacecraft."""

    def __init__(
        self,
        spacecraft: Spacecraft,
        await_uplink: Callable[[int], None],
        on_shutdown: Callable[[], None],
        on_reset: Reset | None = None,
        counts: Callable[[], ProcessCounts] = lambda: ProcessCounts(1, 0, 0),
    ) -> None:
        self.counts = counts
        self.spacecraft = spacecraft
        self.await_uplink = await_uplink
        self.on_shutdown = on_shutdown
        self.on_reset = on_reset
        self.injections = 0
        self.noted: list[Injection] = []  # injections and clears for the next truth message
        self.client = "a sim-port client"  # who asks what is being served (see `serve`)
        # Every refused request is counted by reason (`status` says how many); the log says the
        # first of each reason in a window, then how many more.
        self.refusals = RefusalReporter()
        self.handlers: dict[type[SimRequest], Callable[[Any], SimReply]] = {
            StatusRequest: self._status,
            DictionaryRequest: lambda _: DictionaryReply(dictionary=self.spacecraft.dictionary()),
            StepRequest: self._step,
            SyncRequest: self._sync,
            PauseRequest: self._pause,
            ResumeRequest: self._resume,
            SetRateRequest: self._set_rate,
            InjectRequest: self._inject,
            ClearRequest: self._clear,
            FaultsRequest: self._faults,
            TruthRequest: self._truth,
            CrashRequest: self._crash,
            ResetRequest: self._reset,
            ShutdownRequest: self._shutdown,
        }

    def serve(self, payload: bytes, client: str = "a sim-port client") -> bytes:
        """Answer one request's octets with the reply's (never raises for what comes in);
        `client` names the requester in the injections it makes (see `SimPortAccess.name`)."""
        self.client = client
        self._summarise()
        try:
            request = decode_request(payload)
        except MessageError as error:
            return encode(self._refuse(error.reason, error.detail))
        return encode(self.handle(request))

    def handle(self, request: SimRequest) -> SimReply:
        try:
            return self.handlers[type(request)](request)
        except (SimPortError, ClockError) as error:
            return self._refuse("declined", str(error))
        except Exception as error:  # the spacecraft flies on; the harness hears what went wrong
            log.exception("sim-port %s failed", request.op)
            self.refusals.admit("defect", self.spacecraft.clock.now_s())
            return refused(f"{request.op} failed inside the flight software: {error!r}")

    def _refuse(self, reason: str, detail: str) -> SimReply:
        if self.refusals.admit(reason, self.spacecraft.clock.now_s()):
            log.warning("sim-port request refused (%s): %s", reason, detail)
        return refused(detail)

    def _summarise(self) -> None:
        summary = self.refusals.summary(self.spacecraft.clock.now_s())
        if summary is not None:
            log.warning("sim-port requests refused: %s", summary.text())

    # -- clock -----------------------------------------------------------------------------------

    def _status(self, _: StatusRequest) -> StatusReply:
        """Where the spacecraft is, and every count a ground attaching to it starts from.

        The downlink's counters come from one ask, so the messages sent and the packets made per
        APID are of one instant; packets the executive still holds are not made yet and will
        get the sequence counts that follow.
        """
        executive = self.spacecraft.executive
        clock = self.spacecraft.clock
        link = self.spacecraft.downlink.ask(LinkCounters(), block=True, timeout=10)
        counts = self.counts()
        authenticator = executive.dispatcher.authenticator
        return StatusReply(
            mission=self.spacecraft.config.name,
            time_s=(now_s := self._now_s()),
            mode="stepped" if clock.stepped else "realtime",
            rate=executive.rate(),
            paused=bool(getattr(clock, "paused", False)),
            tick_s=executive.tick_s,
            ticks=executive.ticks,
            downlink_sent=link["frames_sent"],
            range_m=self.spacecraft.range_m(),
            executive=executive.housekeeping(),
            generation=counts.generation,
            truth_sent=counts.truth_sent,
            uplink_received=counts.uplink_received,
            generated=link.get("generated", {}),
            uplink_refused=dict(executive.dispatcher.frames_refused),
            uplink_late=executive.arrivals.late,
            sim_refused=dict(self.refusals.counts),
            tc_sequence={} if authenticator is None else authenticator.last_taken(),
            tc_active_spi=None if authenticator is None else authenticator.active,
            utc_s=clock.utc_at(now_s) if isinstance(clock, RealtimeClock) else None,
        )

    def _step(self, request: StepRequest) -> ClockReply:
        """Advance a stepped clock by `seconds`, after the uplink frames the ground sent arrive."""
        if not self.spacecraft.clock.stepped:
            raise SimPortError(
                "step needs a stepped clock; this run is realtime (use pause/resume/set_rate)"
            )
        self.await_uplink(request.uplink_sent)
        self.spacecraft.executive.run_until(self._now_s() + request.seconds)
        return self._sync(SyncRequest())

    def _now_s(self) -> float:
        """Mission time: a stepped clock may stand between two ticks (a step shorter than one)."""
        clock = self.spacecraft.clock
        return clock.now_s() if clock.stepped else self.spacecraft.executive.time_s

    def _sync(self, request: SyncRequest) -> ClockReply:
        """Where time is and how many frames have left, so the ground can wait for all of them."""
        self.await_uplink(request.uplink_sent)
        executive = self.spacecraft.executive
        executive.flush()
        counters = self.spacecraft.downlink.ask(LinkCounters(), block=True, timeout=10)
        return ClockReply(
            time_s=self._now_s(),
            downlink_sent=counters["frames_sent"],
            truth_sent=self.counts().truth_sent,
            range_m=self.spacecraft.range_m(),
        )

    def _realtime_clock(self) -> RealtimeClock:
        clock = self.spacecraft.clock
        if not isinstance(clock, RealtimeClock):
            raise SimPortError(
                "pause, resume and set_rate need a realtime clock; this run is stepped (use step)"
            )
        return clock

    def _pause(self, _: PauseRequest) -> TimeReply:
        self._realtime_clock().pause()
        return TimeReply(time_s=self.spacecraft.clock.now_s())

    def _resume(self, _: ResumeRequest) -> TimeReply:
        self._realtime_clock().resume()
        return TimeReply(time_s=self.spacecraft.clock.now_s())

    def _set_rate(self, request: SetRateRequest) -> RateReply:
        self._realtime_clock().set_rate(request.rate)
        return RateReply(rate=request.rate)

    # -- faults and truth ------------------------------------------------------------------------

    def _inject(self, request: InjectRequest) -> TimeReply:
        subsystem, fault, params = request.subsystem, request.fault, request.params
        report = self.spacecraft.executive.inject(subsystem, fault, dict(params))
        if not report.ok:
            raise SimPortError(f"cannot inject {subsystem}.{fault}: {report.reason}")
        self.injections += 1
        self.noted.append(Injection(subsystem, fault, "inject", dict(params), self.client))
        log.warning("fault injected: %s.%s %s", subsystem, fault, params)
        return TimeReply(time_s=self.spacecraft.executive.time_s)  # it acts from the last tick

    def _clear(self, request: ClearRequest) -> TimeReply:
        subsystem, fault = request.subsystem, request.fault
        report = self.spacecraft.executive.clear(subsystem, fault)
        if not report.ok:
            raise SimPortError(f"cannot clear {subsystem}.{fault}: {report.reason}")
        self.noted.append(Injection(subsystem, fault, "clear", {}, self.client))
        log.warning("fault cleared: %s.%s", subsystem, fault)
        return TimeReply(time_s=self.spacecraft.executive.time_s)

    def take_injections(self) -> tuple[Injection, ...]:
        """The injections made since the last call (for the next truth message)."""
        noted, self.noted = tuple(self.noted), []
        return noted

    def _faults(self, _: FaultsRequest) -> FaultsReply:
        return FaultsReply(faults={m.name: tuple(m.faults) for m in self.spacecraft.models})

    def _member(self, subsystem: str) -> str:
        if subsystem not in self.spacecraft.supervisor.members:
            raise SimPortError(
                f"no subsystem {subsystem!r} (known: {', '.join(self.spacecraft.supervisor.members)})"
            )
        return subsystem

    def _truth(self, request: TruthRequest) -> TruthReply:
        subsystem = self._member(request.subsystem)
        return TruthReply(
            time_s=self.spacecraft.executive.time_s, state=self.spacecraft.truth(subsystem)
        )

    def _crash(self, request: CrashRequest) -> TimeReply:
        """Make a subsystem's actor fail on its next tick, to exercise supervision."""
        subsystem = self._member(request.subsystem)
        self.spacecraft.supervisor.ask(subsystem, InjectCrash())
        log.warning("software fault injected into %s", subsystem)
        return TimeReply(time_s=self.spacecraft.executive.time_s)

    def _reset(self, request: ResetRequest) -> SimReply:
        """Replace the spacecraft with a new one built from the config (stepped clock only).

        `phase` "stop" takes the spacecraft down and says how many frames it sent; "start" flies
        the new one. Nothing else may come between the two.
        """
        if not self.spacecraft.clock.stepped:
            raise SimPortError("reset needs a stepped clock; restart a realtime run instead")
        if self.on_reset is None:
            raise SimPortError("this spacecraft cannot be reset")
        reply = self.on_reset(request)
        self.injections = 0
        return reply

    def _shutdown(self, _: ShutdownRequest) -> Done:
        self.on_shutdown()
        return Done()
