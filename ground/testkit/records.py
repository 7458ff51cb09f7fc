"""What the test kit hands back: telemetry samples, events, alarms and commands, and searches
over lists of them. Plain values, so a test can compare, print or keep them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ground.api.display import fmt_value, mission_time
from ground.testkit.predicates import UNSET, Predicate, as_predicate


class Sample(NamedTuple):
    """One telemetry value and the mission time it was sampled on board."""

    time_s: float
    value: Any

    def __str__(self) -> str:
        return f"{mission_time(self.time_s)}  {fmt_value(self.value)}"


@dataclass(frozen=True, slots=True)
class Event:
    """An event report (TM[5,x]) as archived by the ground; severity 1 (info) .. 4 (high)."""

    time_s: float
    subsystem: str
    name: str
    severity: int
    message: str
    params: dict[str, Any] = field(default_factory=dict)
    received_s: float = 0.0  # mission time it reached the ground (after light time)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Event:
        time_s = float(row["time_s"])
        received = row.get("received_s")
        return cls(
            time_s,
            str(row["subsystem"]),
            str(row["name"]),
            int(row["severity"]),
            str(row.get("message") or ""),
            dict(row.get("params") or {}),
            time_s if received is None else float(received),
        )

    @property
    def full_name(self) -> str:
        return f"{self.subsystem}.{self.name}"

    def is_named(self, name: str) -> bool:
        """`name` is `subsystem.event` or just `event`."""
        return name == self.full_name if "." in name else name == self.name

    def __str__(self) -> str:
        text = f"{mission_time(self.time_s)}  [{self.severity}] {self.full_name}"
        return f"{text}: {self.message}" if self.message else text


@dataclass(frozen=True, slots=True)
class Alarm:
    """An alarm as the ground holds it now (or held it when it was read)."""

    name: str
    severity: str
    state: str
    condition: str
    trigger_time_s: float
    trigger_value: Any
    current_value: Any
    acknowledged: bool

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Alarm:
        return cls(
            str(data["name"]),
            str(data["severity"]),
            str(data["state"]),
            str(data["condition"]),
            float(data["trigger_time_s"]),
            data.get("trigger_value"),
            data.get("current_value"),
            bool(data.get("acknowledged")),
        )

    def __str__(self) -> str:
        return (
            f"{self.name} [{self.severity}, {self.state}] since "
            f"{mission_time(self.trigger_time_s)}: {self.condition} "
            f"(value {fmt_value(self.current_value)})"
        )


@dataclass(frozen=True, slots=True)
class AlarmEntry:
    """One step in an alarm's life (triggered, escalated, acknowledged, cleared, ...)."""

    time_s: float
    name: str
    kind: str
    severity: str
    condition: str
    value: Any

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> AlarmEntry:
        return cls(
            float(row["time_s"]),
            str(row["name"]),
            str(row["kind"]),
            str(row["severity"]),
            str(row["condition"]),
            row.get("value"),
        )

    def __str__(self) -> str:
        return (
            f"{mission_time(self.time_s)}  {self.name} {self.kind} [{self.severity}]: "
            f"{self.condition} (value {fmt_value(self.value)})"
        )


@dataclass(frozen=True, slots=True)
class Command:
    """A telecommand and how far its verification has come (`stages`: stage → mission time)."""

    id: int
    name: str
    args: dict[str, Any]
    status: str
    stages: dict[str, Any]
    reason: str
    error: str

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Command:
        return cls(
            int(data["id"]),
            str(data["name"]),
            dict(data.get("args") or {}),
            str(data["status"]),
            dict(data.get("stages") or {}),
            str(data.get("reason") or ""),
            str(data.get("error") or ""),
        )

    @property
    def failed(self) -> bool:
        return self.status in ("failed", "timed_out", "refused")

    def __str__(self) -> str:
        stages = ", ".join(f"{stage} {mission_time(t)}" for stage, t in self.stages.items())
        text = f"command {self.id} {self.name} {self.status}"
        text += f" ({stages})" if stages else ""
        return f"{text}: {self.error} {self.reason}".rstrip() if self.failed else text


# -- searches over samples -----------------------------------------------------------------------


def matching(samples: Iterable[Sample], predicate: Any, previous: Any = UNSET) -> list[Sample]:
    """The samples that match, in time order; `previous` is the value before the first sample."""
    test = as_predicate(predicate)
    found = []
    for sample in samples:
        if test.matches(sample.value, previous):
            found.append(sample)
        previous = sample.value
    return found


def first_match(samples: Iterable[Sample], predicate: Any, previous: Any = UNSET) -> Sample | None:
    test = as_predicate(predicate)
    for sample in samples:
        if test.matches(sample.value, previous):
            return sample
        previous = sample.value
    return None


def sequence_match(
    samples: Sequence[Sample], predicates: Sequence[Any], previous: Any = UNSET
) -> list[Sample]:
    """The first sample matching each predicate in turn, each later than the one before.

    Returns as many as were found: all of them when the sequence happened.
    """
    tests = [as_predicate(p) for p in predicates]
    found: list[Sample] = []
    for sample in samples:
        if len(found) == len(tests):
            break
        if tests[len(found)].matches(sample.value, previous):
            found.append(sample)
        previous = sample.value
    return found


def count_holds(count: int | Predicate, actual: int) -> bool:
    """`count` is an exact number or a predicate on the number (`at_least(2)`)."""
    return actual == count if isinstance(count, int) else count(actual)


def describe_count(count: int | Predicate) -> str:
    return f"exactly {count}" if isinstance(count, int) else str(count)
