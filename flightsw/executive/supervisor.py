"""Supervision of the subsystem actors: start them, remember their last good state, restart them."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import pykka

from flightsw.executive.actors.subsystem_actor import SubsystemActor
from flightsw.executive.bus_inputs import PendingInputs
from flightsw.executive.messages import (
    CommandReport,
    ExecuteCommand,
    GetState,
    Rewind,
    RunReport,
    Subscribe,
    Tick,
    TickReport,
    TickRun,
)
from flightsw.icd.services import Severity
from flightsw.subsystems.base import Subsystem
from flightsw.subsystems.events import Event, event
from flightsw.time_grid import next_multiple, starts_period, ticks_in

log = logging.getLogger(__name__)

ASK_TIMEOUT_S = 10.0


@dataclass(slots=True)
class Supervised:
    """One subsystem under supervision (mutable: only the executive thread touches it)."""

    model: Subsystem[Any]
    apid: int
    hk_period_s: float
    ref: pykka.ActorRef[Any]
    last_good_state: Any
    tick_period_s: float = 1.0  # the rate group: this subsystem steps once per period
    ticks_per_step: int = 1  # that period in executive ticks
    next_hk_s: float = 0.0
    restarts: int = 0
    reboots: int = 0


class Supervisor:
    """Start every subsystem actor and keep it flying.

    An actor whose tick raises (or does not answer within ASK_TIMEOUT_S) is stopped and started
    again from the state it had after its last good tick; the restart is a high-severity event.
    The supervisor is the one place that waits on actors' futures, from the executive's thread.
    Rate groups are whole numbers of the executive's tick, `tick_s`.
    """

    def __init__(self, bus: pykka.ActorRef[Any] | None, tick_s: float) -> None:
        self.bus = bus
        self.tick_s = tick_s
        self.members: dict[str, Supervised] = {}
        self.inputs = PendingInputs()  # who has values waiting at the bus (the executive marks)

    def start(
        self,
        model: Subsystem[Any],
        apid: int,
        hk_period_s: float,
        state: Any = None,
        tick_period_s: float = 1.0,
    ) -> None:
        state = model.initial_state() if state is None else state
        ref = self._spawn(model, state, hk_period_s, 0.0)
        member = Supervised(
            model,
            apid,
            hk_period_s,
            ref,
            state,
            tick_period_s,
            ticks_in(tick_period_s, self.tick_s),
        )
        self.members[model.name] = member

    def _spawn(
        self, model: Subsystem[Any], state: Any, hk_period_s: float, next_hk_s: float
    ) -> pykka.ActorRef[Any]:
        ref = SubsystemActor.start(model, state, hk_period_s, next_hk_s)
        if self.bus is not None and model.subscribes:
            self.bus.tell(Subscribe(model.name, model.subscribes, ref))
            self.inputs.subscribed(model.name, model.subscribes)
        return ref

    def ref(self, name: str) -> pykka.ActorRef[Any]:
        return self.members[name].ref

    def due_at(self, end_s: float) -> frozenset[str]:
        """The subsystems whose rate group steps at the tick ending at `end_s`."""
        tick = ticks_in(end_s, self.tick_s)
        return frozenset(
            name for name, m in self.members.items() if starts_period(tick, m.ticks_per_step)
        )

    def tick_all(self, end_s: float, due: frozenset[str]) -> tuple[list[TickReport], list[Event]]:
        """Tick the actors `due` at `end_s` (as `due_at` says), then wait for all of them.

        A subsystem in a slower rate group steps once per its period, by its whole period, so a
        thermal network that changes over minutes costs a tenth of what navigation costs.
        """
        futures = [
            (name, m.ref.ask(Tick(end_s - m.tick_period_s, m.tick_period_s), block=False))
            for name, m in self.members.items()
            if name in due
        ]
        reports: list[TickReport] = []
        failures: list[Event] = []
        for name, future in futures:
            try:
                report = future.get(timeout=ASK_TIMEOUT_S)
            except Exception as error:  # any failure of the actor, including its time-out
                failures.append(self.restart(name, error))
                continue
            reports.append(self._accept(report, end_s))
        return reports, failures

    def run_all(self, names: frozenset[str], ends_s: tuple[float, ...]) -> dict[str, RunReport]:
        """Have the actors `names` step through every tick of `ends_s` (a TickRun), and wait.

        Nothing is accepted yet: `take_run_tick` does that tick by tick, as `tick_all` would.
        """
        futures = [
            (name, m.ref.ask(TickRun(ends_s, m.tick_period_s), block=False))
            for name, m in self.members.items()
            if name in names
        ]
        runs: dict[str, RunReport] = {}
        for name, future in futures:
            try:
                runs[name] = future.get(timeout=ASK_TIMEOUT_S)
            except Exception as error:  # the whole run failed, from its first tick
                runs[name] = RunReport((), error)
        return runs

    def take_run_tick(
        self, runs: dict[str, RunReport], index: int, end_s: float
    ) -> tuple[list[TickReport], list[Event]]:
        """Tick `index` of a run, as `tick_all` would have reported it: restarts included."""
        reports: list[TickReport] = []
        failures: list[Event] = []
        for name, run in runs.items():
            if index < len(run.ticks):
                reports.append(self._accept(run.ticks[index], end_s))
            elif index == len(run.ticks) and run.error is not None:
                failures.append(self.restart(name, run.error))
        return reports, failures

    def rewind(self, runs: dict[str, RunReport], index: int) -> None:
        """Take every actor of a run that went further than tick `index` back to it.

        Told, not asked: whatever the executive sends the actor next queues behind it.
        """
        for name, run in runs.items():
            if len(run.ticks) > index + 1:
                self.members[name].ref.tell(Rewind(index))

    def _accept(self, report: TickReport, end_s: float) -> TickReport:
        member = self.members[report.subsystem]
        member.last_good_state = report.state
        if report.housekeeping is not None:
            member.next_hk_s = next_multiple(end_s, member.hk_period_s)
        return report

    def restart(self, name: str, error: BaseException) -> Event:
        """Replace a failed actor by a new one started from its last good state."""
        member = self.members[name]
        member.restarts += 1
        log.error(
            "%s actor failed (%s: %s); restarting from its last good state",
            name,
            type(error).__name__,
            error,
        )
        self._respawn(member, member.last_good_state)
        return event(
            "actor_restarted",
            Severity.HIGH,
            f"{name} failed ({type(error).__name__}: {error}) and was restarted from its last good state",
            subsystem=name,
            restarts=member.restarts,
        )

    def reboot(self, name: str, reason: str) -> Event:
        """A commanded restart (a software update going live): the new actor keeps the state."""
        member = self.members[name]
        member.reboots += 1
        state = member.ref.ask(GetState(), timeout=ASK_TIMEOUT_S)
        member.last_good_state = state
        self._respawn(member, state)
        log.info("%s actor rebooted: %s", name, reason)
        return event(
            "actor_rebooted", Severity.MEDIUM, f"{name} rebooted: {reason}", subsystem=name
        )

    def _respawn(self, member: Supervised, state: Any) -> None:
        member.ref.stop(block=False)
        member.ref = self._spawn(member.model, state, member.hk_period_s, member.next_hk_s)

    def ask(self, name: str, message: Any) -> Any:
        return self.members[name].ref.ask(message, timeout=ASK_TIMEOUT_S)

    def command(self, name: str, message: ExecuteCommand) -> CommandReport:
        """Have subsystem `name` carry out a command; its state afterwards is a good state.

        Keeping it at once, rather than at the subsystem's next tick, lets whatever reads the
        last good state between ticks (the truth feed: does the downlink close?) see the effect.
        """
        report: CommandReport = self.ask(name, message)
        if report.ok and report.state is not None:
            self.members[name].last_good_state = report.state
        return report

    def stop_all(self) -> None:
        """Stop every actor at once and wait for all of them (each stop is asked only once)."""
        stopping = [member.ref.stop(block=False) for member in self.members.values()]
        for future in stopping:
            try:
                future.get(timeout=ASK_TIMEOUT_S)
            except pykka.Timeout:
                log.warning("an actor did not stop within %g s", ASK_TIMEOUT_S)
