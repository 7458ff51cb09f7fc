"""The executive: one rate group that ticks every subsystem, with telecommands in between.

Each tick is a barrier: the executive tells every subsystem to step, waits for all of them,
lets the software bus deliver what they published, and hands the tick's telemetry to the
downlink in a fixed order. Overload therefore makes mission time lag instead of making queues
grow, and a stepped run produces the same frames every time.
"""

from __future__ import annotations

import logging
import math
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

import pykka

from flightsw.clock import Clock
from flightsw.config.mission import DEFAULT_HK_PERIOD_S, EXECUTIVE
from flightsw.errors import FrameError
from flightsw.executive.arrivals import ArrivalQueue
from flightsw.executive.dispatcher import Dispatcher
from flightsw.executive.messages import (
    ClearFault,
    CommandReport,
    InjectFault,
    OutgoingPacket,
    Publish,
    SendBatch,
    Sync,
)
from flightsw.executive.onboard_services import OnboardServices
from flightsw.executive.schedule import Schedule
from flightsw.executive.supervisor import ASK_TIMEOUT_S, Supervisor
from flightsw.executive.telemetry import POINTS
from flightsw.executive.tick_runs import feeds_itself, plan_run
from flightsw.icd.dictionary import Scalar
from flightsw.icd.messages import Housekeeping, TimeReport
from flightsw.icd.services import Severity
from flightsw.subsystems.events import Event, event
from flightsw.subsystems.telemetry import read_points
from flightsw.subsystems.topics import (
    HK_PREFIX,
    ONBOARD_EVENTS,
    OnboardEvents,
    hk_topic,
)
from flightsw.time_grid import at_or_before, crosses_multiple, last_multiple

log = logging.getLogger(__name__)

TickObserver = Callable[[float, list[Any]], list[OutgoingPacket]]


class Executive:
    """Advance mission time tick by tick; deliver uplinked telecommands at their arrival time."""

    def __init__(
        self,
        clock: Clock,
        tick_s: float,
        supervisor: Supervisor,
        dispatcher: Dispatcher,
        bus: pykka.ActorRef[Any],
        downlink: pykka.ActorRef[Any],
        executive_apid: int,
        hk_period_s: float = DEFAULT_HK_PERIOD_S,
        stopping: threading.Event | None = None,
    ) -> None:
        self.clock = clock
        # Set when the process is asked to stop: a long step ends at the next tick rather than
        # keep the process from stopping for as long as it takes to fly.
        self.stopping = stopping or threading.Event()
        self.tick_s = tick_s
        self.supervisor: Supervisor = supervisor
        self.dispatcher: Dispatcher = dispatcher
        self.bus = bus
        self.downlink = downlink
        self.executive_apid = executive_apid
        self.hk_period_s = hk_period_s
        self.ticks: int = 0
        self.tick_count_at_start = 0
        # The time of the last completed tick: ticks fall on whole multiples of tick_s, whenever
        # the clock was started.
        self.time_s: float = last_multiple(clock.now_s(), tick_s)
        self.frames_sent = 0  # downlink messages (the truth feed's `downlink_sent`)
        self.packets_sent = 0
        self.observers: list[TickObserver] = []
        self.after_tick: list[Callable[[float], None]] = []  # once the tick's frames have left
        self.arrivals = ArrivalQueue()
        self._pending: list[OutgoingPacket] = []
        self.schedule: Schedule = Schedule()
        self.services: OnboardServices = OnboardServices(
            dispatcher, self.schedule, downlink, lambda: self.time_s
        )
        self.last_tc_s: float = self.time_s
        subscriptions = {topic for m in supervisor.members.values() for topic in m.model.subscribes}
        self.watched = {
            topic.removeprefix(HK_PREFIX) for topic in subscriptions if topic.startswith(HK_PREFIX)
        }
        self.events_watched = ONBOARD_EVENTS in subscriptions
        # Events stay on the bus for as long as the slowest subsystem takes between two steps
        # (twice, for margin), so one stepping every 10 ticks still sees them all.
        slowest_s = max((m.tick_period_s for m in supervisor.members.values()), default=tick_s)
        self.event_window_s = 2.0 * max(slowest_s, tick_s)
        self._recent_events: deque[tuple[float, str, str]] = deque()
        # Every publication of the last ticks, the subsystems' and the executive's own, kept
        # until the next delivery: the bus keeps only the latest value of a topic anyway.
        self._outbox: dict[str, Any] = {}
        self._topics_seen: dict[str, set[str]] = {name: set() for name in supervisor.members}

    # -- what is due -----------------------------------------------------------------------------

    def next_tick_s(self) -> float:
        return self.time_s + self.tick_s

    def next_deadline_s(self) -> float:
        """The mission time of the next thing to do: a tick, a telecommand's arrival, a release."""
        deadlines = [self.next_tick_s()]
        arrival_s = self.arrivals.next_s()
        if arrival_s is not None:
            deadlines.append(arrival_s)
        release_s = self.schedule.next_release_s()
        if release_s is not None:
            deadlines.append(release_s)
        return min(deadlines)

    def receive(self, frame: bytes, arrival_s: float | None) -> None:
        """Queue an uplinked frame to be handled when mission time reaches `arrival_s` (None:
        now); one the arrival queue refuses (too far ahead, queue full) is refused as a bad
        frame is (`refuse`)."""
        now_s = self.clock.now_s()
        try:
            self.arrivals.push(frame, now_s if arrival_s is None else arrival_s, now_s)
        except FrameError as error:
            self.refuse(error)

    def refuse(self, error: FrameError) -> None:
        """An uplink message refused before its frame was queued: counted and reported now."""
        self._pending.extend(
            self.dispatcher.reject_frame(error.reason, error.detail, self.clock.now_s())
        )

    # -- running ---------------------------------------------------------------------------------

    def run_until(self, target_s: float) -> None:
        """Do everything due up to and including `target_s`, in mission-time order.

        Between two ticks, telecommands are handled at their arrival time and scheduled
        activities at their release time (uplinked ones first when both fall due together).
        Ends early, at a tick, once the process is stopping.
        """
        while not self.stopping.is_set():
            tick_s = self.next_tick_s()
            horizon_s = min(tick_s, target_s)
            arrival_s = self.arrivals.next_s()
            if arrival_s is not None and at_or_before(arrival_s, horizon_s):
                arrival_s, frame = self.arrivals.pop()
                now_s = self._between_ticks(arrival_s)
                self._pending.extend(self.dispatcher.handle_uplinked(frame, now_s))
                self.last_tc_s = now_s
                continue
            release_s = self.schedule.next_release_s()
            if release_s is not None and at_or_before(release_s, horizon_s):
                activity = self.schedule.pop_due(release_s)
                assert activity is not None  # next_release_s said one is due
                now_s = self._between_ticks(activity.release_s)
                self._pending.extend(
                    self.dispatcher.handle_frame(
                        activity.tc, now_s, source=f"schedule #{activity.id}"
                    )
                )
                continue
            if not at_or_before(tick_s, target_s):
                break
            run = self._plan_run(tick_s, target_s)
            if len(run) > 1:
                self._fly_run(run)
            else:
                self.tick(tick_s)
        if self.clock.stepped and target_s > self.clock.now_s() and not self.stopping.is_set():
            self.clock.advance_to(target_s)  # a step shorter than a tick still moves time on
        self.flush()

    def _between_ticks(self, due_s: float) -> float:
        """Move a stepped clock to `due_s` (never before the last tick) and return that time."""
        now_s = max(due_s, self.time_s)
        if self.clock.stepped:
            self.clock.advance_to(max(now_s, self.clock.now_s()))
        return now_s

    def tick(self, tick_s: float) -> None:
        """Step every subsystem from the last tick to `tick_s`, then queue its telemetry."""
        self.clock.advance_to(tick_s)
        due = self.supervisor.due_at(tick_s)
        self._deliver_inputs(due)
        reports, failures = self.supervisor.tick_all(tick_s, due)
        self._finish_tick(tick_s, reports, failures)

    # -- runs of ticks ---------------------------------------------------------------------------

    def _plan_run(self, first_s: float, target_s: float) -> list[float]:
        """The ticks from `first_s` that one TickRun may fly: just `first_s` when none may.

        A run needs the same subsystems, and only they, to step in every tick of it, none of
        them reading what the others (or the executive, about them) publish, and nothing due in
        between: no telecommand arriving, no activity released, the step's end not passed.
        """
        due = self.supervisor.due_at(first_s)
        if not due or not self._may_run(due):
            return [first_s]
        deadlines_s = [math.inf]
        arrival_s = self.arrivals.next_s()
        if arrival_s is not None:
            deadlines_s.append(arrival_s)
        release_s = self.schedule.next_release_s()
        if release_s is not None:
            deadlines_s.append(release_s)
        return plan_run(
            first_s,
            self.tick_s,
            target_s,
            min(deadlines_s),
            lambda end_s: self.supervisor.due_at(end_s) == due,
        )

    def _may_run(self, due: frozenset[str]) -> bool:
        inputs = self.supervisor.inputs
        made_here = [hk_topic(name) for name in due if name in self.watched]
        if EXECUTIVE in self.watched:
            made_here.append(hk_topic(EXECUTIVE))
        if self.events_watched:
            made_here.append(ONBOARD_EVENTS)
        # What they published before; a topic published for the first time is caught by
        # feeds_itself, which cuts the run after that tick.
        seen = [topic for name in due for topic in self._topics_seen[name]]
        return not any(inputs.follows(name, topic) for name in due for topic in made_here + seen)

    def _fly_run(self, ends_s: list[float]) -> None:
        """Fly the ticks `ends_s` with one TickRun per subsystem, then take them tick by tick.

        Each tick is taken as `tick` would have taken it (events, housekeeping, requests, truth).
        A tick that asks for something (an onboard command, a reboot), that restarts an actor, or
        whose publications another subsystem of the run reads, ends the run there: the actors
        that went further are rewound to it, and the executive plans again from the next tick.
        """
        due = self.supervisor.due_at(ends_s[0])
        self.clock.advance_to(ends_s[0])
        self._deliver_inputs(due)
        runs = self.supervisor.run_all(due, tuple(ends_s))
        for index, tick_s in enumerate(ends_s):
            self.clock.advance_to(tick_s)
            reports, failures = self.supervisor.take_run_tick(runs, index, tick_s)
            cut = index < len(ends_s) - 1 and bool(
                failures
                or any(report.requests for report in reports)
                or feeds_itself(reports, self.supervisor.inputs)
            )
            if cut:
                self.supervisor.rewind(runs, index)
            self._finish_tick(tick_s, reports, failures)
            if cut:
                return

    # -- one tick's results ----------------------------------------------------------------------

    def _deliver_inputs(self, due: frozenset[str]) -> None:
        """Hand the bus what the executive kept for it, then have it deliver to those of `due`
        that have something waiting (a round trip to the bus' thread, skipped when none has)."""
        if self._outbox:
            self.bus.tell(Publish(tuple(self._outbox.items())))
            self.supervisor.inputs.published(self._outbox)
            self._outbox = {}
        waiting = self.supervisor.inputs.take(due)
        if waiting:
            self.bus.ask(Sync(waiting), timeout=ASK_TIMEOUT_S)

    def _finish_tick(self, tick_s: float, reports: list[Any], failures: list[Event]) -> None:
        """Queue a tick's telemetry, carry out what its subsystems asked for, then send it."""
        self.time_s = tick_s
        self.ticks += 1
        for report in reports:
            self._topics_seen[report.subsystem].update(topic for topic, _ in report.published)
            self._outbox.update(report.published)
        self._publish_onboard_data(tick_s, reports, failures)
        out = self._pending
        for failure in failures:
            out.append(
                self.dispatcher.event_packet(self.executive_apid, EXECUTIVE, failure, tick_s)
            )
        for report in reports:
            apid = self.supervisor.members[report.subsystem].apid
            for ev in report.events:
                out.append(self.dispatcher.event_packet(apid, report.subsystem, ev, tick_s))
            if report.housekeeping is not None:
                out.append(
                    OutgoingPacket(
                        apid, tick_s, Housekeeping(report.subsystem, dict(report.housekeeping))
                    )
                )
        for report in reports:
            if report.requests:
                out.extend(self.dispatcher.perform(report.requests, tick_s, report.subsystem))
        for observer in self.observers:
            out.extend(observer(tick_s, reports))
        out.extend(self.dispatcher.refusal_summaries(tick_s))
        if crosses_multiple(tick_s - self.tick_s, tick_s, self.hk_period_s):
            out.append(
                OutgoingPacket(
                    self.executive_apid, tick_s, Housekeeping(EXECUTIVE, self.housekeeping())
                )
            )
            out.append(OutgoingPacket(self.executive_apid, tick_s, TimeReport(tick_s, self.rate())))
        self.flush()
        for hook in self.after_tick:
            hook(tick_s)

    def _publish_onboard_data(
        self, tick_s: float, reports: list[Any], failures: list[Event]
    ) -> None:
        """Put onboard parameters and events on the bus for the subsystems that watch them (FDIR).

        Only what some model subscribes to is computed: housekeeping of every subsystem on
        every tick would cost more than the physics. A tick that reported housekeeping already
        carries the parameters of that very state, so they are not computed twice.
        """
        for report in reports:
            if report.subsystem in self.watched:
                parameters = report.housekeeping
                if parameters is None:
                    model = self.supervisor.members[report.subsystem].model
                    parameters = tuple(model.housekeeping(report.state).items())
                self._outbox[hk_topic(report.subsystem)] = parameters
        if EXECUTIVE in self.watched:
            self._outbox[hk_topic(EXECUTIVE)] = tuple(self.housekeeping().items())
        if self.events_watched:
            recent = self._recent_events
            recent.extend((tick_s, r.subsystem, e.name) for r in reports for e in r.events)
            recent.extend((tick_s, EXECUTIVE, e.name) for e in failures)
            while recent and recent[0][0] <= tick_s - self.event_window_s:
                recent.popleft()
            self._outbox[ONBOARD_EVENTS] = OnboardEvents(tick_s, tuple(recent))

    def flush(self) -> None:
        """Hand queued packets to the downlink and wait until they are sent (back-pressure)."""
        if self._pending:
            batch, self._pending = tuple(self._pending), []
            sent = self.downlink.ask(SendBatch(batch), block=True, timeout=60.0)
            self.frames_sent, self.packets_sent = sent.messages, sent.packets

    def rate(self) -> float:
        return float(getattr(self.clock, "rate", 0.0))

    @property
    def uplink_queued(self) -> int:
        """Telecommands received and waiting for their arrival time."""
        return len(self.arrivals)

    def housekeeping(self) -> dict[str, Scalar]:
        """The executive's own TM[3,25] parameters (`flightsw.executive.telemetry`)."""
        return read_points(POINTS, self)

    # -- faults through the sim port -------------------------------------------------------------

    def inject(self, subsystem: str, fault: str, params: dict[str, Any]) -> CommandReport:
        return self._fault(subsystem, InjectFault(fault, tuple(params.items()), self.clock.now_s()))

    def clear(self, subsystem: str, fault: str) -> CommandReport:
        return self._fault(subsystem, ClearFault(fault, self.clock.now_s()))

    def _fault(self, subsystem: str, message: InjectFault | ClearFault) -> CommandReport:
        if subsystem not in self.supervisor.members:
            known = ", ".join(self.supervisor.members)
            return CommandReport(ok=False, reason=f"no subsystem {subsystem!r} (known: {known})")
        report: CommandReport = self.supervisor.ask(subsystem, message)
        apid = self.supervisor.members[subsystem].apid
        for ev in report.events:
            # Stamped at the last tick: the fault acts from there, as the next step integrates
            # the whole interval since that tick.
            self._pending.append(self.dispatcher.event_packet(apid, subsystem, ev, self.time_s))
        self.flush()
        return report

    def emit(self, source: str, ev: Event) -> None:
        """Queue an event of the flight software itself; it leaves with the next flush."""
        apid = (
            self.supervisor.members[source].apid
            if source in self.supervisor.members
            else self.executive_apid
        )
        self._pending.append(self.dispatcher.event_packet(apid, source, ev, self.time_s))


def started_event(mission: str, subsystems: list[str]) -> Event:
    return event(
        "flight_software_started",
        Severity.INFO,
        f"{mission}: flight software up with {len(subsystems)} subsystems ({', '.join(subsystems)})",
    )
