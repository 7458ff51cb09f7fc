"""The thin actor shell around a subsystem model: ticks, commands, faults and bus inputs."""

from __future__ import annotations

import logging
from typing import Any

import pykka

from flightsw.errors import CommandError, FaultError
from flightsw.executive.messages import (
    BusDelivery,
    ClearFault,
    CommandReport,
    ExecuteCommand,
    GetHousekeeping,
    GetState,
    InjectCrash,
    InjectFault,
    Rewind,
    RunReport,
    SetHousekeepingPeriod,
    Tick,
    TickReport,
    TickRun,
)
from flightsw.icd.services import Severity
from flightsw.subsystems.base import Subsystem
from flightsw.subsystems.events import event
from flightsw.time_grid import at_or_before, next_multiple

log = logging.getLogger(__name__)


class SubsystemActor(pykka.ThreadingActor):
    """Own one subsystem's state; step it on Tick and report housekeeping and publications.

    What a tick publishes travels back in its report, and the executive hands it to the bus
    (one message per tick, not one per topic per subsystem). `__init__` runs in the creator's
    thread and only stores its arguments; every message is handled in the actor's own thread,
    one at a time, so the state needs no lock.
    """

    def __init__(
        self,
        model: Subsystem[Any],
        state: Any,
        hk_period_s: float,
        next_hk_s: float = 0.0,
    ) -> None:
        super().__init__()
        self.model = model
        self.state = state
        self.hk_period_s = hk_period_s
        self.next_hk_s = next_hk_s
        self.inputs: dict[str, Any] = {}
        self.crash_next_tick = False
        # After each tick of the last TickRun: the state and the next report time, to rewind to.
        self._run_history: list[tuple[Any, float]] = []

    def on_receive(self, message: Any) -> Any:
        match message:
            case Tick(time_s, dt_s):
                return self._tick(time_s, dt_s)
            case TickRun(ends_s, dt_s):
                return self._run(ends_s, dt_s)
            case Rewind(index):
                self.state, self.next_hk_s = self._run_history[index]
                self._run_history = []
                return None
            case BusDelivery(values):
                self.inputs.update(values)
                return None
            case ExecuteCommand(command, args, time_s):
                return self._execute(command, dict(args), time_s)
            case InjectFault(fault, params, time_s):
                return self._inject(fault, dict(params), time_s)
            case ClearFault(fault, time_s):
                return self._clear(fault, time_s)
            case GetState():
                return self.state
            case InjectCrash():
                self.crash_next_tick = True
                return None
            case GetHousekeeping():
                return tuple(self.model.housekeeping(self.state).items())
            case SetHousekeepingPeriod(period_s):
                self.hk_period_s = period_s
                return None
        raise TypeError(f"{self.model.name} actor got an unknown message {message!r}")

    def _tick(self, time_s: float, dt_s: float) -> TickReport:
        if self.crash_next_tick:
            raise RuntimeError(f"software fault injected into the {self.model.name} application")
        outcome = self.model.step(self.state, time_s, dt_s, self.inputs)
        self.state = outcome.state
        now_s = time_s + dt_s
        published = tuple(self.model.publish(self.state).items())
        housekeeping = None
        if at_or_before(self.next_hk_s, now_s):
            housekeeping = tuple(self.model.housekeeping(self.state).items())
            # Next report on the period's grid, so reports stay at whole multiples of the period.
            self.next_hk_s = next_multiple(now_s, self.hk_period_s)
        return TickReport(
            self.model.name, self.state, housekeeping, outcome.events, outcome.requests, published
        )

    def _run(self, ends_s: tuple[float, ...], dt_s: float) -> RunReport:
        """Tick to each of `ends_s` in turn with the same inputs; stop at the first failure.

        A failure is answered, not raised: the ticks before it stand, as they would have one
        tick at a time, and the supervisor restarts the actor from the last of them.
        """
        ticks: list[TickReport] = []
        self._run_history = []
        for end_s in ends_s:
            try:
                report = self._tick(end_s - dt_s, dt_s)
            except Exception as error:  # the supervisor's to handle, as for a single tick
                return RunReport(tuple(ticks), error)
            ticks.append(report)
            self._run_history.append((self.state, self.next_hk_s))
        return RunReport(tuple(ticks))

    def _execute(self, command: str, args: dict[str, Any], time_s: float) -> CommandReport:
        try:
            spec = self.model.command_spec(command)
            outcome = self.model.execute_at(self.state, command, spec.validate(args), time_s)
        except CommandError as error:
            return CommandReport(ok=False, code=error.code, reason=error.reason)
        self.state = outcome.state
        return CommandReport(
            ok=True, events=outcome.events, requests=outcome.requests, state=outcome.state
        )

    def _inject(self, fault: str, params: dict[str, Any], time_s: float) -> CommandReport:
        try:
            spec = self.model.fault_spec(fault)
            self.state = self.model.inject(self.state, fault, spec.validate(params))
        except (FaultError, CommandError) as error:
            return CommandReport(ok=False, reason=str(error))
        text = f"fault {fault} injected into {self.model.name}"
        return CommandReport(
            ok=True, events=(event("fault_injected", Severity.MEDIUM, text, fault=fault, **params),)
        )

    def _clear(self, fault: str, time_s: float) -> CommandReport:
        try:
            self.model.fault_spec(fault)
            self.state = self.model.clear(self.state, fault)
        except FaultError as error:
            return CommandReport(ok=False, reason=str(error))
        text = f"fault {fault} cleared in {self.model.name}"
        return CommandReport(
            ok=True, events=(event("fault_cleared", Severity.INFO, text, fault=fault),)
        )
