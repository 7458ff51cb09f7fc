"""The ground's check of a whole config: its own tables, the spacecraft's, and the rule file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from flightsw.config import ConfigError
from ground.errors import RuleError
from ground.process import check_config
from ground.rules.loader import load_rules

ROOT = Path(__file__).resolve().parents[3]
SHIPPED = sorted((ROOT / "configs").glob("*.toml"))
SMALLSAT = (ROOT / "configs" / "leo_smallsat.toml").read_text()
RULES = (ROOT / "configs" / "rules" / "leo_smallsat.toml").read_text()


def mission_folder(tmp_path: Path, text: str = SMALLSAT, rules: str = RULES) -> Path:
    """A config and its rule file in a folder of their own, as a user keeps them."""
    folder = tmp_path / "mission"
    (folder / "rules").mkdir(parents=True)
    (folder / "rules" / "leo_smallsat.toml").write_text(rules)
    (folder / "leo.toml").write_text(text)
    return folder / "leo.toml"


def refusal(tmp_path: Path, text: str) -> ConfigError:
    path = mission_folder(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        check_config(path)
    assert caught.value.path == str(path)
    return caught.value


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_shipped_mission_passes_the_grounds_check_with_its_rules(path: Path) -> None:
    checked = check_config(path)
    assert checked.rules_path is not None
    assert checked.rule_count == len(load_rules(checked.rules_path)) > 0


@pytest.mark.parametrize(
    ("text", "key", "closest"),
    [
        (SMALLSAT.replace("[ground]\n", '[ground]\ndatadir = "x"\n'), "ground.datadir", "data_dir"),
        (SMALLSAT + "\n[link.channel]\nloss_probabilty = 0.1\n", "link.channel.loss_probabilty", "loss_probability"),
        (SMALLSAT.replace("[[ground.stations]]\n", "[[ground.stations]]\nlatitude = 1\n", 1), "ground.stations[0].latitude", "latitude_deg"),
        (SMALLSAT.replace("[subsystems.power]\n", "[subsystems.power]\nbattery_capcity_wh = 5\n"), "subsystems.power.battery_capcity_wh", "battery_capacity_wh"),
    ],
)  # fmt: skip
def test_a_misspelt_key_is_refused_in_the_grounds_tables_and_the_spacecrafts(
    tmp_path: Path, text: str, key: str, closest: str
) -> None:
    error = refusal(tmp_path, text)
    assert (error.key, error.reason) == (key, f"unknown key; did you mean {closest}?")


@pytest.mark.parametrize(
    ("channel", "key", "reason"),
    [
        ("downlink_rate_bytes_s = 1e300", "downlink_rate_bytes_s", "expected at most 1e+10 B/s, found 1e+300"),
        ("blackouts_s = [[600, 60]]", "blackouts_s[0]", "end after start, found [600, 60]"),
        ("blackouts_s = [[0, 1e300]]", "blackouts_s[0]", "from 0 to 4294967295"),
        ("blackouts_s = 5", "blackouts_s", "expected a list of at most 1000 [start_s, end_s] windows"),
    ],
)  # fmt: skip
def test_the_channel_is_held_to_its_ranges(
    tmp_path: Path, channel: str, key: str, reason: str
) -> None:
    error = refusal(tmp_path, SMALLSAT + f"\n[link.channel]\n{channel}\n")
    assert error.key == f"link.channel.{key}"
    assert reason in error.reason


def test_a_bad_rule_file_is_refused_naming_the_rule_file(tmp_path: Path) -> None:
    path = mission_folder(tmp_path, rules=RULES.replace("red_low = 0.30", "red_lo = 0.30", 1))
    with pytest.raises(RuleError) as caught:
        check_config(path)
    assert caught.value.path == str(path.parent / "rules" / "leo_smallsat.toml")
    assert caught.value.key == "rule.battery_soc.red_lo"
    assert caught.value.reason == "unknown key for a limit rule; did you mean red_low?"


def test_paths_in_a_config_start_from_its_folder_not_the_working_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = mission_folder(tmp_path, SMALLSAT.replace('data_dir = "../runs"', 'data_dir = "out"'))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    checked = check_config(Path("..") / "mission" / "leo.toml")
    assert checked.rules_path == path.parent / "rules" / "leo_smallsat.toml"
    assert checked.data_dir == path.parent / "out"
    assert not (elsewhere / "out").exists()


def test_a_rule_file_the_config_names_but_that_is_missing_is_refused(tmp_path: Path) -> None:
    path = mission_folder(tmp_path)
    shutil.rmtree(path.parent / "rules")
    with pytest.raises(RuleError, match=r"rules/leo_smallsat.toml: \[-\] no such file"):
        check_config(path)


def test_the_silence_interval_is_read_with_the_grounds_tables(tmp_path: Path) -> None:
    path = mission_folder(tmp_path, SMALLSAT.replace("[ground]\n", "[ground]\nsilence_s = 12.5\n"))
    assert check_config(path).silence_s == 12.5
    error = refusal(tmp_path / "2", SMALLSAT.replace("[ground]\n", "[ground]\nsilense_s = 9\n"))
    assert (error.key, error.reason) == ("ground.silense_s", "unknown key; did you mean silence_s?")
