"""Mission configs: read a TOML file, check it, and refuse it with the file, key and reason."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flightsw.config.catalog import resolve_config, shipped_missions
from flightsw.config.mission_context import CrewMember, GroundStation, MissionContext
from flightsw.config.section import Section
from flightsw.errors import ConfigError
from flightsw.icd.endpoints import Endpoints
from flightsw.icd.packet import IDLE_APID
from flightsw.time_grid import is_whole_ticks

CLOCK_MODES = ("stepped", "realtime")
LIGHT_TIME_MODELS = ("fixed", "range")
DEFAULT_HK_PERIOD_S = 10.0  # a subsystem's housekeeping period unless its table sets one
# The flight software itself, as a subsystem: its APID (ping, time, schedule), the source of its
# housekeeping and events, and its topic on the bus.
EXECUTIVE = "executive"


@dataclass(frozen=True, slots=True)
class ClockConfig:
    mode: str
    rate: float
    tick_s: float


@dataclass(frozen=True, slots=True)
class LinkConfig:
    light_time_model: str
    one_way_light_time_s: float
    channel: Section  # loss, bit errors, data rate, blackouts: read by the ground's channel model


@dataclass(frozen=True, slots=True)
class MissionConfig:
    """Everything one mission config says, checked."""

    path: Path
    name: str
    description: str
    context: MissionContext
    clock: ClockConfig
    link: LinkConfig
    apids: dict[str, int]
    subsystems: dict[str, Section]  # name -> its table, read by the subsystem's model
    hk_periods_s: dict[str, float]
    tick_periods_s: dict[str, float]  # each subsystem's rate group
    ground: Section
    endpoints: Endpoints  # [endpoints], each defaulting to a local port
    raw: Section

    def resolve(self, relative: str) -> Path:
        """A path named in the config, relative to the config file's folder."""
        return (self.path.parent / relative).resolve()


def load_mission(path: str | Path) -> MissionConfig:
    """Read and check a mission config; raise ConfigError naming the file, key and reason.

    `path` may also name a shipped mission (`leo_station`), see flightsw.config.catalog.
    """
    path = resolve_config(path)
    where = str(path)
    try:
        with path.open("rb") as stream:
            data = tomllib.load(stream)
    except FileNotFoundError:
        raise ConfigError(
            where,
            "-",
            "no such file; pass the path of a mission config or the name of a shipped mission "
            f"({', '.join(shipped_missions())})",
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(where, "-", f"not valid TOML: {error}") from None
    except UnicodeDecodeError as error:
        raise ConfigError(
            where, "-", f"not valid TOML: octet {error.start} is not UTF-8 text"
        ) from None
    except OSError as error:
        raise ConfigError(where, "-", f"cannot be read: {error.strerror}") from None
    root = Section(data, where, "")
    mission = root.section("mission")
    clock = root.section("clock")
    link = root.section("link", {})
    context = MissionContext(
        name=mission.str("name"),
        epoch_unix_s=_epoch_unix_s(mission),
        seed=mission.int("seed", 0, minimum=0),
        ground_stations=tuple(_station(s) for s in root.section("ground", {}).sections("stations")),
        crew=tuple(_crew_member(s) for s in root.sections("crew")),
    )
    apids = _apids(root.section("apids"))
    tick_s = clock.float("tick_s", 1.0, minimum=0.01, maximum=60.0, unit="s")
    subsystem_tables = root.section("subsystems")
    subsystems = {name: subsystem_tables.section(name) for name in subsystem_tables.table_names()}
    for name in subsystems:
        if name not in apids:
            raise ConfigError(
                where, f"apids.{name}", f"subsystem {name!r} has no APID; add `{name} = <number>`"
            )
    if not subsystems:
        raise ConfigError(
            where, "subsystems", "no subsystem tables; add at least [subsystems.power]"
        )
    description = mission.str("description", "")
    clock_config = ClockConfig(
        mode=clock.str("mode", "realtime", CLOCK_MODES),
        rate=clock.float("rate", 1.0, minimum=1e-3, maximum=1e6),
        tick_s=tick_s,
    )
    link_config = LinkConfig(
        light_time_model=link.str("light_time", "fixed", LIGHT_TIME_MODELS),
        one_way_light_time_s=link.float(
            "one_way_light_time_s", 0.0, minimum=0.0, maximum=3600.0, unit="s"
        ),
        channel=link.section("channel", {}),
    )
    hk_periods_s = {
        name: table.float("hk_period_s", DEFAULT_HK_PERIOD_S, minimum=0.1, maximum=3600.0, unit="s")
        for name, table in subsystems.items()
    }
    tick_periods_s = {
        name: _tick_period_s(table, tick_s, hk_periods_s[name])
        for name, table in subsystems.items()
    }
    return MissionConfig(
        path=path.resolve(),
        name=context.name,
        description=description,
        context=context,
        clock=clock_config,
        link=link_config,
        apids=apids,
        subsystems=subsystems,
        hk_periods_s=hk_periods_s,
        tick_periods_s=tick_periods_s,
        ground=root.section("ground", {}),
        endpoints=_endpoints(root.section("endpoints", {})),
        raw=root,
    )


def _endpoints(section: Section) -> Endpoints:
    """The `[endpoints]` table: where each socket lives, each key defaulting to a local port."""
    default = Endpoints.default()
    return Endpoints(
        **{name: section.str(name, address) for name, address in default.as_dict().items()}
    )


def _tick_period_s(table: Section, tick_s: float, hk_period_s: float) -> float:
    """A subsystem's rate group: a whole number of executive ticks, no longer than its reports."""
    period_s = table.float("tick_period_s", tick_s, minimum=tick_s, maximum=600.0, unit="s")
    if not is_whole_ticks(period_s, tick_s):
        raise table.error(
            "tick_period_s",
            f"must be a whole multiple of [clock] tick_s = {tick_s:g} s, found {period_s:g}",
        )
    if hk_period_s < period_s:
        raise table.error(
            "hk_period_s", f"must be at least tick_period_s = {period_s:g} s, found {hk_period_s:g}"
        )
    return period_s


def _epoch_unix_s(mission: Section) -> float:
    text = mission.str("epoch", "2026-01-01T00:00:00Z")
    try:
        instant = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise mission.error(
            "epoch", f"expected an ISO 8601 UTC instant like 2026-03-20T12:00:00Z, found {text!r}"
        ) from None
    if instant.tzinfo is None:
        raise mission.error("epoch", "needs a time zone; end it with Z for UTC")
    return instant.timestamp()


def _apids(table: Section) -> dict[str, int]:
    apids: dict[str, int] = {}
    seen: dict[int, str] = {}
    for name in table.data:
        apid = table.int(name, minimum=1, maximum=IDLE_APID - 1)
        if apid in seen:
            raise table.error(name, f"APID {apid} is already used by {seen[apid]}")
        seen[apid] = name
        apids[name] = apid
    if EXECUTIVE not in apids:
        raise table.error(
            EXECUTIVE, "is missing: the flight software itself needs an APID for ping and time"
        )
    return apids


def _station(section: Section) -> GroundStation:
    return GroundStation(
        name=section.str("name"),
        latitude_deg=section.float("latitude_deg", minimum=-90, maximum=90),
        longitude_deg=section.float("longitude_deg", minimum=-180, maximum=360),
        altitude_m=section.float("altitude_m", 0.0, minimum=-500, maximum=9000),
        min_elevation_deg=section.float("min_elevation_deg", 5.0, minimum=0, maximum=90),
    )


def _crew_member(section: Section) -> CrewMember:
    return CrewMember(
        name=section.str("name"),
        mass_kg=section.float("mass_kg", 75.0, minimum=30, maximum=200),
        o2_kg_per_day=section.float("o2_kg_per_day", 0.84, minimum=0.3, maximum=2.0),
        co2_kg_per_day=section.float("co2_kg_per_day", 1.00, minimum=0.3, maximum=2.0),
        resting_heart_rate_bpm=section.float(
            "resting_heart_rate_bpm", 65.0, minimum=30, maximum=120
        ),
    )
