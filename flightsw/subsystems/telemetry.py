"""Telemetry points: each housekeeping parameter declared once, with how its value is read.

A point pairs the ICD's `ParamSpec` (name, unit, meaning and kind: what the ground is told)
with the reader the flight software takes the value with. A model lists its points once; its
dictionary and its housekeeping reports both come from that list, in its order, so a parameter
cannot be published without being declared, or declared and never sent. Readers stay on board:
only the specs cross to the ground.

A reader takes what its model's `telemetry_source` gives: the state itself, or a view of it
that computes once per report what several parameters share (navigation's osculating orbit,
life support's partial pressures).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from flightsw.icd.dictionary import ParamKind, ParamSpec, Scalar

Source = TypeVar("Source")


@dataclass(frozen=True, slots=True)
class TelemetryPoint(Generic[Source]):
    """One housekeeping parameter: its ICD spec, and how its value is read from a `Source`."""

    spec: ParamSpec
    read: Callable[[Source], Scalar]


def point(
    name: str,
    unit: str,
    description: str,
    read: Callable[[Source], Scalar],
    kind: ParamKind = "float",
) -> TelemetryPoint[Source]:
    """A telemetry point: the ParamSpec(name, unit, description, kind) read by `read`."""
    return TelemetryPoint(ParamSpec(name, unit, description, kind), read)


def specs(points: Iterable[TelemetryPoint[Source]]) -> tuple[ParamSpec, ...]:
    """What the ground is told about `points`: their specs, in order, without the readers."""
    return tuple(p.spec for p in points)


def read_points(points: Iterable[TelemetryPoint[Source]], source: Source) -> dict[str, Scalar]:
    """Every point's value read from `source`, keyed by its name, in the points' order."""
    return {p.spec.name: p.read(source) for p in points}
