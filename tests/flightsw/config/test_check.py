"""The spacecraft's check of a whole config: every table is read by its reader, and a key that
no reader takes is refused, in every table and sub-table, with the closest known names."""

from __future__ import annotations

from pathlib import Path

import pytest

from flightsw.config import ConfigError, check_mission

ROOT = Path(__file__).resolve().parents[3]
SHIPPED = sorted((ROOT / "configs").glob("*.toml"))
STATION = (ROOT / "configs" / "leo_station.toml").read_text()
SMALLSAT = (ROOT / "configs" / "leo_smallsat.toml").read_text()


def with_line(text: str, header: str, line: str) -> str:
    """`text` with `line` added just under the first `header`."""
    assert header in text, header
    return text.replace(f"{header}\n", f"{header}\n{line}\n", 1)


def refusal(tmp_path: Path, text: str) -> ConfigError:
    path = tmp_path / "mission.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        check_mission(path)
    assert caught.value.path == str(path)
    return caught.value


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_shipped_mission_passes_the_whole_check(path: Path) -> None:
    check_mission(path)


# (base text, table header, the line added under it, refused key, suggestion)
MISSPELT = [
    (STATION, "[mission]", 'nme = "x"', "mission.nme", "name"),
    (STATION, "[clock]", "rat = 60", "clock.rat", "rate"),
    (STATION, "[link]", 'light_tme = "fixed"', "link.light_tme", "light_time"),
    (STATION, "[[crew]]", "mas_kg = 60", "crew[0].mas_kg", "mass_kg"),
    (STATION, "[recorder]", "capacity = 5", "recorder.capacity", "capacity_frames"),
    (
        STATION,
        "[subsystems.navigation]",
        "altitde_km = 1",
        "subsystems.navigation.altitde_km",
        "altitude_km",
    ),
    (STATION, "[subsystems.propulsion]", "thrust = 1", "subsystems.propulsion.thrust", "thrust_n"),
    (
        STATION,
        "[subsystems.power]",
        "initial_sco = 1",
        "subsystems.power.initial_sco",
        "initial_soc",
    ),
    (
        STATION,
        "[subsystems.thermal]",
        "max_substp_s = 1",
        "subsystems.thermal.max_substp_s",
        "max_substep_s",
    ),
    (
        STATION,
        "[[subsystems.thermal.nodes]]",
        "emisivity = 1",
        "subsystems.thermal.nodes[0].emisivity",
        "emissivity",
    ),
    (
        STATION,
        "[[subsystems.thermal.links]]",
        "conductance = 1",
        "subsystems.thermal.links[0].conductance",
        "conductance_w_k",
    ),
    (
        STATION,
        "[[subsystems.thermal.heaters]]",
        "set_point = 1",
        "subsystems.thermal.heaters[0].set_point",
        "set_point_c",
    ),
    (
        STATION,
        "[subsystems.thermal.pump]",
        'radiatr = "x"',
        "subsystems.thermal.pump.radiatr",
        "radiator",
    ),
    (
        STATION,
        "[subsystems.comms]",
        "transmit_powr_w = 1",
        "subsystems.comms.transmit_powr_w",
        "transmit_power_w",
    ),
    (
        STATION,
        "[subsystems.life_support]",
        "cabin_volum_m3 = 1",
        "subsystems.life_support.cabin_volum_m3",
        "cabin_volume_m3",
    ),
    (STATION, "[subsystems.docking]", "hold_far = 1", "subsystems.docking.hold_far", "hold_far_m"),
    (
        STATION,
        "[subsystems.payload]",
        "storage_capacty_mb = 1",
        "subsystems.payload.storage_capacty_mb",
        "storage_capacity_mb",
    ),
    (
        STATION,
        "[[subsystems.payload.instruments]]",
        'initial_mod = "off"',
        "subsystems.payload.instruments[0].initial_mod",
        "initial_mode",
    ),
    (
        STATION,
        "[[subsystems.sensors.channels]]",
        "nois_sigma = 1",
        "subsystems.sensors.channels[0].nois_sigma",
        "noise_sigma",
    ),
    (
        STATION,
        "[subsystems.environment]",
        "gcr_usv = 1",
        "subsystems.environment.gcr_usv",
        "gcr_usv_h",
    ),
    (
        STATION,
        "[subsystems.resources]",
        "rate_time_constnt_s = 1",
        "subsystems.resources.rate_time_constnt_s",
        "rate_time_constant_s",
    ),
    (
        STATION,
        "[subsystems.mission_events]",
        "timeline_lenght = 1",
        "subsystems.mission_events.timeline_lenght",
        "timeline_length",
    ),
    (
        STATION,
        "[[subsystems.mission_events.scheduled]]",
        "tme_s = 1",
        "subsystems.mission_events.scheduled[0].tme_s",
        "time_s",
    ),
    (STATION, "[subsystems.fdir]", "crewd = true", "subsystems.fdir.crewd", "crewed"),
    (
        STATION,
        "[[subsystems.fdir.monitors]]",
        "repetition = 3",
        "subsystems.fdir.monitors[0].repetition",
        "repetitions",
    ),
    (
        STATION,
        "[[subsystems.fdir.actions]]",
        "enable = true",
        "subsystems.fdir.actions[0].enable",
        "enabled",
    ),
    (
        STATION,
        "[subsystems.fdir.safe_mode]",
        "comands = []",
        "subsystems.fdir.safe_mode.comands",
        "commands",
    ),
    (
        SMALLSAT,
        "[subsystems.software]",
        "log_lenght = 5",
        "subsystems.software.log_lenght",
        "log_length",
    ),
]


@pytest.mark.parametrize(
    ("text", "header", "line", "key", "closest"),
    MISSPELT,
    ids=[case[3] for case in MISSPELT],
)
def test_a_misspelt_key_is_refused_in_every_table_with_the_closest_name(
    tmp_path: Path, text: str, header: str, line: str, key: str, closest: str
) -> None:
    error = refusal(tmp_path, with_line(text, header, line))
    assert (error.key, error.reason) == (key, f"unknown key; did you mean {closest}?")


def test_a_misspelt_table_is_refused_with_the_closest_name(tmp_path: Path) -> None:
    error = refusal(tmp_path, STATION + "\n[endpoint]\nuplink = 'tcp://127.0.0.1:1'\n")
    assert (error.key, error.reason) == ("endpoint", "unknown key; did you mean endpoints?")


def test_a_misspelt_endpoint_is_refused(tmp_path: Path) -> None:
    error = refusal(tmp_path, STATION + "\n[endpoints]\nuplnk = 'tcp://127.0.0.1:1'\n")
    assert (error.key, error.reason) == ("endpoints.uplnk", "unknown key; did you mean uplink?")


def test_an_apid_for_no_subsystem_is_refused(tmp_path: Path) -> None:
    error = refusal(tmp_path, with_line(STATION, "[apids]", "thermall = 40"))
    assert (error.key, error.reason) == (
        "apids.thermall",
        "no such subsystem; did you mean thermal?",
    )


def test_a_threshold_of_no_consumable_is_refused(tmp_path: Path) -> None:
    error = refusal(
        tmp_path, with_line(STATION, "[subsystems.resources.thresholds]", "o2_day = [1.0]")
    )
    assert (error.key, error.reason) == (
        "subsystems.resources.thresholds.o2_day",
        "no such threshold; did you mean o2_days?",
    )


def test_a_key_its_table_takes_only_in_another_kind_is_refused(tmp_path: Path) -> None:
    """A limit monitor has no max_delta: written there, it would be silently ignored."""
    error = refusal(tmp_path, with_line(STATION, "[[subsystems.fdir.monitors]]", "max_delta = 5"))
    assert error.key == "subsystems.fdir.monitors[0].max_delta"
    assert error.reason.startswith("unknown key")


def test_the_spacecraft_leaves_the_grounds_tables_to_the_ground(tmp_path: Path) -> None:
    path = tmp_path / "mission.toml"
    path.write_text(
        with_line(STATION, "[ground]", 'datadir = "x"')
        + "\n[link.channel]\nloss_probabilty = 0.1\n"
    )
    config = check_mission(path)  # the ground's own check refuses both (tests/ground/process)
    assert config.name == "leo-station"


LONG_MESSAGE = 'message = """' + "x" * 4097 + '"""'
OUT_OF_RANGE = [
    ("initial_soc = 0.9", "initial_soc = nan", "subsystems.power.initial_soc",
     "expected a finite number, found nan"),
    ("hold_far_m = 250.0", "hold_far_m = inf", "subsystems.docking.hold_far_m",
     "expected a finite number, found inf"),
    ("tick_period_s = 1.0", "tick_period_s = 1e-9", "subsystems.propulsion.tick_period_s",
     "expected at least 1 s, found 1e-09"),
    ("command_loss_timeout_s = 0.0", "command_loss_timeout_s = 1e300",
     "subsystems.fdir.command_loss_timeout_s", "expected at most 1e+07 s, found 1e+300"),
    ("downlink_rate_bps = 4096000.0", "downlink_rate_bps = 1e30",
     "subsystems.comms.downlink_rate_bps", "expected at most 8.192e+06 bit/s, found 1e+30"),
    ('name = "daily_planning_conference"', f'name = "{"x" * 65}"',
     "subsystems.mission_events.scheduled[0].name", "expected at most 64 characters, found 65"),
    ("seed = 7", "seed = -1", "mission.seed", "expected at least 0, found -1"),
    ("capacity_frames = 400000", "capacity_frames = 99", "recorder.capacity_frames",
     "expected at least 100 frames, found 99"),
    ("initial_position_m = [0.0, -2000.0, 0.0]", "initial_position_m = [0.0, -2e6, 0.0]",
     "subsystems.docking.initial_position_m[1]", "expected at least -100000 m, found -2e+06"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("written", "rewritten", "key", "reason"), OUT_OF_RANGE, ids=[c[2] for c in OUT_OF_RANGE]
)
def test_a_value_out_of_its_range_is_refused_before_anything_flies(
    tmp_path: Path, written: str, rewritten: str, key: str, reason: str
) -> None:
    assert written in STATION
    error = refusal(tmp_path, STATION.replace(written, rewritten, 1))
    assert (error.key, error.reason) == (key, reason)
