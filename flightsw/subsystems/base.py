"""The contract every subsystem model meets: pure physics plus its dictionary of commands and faults.

A model holds only immutable configuration. Every method is pure: it takes a state (a frozen
dataclass) and returns a new one, so physics is tested without actors, and the actor shell in
`flightsw.executive.actors.subsystem` is tested with a fake model. Its housekeeping is not
written by the model: it is its telemetry points read in order (`flightsw.subsystems.telemetry`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from flightsw.errors import CommandError, FaultError
from flightsw.icd.dictionary import CommandSpec, FaultSpec, ParamSpec, Scalar
from flightsw.icd.errorcodes import ErrorCode
from flightsw.subsystems.events import Event
from flightsw.subsystems.telemetry import TelemetryPoint, read_points, specs

State = TypeVar("State")


@dataclass(frozen=True, slots=True)
class Request:
    """Something a subsystem asks the executive to do for it after this tick.

    `command`: carry out `target`'s command `name` with `args` (an FDIR action, a safe-mode
    step); `restart`: restart `target`'s actor (a software update being activated).
    """

    kind: str  # "command" | "restart"
    target: str
    name: str = ""
    args: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True, slots=True)
class Outcome(Generic[State]):
    """A new state, the events that producing it raised, and requests to the executive."""

    state: State
    events: tuple[Event, ...] = ()
    requests: tuple[Request, ...] = ()


class Subsystem(ABC, Generic[State]):
    """A spacecraft subsystem: its dictionary and its pure behaviour.

    Class attributes declare the dictionary; a model whose names depend on its configuration
    (heaters, loads, crew members) sets them per instance in `__init__`. `telemetry_points`
    declare each housekeeping parameter once, with its reader; `telemetry` and `housekeeping`
    are derived from them. `subscribes` lists the bus topics read by `step` (a topic ending in
    `.*` matches every topic with that prefix).
    """

    name: ClassVar[str]
    commands: tuple[CommandSpec, ...] = ()
    faults: tuple[FaultSpec, ...] = ()
    telemetry_points: tuple[TelemetryPoint[Any], ...] = ()
    subscribes: tuple[str, ...] = ()

    @abstractmethod
    def initial_state(self) -> State:
        """The state at mission start, from the configuration the model was built with."""

    @abstractmethod
    def step(
        self, state: State, time_s: float, dt_s: float, inputs: Mapping[str, Any]
    ) -> Outcome[State]:
        """Advance `state` from `time_s` by `dt_s` seconds, reading bus `inputs` by topic."""

    @property
    def telemetry(self) -> tuple[ParamSpec, ...]:
        """The housekeeping parameters as the ICD declares them to the ground (no readers)."""
        return specs(self.telemetry_points)

    def telemetry_source(self, state: State) -> Any:
        """What the telemetry points read: `state` itself.

        A model whose parameters share a costly value (a dict built from the state, orbit
        elements) overrides this to return a view that computes it once per report.
        """
        return state

    def housekeeping(self, state: State) -> dict[str, Scalar]:
        """The TM[3,25] parameters: every telemetry point read, keyed by name, in order."""
        return read_points(self.telemetry_points, self.telemetry_source(state))

    def publish(self, state: State) -> Mapping[str, Any]:
        """Bus topics this subsystem publishes after a step, each value immutable."""
        return {}

    def execute(self, state: State, command: str, args: Mapping[str, Any]) -> Outcome[State]:
        """Carry out a validated command; raise CommandError when it cannot be done now."""
        raise CommandError(ErrorCode.UNKNOWN_COMMAND, f"{self.name} has no command {command!r}")

    def execute_at(
        self, state: State, command: str, args: Mapping[str, Any], time_s: float
    ) -> Outcome[State]:
        """`execute` at mission time `time_s`, which may fall between two ticks.

        Models whose commands take effect from an instant (a burn starts when its command
        arrives, not at the last tick) override this; the rest need not know the time.
        """
        return self.execute(state, command, args)

    def inject(self, state: State, fault: str, params: Mapping[str, Any]) -> State:
        """Return `state` with `fault` active (validated parameters)."""
        raise FaultError(f"{self.name} has no fault {fault!r}")

    def clear(self, state: State, fault: str) -> State:
        """Return `state` with `fault` no longer active."""
        raise FaultError(f"{self.name} has no fault {fault!r}")

    # -- dictionary look-ups shared by every model ---------------------------------------------

    def command_spec(self, command: str) -> CommandSpec:
        for spec in self.commands:
            if spec.name == command:
                return spec
        known = ", ".join(spec.name for spec in self.commands) or "none"
        raise CommandError(
            ErrorCode.UNKNOWN_COMMAND, f"{self.name} has no command {command!r} (known: {known})"
        )

    def fault_spec(self, fault: str) -> FaultSpec:
        for spec in self.faults:
            if spec.name == fault:
                return spec
        known = ", ".join(spec.name for spec in self.faults) or "none"
        raise FaultError(f"{self.name} has no fault {fault!r} (known: {known})")
