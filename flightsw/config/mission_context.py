"""Mission-wide facts every subsystem model may need: epoch, seed, ground stations and crew."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class GroundStation:
    """A ground antenna on the Earth's surface."""

    name: str
    latitude_deg: float
    longitude_deg: float
    altitude_m: float = 0.0
    min_elevation_deg: float = 5.0


@dataclass(frozen=True, slots=True)
class CrewMember:
    """One person aboard, with the figures life support uses.

    Sources: docs/references.md#crewed-vehicle (mass and heart rate are assumptions).
    """

    name: str
    mass_kg: float = 75.0  # assumed
    o2_kg_per_day: float = 0.84  # NASA RP-1324 (BVAD 2004: 0.835)
    co2_kg_per_day: float = 1.00  # NASA RP-1324 (BVAD 2004: 0.998)
    resting_heart_rate_bpm: float = 65.0  # assumed: a typical adult resting rate


@dataclass(frozen=True, slots=True)
class MissionContext:
    """Facts shared by every model of one mission."""

    name: str
    epoch_unix_s: float  # mission time 0, as seconds since 1970-01-01T00:00:00 UTC
    seed: int
    ground_stations: tuple[GroundStation, ...] = ()
    crew: tuple[CrewMember, ...] = ()
