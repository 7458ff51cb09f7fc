"""Payload state: each instrument's switch, mode, health and data, and the bus switch."""

from __future__ import annotations

from dataclasses import dataclass

from flightsw.subsystems.payload.config import OFF

STATUSES = ("ok", "hung", "overcurrent_trip")
BITS_PER_MB = 8e6  # decimal megabyte, as mass-memory budgets are quoted


@dataclass(frozen=True, slots=True)
class InstrumentState:
    """One instrument's switch, mode, health and data."""

    mode: str  # "off" while switched off on the payload's distribution
    status: str = "ok"
    extra_w: float = 0.0  # over_current fault
    over_limit_s: float = 0.0  # how long the draw has exceeded the limit
    power_w: float = 0.0  # drawn during the last step
    stored_bits: float = 0.0
    produced_bits: float = 0.0

    @property
    def switched_on(self) -> bool:
        return self.mode != OFF


@dataclass(frozen=True, slots=True)
class PayloadState:
    """Every instrument, in configuration order, and the bus switch seen last."""

    instruments: tuple[InstrumentState, ...]
    bus_powered: bool = True
    storage_full: bool = False

    @property
    def stored_bits(self) -> float:
        """Science data in the shared mass memory, all instruments together."""
        return sum(s.stored_bits for s in self.instruments)
