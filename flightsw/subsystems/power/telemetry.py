"""Power's housekeeping parameters, each declared once with how it is read.

The per-consumer parameters look each consumer up in the state's switch, demand and short
tables; `PowerReading` turns the three into dicts once per report rather than once per lookup.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from flightsw.physics.constants import WH_J
from flightsw.subsystems.power.state import PowerState
from flightsw.subsystems.telemetry import TelemetryPoint, point


@dataclass(frozen=True, slots=True)
class PowerReading:
    """What power's telemetry points read: the state and its consumer tables as dicts."""

    state: PowerState
    switches: dict[str, bool]
    demands_w: dict[str, float]
    shorts_w: dict[str, float]

    @classmethod
    def of(cls, state: PowerState) -> PowerReading:
        """The reading of `state`, its three tables turned into dicts."""
        return cls(state, dict(state.switches), dict(state.demands), dict(state.shorts))

    def switched_on(self, consumer: str) -> bool:
        """A consumer not seen yet counts as on: that is how it starts."""
        return self.switches.get(consumer, True)

    def load_w(self, consumer: str) -> float:
        """What `consumer` draws: its demand plus any short, nothing while switched off."""
        drawn_w = self.demands_w.get(consumer, 0.0) + self.shorts_w.get(consumer, 0.0)
        return drawn_w if self.switched_on(consumer) else 0.0


def faults_active(state: PowerState) -> int:
    """Injected faults active: lost cells, a degraded or stuck array, and each short."""
    return int(
        (state.capacity_loss_fraction > 0.0)
        + (state.array_fault_degradation > 0.0)
        + state.array_stuck
        + len(state.shorts)
    )


POINTS: tuple[TelemetryPoint[PowerReading], ...] = (
    point("battery_soc", "", "state of charge, 0 to 1", lambda r: r.state.soc),
    point("battery_charge_wh", "Wh", "energy stored", lambda r: r.state.charge_j / WH_J),
    point("battery_capacity_wh", "Wh", "usable capacity (after cell failures)",
          lambda r: r.state.capacity_j / WH_J),
    point("solar_power_w", "W", "array output", lambda r: r.state.solar_power_w),
    point("load_power_w", "W", "power drawn by switched-on consumers",
          lambda r: r.state.load_power_w),
    point("net_power_w", "W", "solar minus load",
          lambda r: r.state.solar_power_w - r.state.load_power_w),
    point("battery_power_w", "W", "at the battery terminals, positive charging",
          lambda r: r.state.battery_power_w),
    point("bus_voltage_v", "V", "battery open-circuit voltage minus I·R",
          lambda r: r.state.bus_voltage_v),
    point("array_enabled", "", "arrays connected", lambda r: r.state.array_enabled, "bool"),
    point("array_pointing", "", "sun_tracking or fixed", lambda r: r.state.array_pointing, "str"),
    point("array_incidence_deg", "deg", "angle between the array normal and the Sun",
          lambda r: math.degrees(r.state.incidence_rad)),
    point("battery_low", "", "state of charge below the low threshold",
          lambda r: r.state.battery_low, "bool"),
    point("undervoltage", "", "bus voltage below the undervoltage threshold",
          lambda r: r.state.undervoltage, "bool"),
    point("faults_active", "", "number of injected faults active",
          lambda r: faults_active(r.state), "int"),
)  # fmt: skip


def consumer_points(consumer: str) -> tuple[TelemetryPoint[PowerReading], ...]:
    """The load and switch of one consumer, after the fixed parameters."""
    return (
        point(f"{consumer}_load_w", "W", f"power drawn by {consumer}",
              lambda r: r.load_w(consumer)),
        point(f"{consumer}_switch_on", "", f"{consumer} switched on",
              lambda r: r.switched_on(consumer), "bool"),
    )  # fmt: skip
