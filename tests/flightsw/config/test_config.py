"""Mission configs: the shipped ones load; a bad one is refused with its file, key and reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from flightsw.config.mission import load_mission
from flightsw.errors import ConfigError
from flightsw.subsystems.registry import build_models

ROOT = Path(__file__).resolve().parents[3]
SHIPPED = sorted((ROOT / "configs").glob("*.toml"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_mission_loads_and_builds_its_models(path: Path) -> None:
    config = load_mission(path)
    models = build_models(config)
    assert {m.name for m in models} == set(config.subsystems)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mission.toml"
    path.write_text(text)
    return path


GOOD = """
[mission]
name = "t"
[clock]
mode = "stepped"
[apids]
executive = 1
power = 17
[subsystems.power]
"""


def refusal(tmp_path: Path, text: str) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_mission(write(tmp_path, text))
    return caught.value


def test_a_minimal_config_loads(tmp_path: Path) -> None:
    config = load_mission(write(tmp_path, GOOD))
    assert (config.name, config.clock.mode, config.apids["power"]) == ("t", "stepped", 17)


def test_a_missing_file_says_where_to_look(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        load_mission(tmp_path / "nowhere.toml")


def test_broken_toml_is_refused_with_the_parser_reason(tmp_path: Path) -> None:
    error = refusal(tmp_path, "[mission\nname = 1")
    assert "not valid TOML" in error.reason


def test_a_wrong_type_names_the_key_and_what_was_expected(tmp_path: Path) -> None:
    error = refusal(tmp_path, GOOD.replace('mode = "stepped"', 'mode = "fast"'))
    assert (error.key, error.reason) == (
        "clock.mode",
        "expected one of stepped, realtime, found 'fast'",
    )
    assert str(error).startswith(str(tmp_path / "mission.toml"))


def test_a_subsystem_without_an_apid_is_refused(tmp_path: Path) -> None:
    error = refusal(tmp_path, GOOD + "[subsystems.thermal]\n")
    assert error.key == "apids.thermal"


def test_two_applications_on_one_apid_are_refused(tmp_path: Path) -> None:
    error = refusal(tmp_path, GOOD.replace("power = 17", "power = 1"))
    assert "already used by executive" in error.reason


def test_an_out_of_range_model_value_is_refused_by_the_model(tmp_path: Path) -> None:
    config = load_mission(write(tmp_path, GOOD + "battery_capacity_wh = -5\n"))
    with pytest.raises(ConfigError) as caught:
        build_models(config)
    assert caught.value.key == "subsystems.power.battery_capacity_wh"


def test_an_unknown_subsystem_is_refused_listing_the_known_ones(tmp_path: Path) -> None:
    error = refusal(
        tmp_path, GOOD.replace("power = 17", "power = 17\nwarp = 20") + "[subsystems.warp]\n"
    )
    assert error.key == "subsystems.warp"
    assert error.reason.startswith("no such subsystem; known: comms, docking, environment")


def test_a_misspelt_subsystem_is_refused_with_the_closest_name(tmp_path: Path) -> None:
    error = refusal(tmp_path, GOOD + "[subsystems.thermall]\n")
    assert (error.key, error.reason) == (
        "subsystems.thermall",
        "no such subsystem; did you mean thermal?",
    )
