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

DRIFT = "drift"  # NavigationFix.attitude_mode while the reaction wheels have failed
ECLIPSE_ILLUMINATION = 0.5  # "in eclipse" once more than half the solar disc is hidden
# The highest NavigationFix altitude a config may name (a start, an insertion target): about
# 100 AU, as far as navigation's longest transfer (transfer_to_au) goes.
MAX_ALTITUDE_KM = 1.5e10


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

    @property
    def in_eclipse(self) -> bool:
        return self.illumination < ECLIPSE_ILLUMINATION


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


# -- the rest of the spacecraft ----------------------------------------------------------------

PROPULSION = "propulsion.status"
COMMS = "comms.status"
LIFE_SUPPORT = "life_support.status"
DOCKING = "docking.status"
ENVIRONMENT = "environment.status"
PAYLOAD = "payload.status"
SENSORS = "sensors.status"
MODE = "fdir.mode"
BURN = "propulsion.burn"
HK_PREFIX = "hk."  # hk.<subsystem>: its housekeeping every tick, for watchers such as FDIR
ONBOARD_EVENTS = "onboard.events"


def hk_topic(subsystem: str) -> str:
    return HK_PREFIX + subsystem


@dataclass(frozen=True, slots=True)
class PropulsionStatus:
    """Propellant and what the engine is doing."""

    propellant_kg: float
    propellant_capacity_kg: float
    tank_pressure_kpa: float
    thrusting: bool
    armed: bool
    spacecraft_mass_kg: float
    burn_count: int


@dataclass(frozen=True, slots=True)
class CommsStatus:
    """The radio as other subsystems and FDIR see it."""

    link_up: bool
    antenna: str  # "high_gain" | "low_gain"
    transmitter_on: bool
    downlink_rate_bps: float
    link_margin_db: float
    last_contact_s: float


@dataclass(frozen=True, slots=True)
class LifeSupportStatus:
    """Cabin atmosphere and crew consumables."""

    cabin_pressure_kpa: float
    o2_partial_pressure_kpa: float
    co2_partial_pressure_kpa: float
    o2_stored_kg: float
    water_kg: float
    crew_count: int
    o2_use_kg_per_day: float
    water_use_kg_per_day: float


@dataclass(frozen=True, slots=True)
class DockingStatus:
    """The visiting vehicle's approach."""

    phase: str  # far, approach, final, contact, captured, hard_docked, undocking
    range_m: float
    range_rate_m_s: float
    docked: bool


@dataclass(frozen=True, slots=True)
class EnvironmentStatus:
    """The space environment where the spacecraft is."""

    dose_rate_usv_h: float
    in_saa: bool
    storm: bool
    magnetic_field_nt: float


@dataclass(frozen=True, slots=True)
class ModeStatus:
    """The spacecraft mode FDIR keeps: nominal, safe or abort."""

    mode: str
    since_s: float


@dataclass(frozen=True, slots=True)
class BurnApplied:
    """A burn propulsion has carried out (topic `propulsion.burn`): inertial Δv, applied once.

    `total_delta_v_m_s` is the sum of every burn so far. The bus keeps only a topic's latest
    value, so a subscriber that steps less often than propulsion applies the difference from
    the total it has already applied, and loses nothing.
    """

    time_s: float
    delta_v_m_s: tuple[float, float, float]  # inertial, this tick
    total_delta_v_m_s: tuple[float, float, float] | None = None  # inertial, since mission start


@dataclass(frozen=True, slots=True)
class OnboardEvents:
    """Recent events as (mission time, subsystem, event name), for event-actions (PUS 19).

    The bus keeps only the latest value of a topic until a subscriber steps, and a subscriber
    may step once every several ticks: so each publication carries every event of the last
    `EVENT_WINDOW_TICKS`-worth of time, and a reader takes those newer than it has seen.
    """

    time_s: float
    events: tuple[tuple[float, str, str], ...]

    def since(self, seen_s: float) -> list[tuple[float, str, str]]:
        return [entry for entry in self.events if entry[0] > seen_s]
