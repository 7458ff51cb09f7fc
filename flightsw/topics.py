"""Values published on the software bus, one frozen type per topic family.

Topics: `navigation.state` (NavigationFix), `power.status` (PowerStatus), `thermal.status`
(ThermalStatus), and `load.<consumer>` (LoadDemand) from every subsystem that draws power.
"""

from __future__ import annotations

from dataclasses import dataclass

NAVIGATION = "navigation.state"
POWER = "power.status"
THERMAL = "thermal.status"
LOAD_PREFIX = "load."


def load_topic(consumer: str) -> str:
    return LOAD_PREFIX + consumer


@dataclass(frozen=True, slots=True)
class NavigationFix:
    """Where the spacecraft is, whether the Sun reaches it, and how it points."""

    time_s: float
    position_m: tuple[float, float, float]
    velocity_m_s: tuple[float, float, float]
    altitude_m: float
    illumination: float  # 0 in umbra, 1 in full sunlight
    sun_distance_au: float
    sun_incidence_rad: float  # angle between the solar-array normal and the Sun direction
    attitude_mode: str
    station_visible: bool
    station_range_m: float  # slant range to the nearest ground station, or to Earth's centre


@dataclass(frozen=True, slots=True)
class LoadDemand:
    """Electrical power a consumer wants from the bus."""

    consumer: str
    power_w: float


@dataclass(frozen=True, slots=True)
class PowerStatus:
    """The electrical bus as consumers see it."""

    bus_voltage_v: float
    battery_soc: float
    switches: tuple[tuple[str, bool], ...]  # consumer -> powered

    def powered(self, consumer: str) -> bool:
        return dict(self.switches).get(consumer, True)


@dataclass(frozen=True, slots=True)
class ThermalStatus:
    """Node temperatures for subsystems whose physics depends on them."""

    node_temps_c: tuple[tuple[str, float], ...]

    def temp_c(self, node: str) -> float:
        return dict(self.node_temps_c)[node]
