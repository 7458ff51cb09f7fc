"""Mission configs: read a TOML file, check it, and refuse it with the file, key and reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flightsw.config.catalog import resolve_config, shipped_missions
from flightsw.config.document import read_toml
from flightsw.config.ledger import suggest
from flightsw.config.mission_context import CrewMember, GroundStation, MissionContext
from flightsw.config.models import MODELS
from flightsw.config.section import REQUIRED, Section
from flightsw.errors import ConfigError
from flightsw.icd.endpoints import Endpoints
from flightsw.icd.fields import TEXT_CHARS
from flightsw.icd.margins import MAX_CLOCK_RATE
from flightsw.icd.packet import IDLE_APID
from flightsw.icd.sdls import DEFAULT_WINDOW
from flightsw.time_grid import is_whole_ticks

CLOCK_MODES = ("stepped", "realtime")
LIGHT_TIME_MODELS = ("fixed", "range")
DEFAULT_HK_PERIOD_S = 10.0  # a subsystem's housekeeping period unless its table sets one
# The flight software itself, as a subsystem: its APID (ping, time, schedule), the source of its
# housekeeping and events, and its topic on the bus.
EXECUTIVE = "executive"
# The clock's rate, mission seconds per wall second; `--rate` is held to the same range.
RATE_MIN, RATE_MAX, RATE_UNIT = 1e-3, MAX_CLOCK_RATE, "mission s per wall s"
SEED_MAX = 2**63 - 1  # any non-negative TOML integer seeds numpy and `random`
MAX_CREW = 20
# What the ground reads of the file. The spacecraft's own check leaves their keys to the ground's
# (which reads the whole file): `ground.stations` are read by both.
GROUND_TABLES = ("ground", "link.channel")


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
class SecurityConfig:
    """`[security]`: whether telecommands must be authenticated, and the anti-replay window."""

    authenticate: bool
    window: int  # sequence numbers above the last one taken that are still taken


def _security(section: Section) -> SecurityConfig:
    return SecurityConfig(
        authenticate=section.bool("authenticate", False),
        window=section.int("window", DEFAULT_WINDOW, minimum=1, maximum=2**20, unit="numbers"),
    )


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
    recorder_capacity_frames: int  # [recorder]: frames the onboard recorder keeps
    security: SecurityConfig  # [security]: telecommand authentication
    raw: Section

    def refuse_unread(self, skip: tuple[str, ...] = ()) -> None:
        """Refuse the first key no reader took, once every reader of the file has read it.

        Raises:
            ConfigError: naming the key and the closest names that are read there.
        """
        self.raw.refuse_unread(skip)

    def resolve(self, relative: str) -> Path:
        """A path named in the config, relative to the config file's folder."""
        return (self.path.parent / relative).resolve()


def load_mission(path: str | Path) -> MissionConfig:
    """Read and check a mission config; raise ConfigError naming the file, key and reason.

    `path` may also name a shipped mission (`leo_station`), see flightsw.config.catalog. This
    reads the mission's own tables; `flightsw.config.check_mission` reads the whole file.
    """
    path = resolve_config(path)
    where = str(path)
    data = read_toml(
        path,
        if_missing="pass the path of a mission config or the name of a shipped mission "
        f"({', '.join(shipped_missions())})",
    )
    root = Section(data, where, "")
    mission = root.section("mission")
    clock = root.section("clock")
    link = root.section("link", {})
    ground = root.section("ground", {})
    context = MissionContext(
        name=mission.str("name"),
        epoch_unix_s=_epoch_unix_s(mission),
        seed=mission.int("seed", 0, minimum=0, maximum=SEED_MAX),
        ground_stations=tuple(_station(s) for s in ground.sections("stations")),
        crew=tuple(_crew_member(s) for s in root.sections("crew", max_count=MAX_CREW)),
    )
    apids = _apids(root.section("apids"))
    tick_s = clock.float("tick_s", 1.0, minimum=0.01, maximum=60.0, unit="s")
    subsystem_tables = root.section("subsystems")
    subsystems = {name: subsystem_tables.section(name) for name in subsystem_tables.table_names()}
    for name in subsystems:
        if name not in MODELS:
            raise subsystem_tables.error(name, f"no such subsystem; {suggest(name, MODELS)}")
    for name in apids:
        if name != EXECUTIVE and name not in MODELS:
            raise ConfigError(where, f"apids.{name}", f"no such subsystem; {suggest(name, MODELS)}")
    for name in subsystems:
        if name not in apids:
            raise ConfigError(
                where, f"apids.{name}", f"subsystem {name!r} has no APID; add `{name} = <number>`"
            )
    if not subsystems:
        raise ConfigError(
            where, "subsystems", "no subsystem tables; add at least [subsystems.power]"
        )
    description = mission.str("description", "", max_chars=TEXT_CHARS)
    clock_config = ClockConfig(
        mode=clock.str("mode", "realtime", CLOCK_MODES),
        rate=clock.float("rate", 1.0, minimum=RATE_MIN, maximum=RATE_MAX, unit=RATE_UNIT),
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
    recorder = root.section("recorder", {})
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
        ground=ground,
        endpoints=_endpoints(root.section("endpoints", {})),
        recorder_capacity_frames=recorder.int(
            "capacity_frames", 200_000, minimum=100, maximum=10_000_000, unit="frames"
        ),
        security=_security(root.section("security", {})),
        raw=root,
    )


def _endpoints(section: Section) -> Endpoints:
    """The `[endpoints]` table: where each socket lives, each key defaulting to a local port."""
    default = Endpoints.default()
    given = {name: section.str(name, address) for name, address in default.as_dict().items()}
    for name, address in given.items():
        if "://" not in address:
            raise section.error(
                name,
                f"expected a ZeroMQ endpoint like {default.as_dict()[name]}, found {address!r}",
            )
    return Endpoints(**given)


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
    for name in table.names(max_count=IDLE_APID - 1):
        apid = table.int(name, REQUIRED, minimum=1, maximum=IDLE_APID - 1)
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
        latitude_deg=section.float("latitude_deg", REQUIRED, minimum=-90, maximum=90, unit="deg"),
        longitude_deg=section.float(
            "longitude_deg", REQUIRED, minimum=-180, maximum=360, unit="deg"
        ),
        altitude_m=section.float("altitude_m", 0.0, minimum=-500, maximum=9000, unit="m"),
        min_elevation_deg=section.float(
            "min_elevation_deg", 5.0, minimum=0, maximum=90, unit="deg"
        ),
    )


def _crew_member(section: Section) -> CrewMember:
    return CrewMember(
        name=section.str("name"),
        mass_kg=section.float("mass_kg", 75.0, minimum=30, maximum=200, unit="kg"),
        o2_kg_per_day=section.float("o2_kg_per_day", 0.84, minimum=0.3, maximum=2.0, unit="kg/day"),
        co2_kg_per_day=section.float(
            "co2_kg_per_day", 1.00, minimum=0.3, maximum=2.0, unit="kg/day"
        ),
        resting_heart_rate_bpm=section.float(
            "resting_heart_rate_bpm", 65.0, minimum=30, maximum=120, unit="bpm"
        ),
    )
