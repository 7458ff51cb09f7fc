"""Fakes for unit tests: a tiny subsystem model and a downlink that only collects."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import pykka

from flightsw.errors import CommandError
from flightsw.executive.messages import DownlinkSent, LinkCounters, SendBatch
from flightsw.icd.dictionary import ArgSpec, CommandSpec, FaultSpec
from flightsw.icd.errorcodes import ErrorCode
from flightsw.icd.services import Severity
from flightsw.subsystems.base import Outcome, Subsystem
from flightsw.subsystems.events import event
from flightsw.subsystems.telemetry import point


@dataclass(frozen=True, slots=True)
class CounterState:
    count: float = 0.0
    rate_per_s: float = 1.0
    crash_on_tick: bool = False
    seen: tuple[tuple[str, Any], ...] = ()


class CounterModel(Subsystem[CounterState]):
    """Counts seconds at a commanded rate; can be told to crash; records what it hears on the bus."""

    name = "counter"
    commands = (
        CommandSpec(
            "set_rate", "count at this rate", (ArgSpec("rate_per_s", "float", "1/s", 0.0, 10.0),)
        ),
        CommandSpec("refuse", "always refused onboard"),
    )
    faults = (FaultSpec("crash", "the next tick raises"),)
    telemetry_points = (point("count", "", "seconds counted", lambda s: s.count),)
    subscribes = ("other.*",)

    def __init__(self, name: str = "counter") -> None:
        self.name = name  # type: ignore[misc]

    def initial_state(self) -> CounterState:
        return CounterState()

    def step(
        self, state: CounterState, time_s: float, dt_s: float, inputs: Mapping[str, Any]
    ) -> Outcome[CounterState]:
        if state.crash_on_tick:
            raise RuntimeError("simulated software fault")
        return Outcome(
            replace(
                state,
                count=state.count + state.rate_per_s * dt_s,
                seen=tuple(sorted(inputs.items())),
            )
        )

    def publish(self, state: CounterState) -> Mapping[str, Any]:
        return {f"other.{self.name}": state.count}

    def execute(
        self, state: CounterState, command: str, args: Mapping[str, Any]
    ) -> Outcome[CounterState]:
        if command == "refuse":
            raise CommandError(ErrorCode.NOT_ALLOWED, "not now")
        return Outcome(
            replace(state, rate_per_s=args["rate_per_s"]),
            (event("rate_set", Severity.INFO, f"rate {args['rate_per_s']}"),),
        )

    def inject(self, state: CounterState, fault: str, params: Mapping[str, Any]) -> CounterState:
        return replace(state, crash_on_tick=True)

    def clear(self, state: CounterState, fault: str) -> CounterState:
        return replace(state, crash_on_tick=False)


class CollectingDownlink(pykka.ThreadingActor):
    """Stands in for the downlink: keeps every batch it is handed."""

    def __init__(self) -> None:
        super().__init__()
        self.packets: list[Any] = []
        self.messages = 0

    def on_receive(self, message: Any) -> Any:
        if isinstance(message, SendBatch):
            self.packets.extend(message.packets)
            self.messages += 1
            return DownlinkSent(self.messages, len(self.packets))
        if isinstance(message, LinkCounters):
            return {"frames_sent": self.messages, "packets_sent": len(self.packets),
                    "frames_dropped": 0}  # fmt: skip
        if message == "packets":
            return list(self.packets)
        return None


class FakeWall:
    """A wall clock the test moves by hand (monotonic seconds)."""

    def __init__(self, now_s: float = 1000.0) -> None:
        self.now_s = now_s

    def __call__(self) -> float:
        return self.now_s

    def wait(self, seconds: float) -> None:
        self.now_s += seconds
