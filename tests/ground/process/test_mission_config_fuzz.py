"""The ground's check of a config and its rules survives anything: it accepts, or refuses with a key.

Hypothesis edits a shipped mission and its rule file (values replaced by NaN, huge numbers,
long strings, deep arrays, tables; keys removed, misspelt, added); every outcome must be a
checked config or a ConfigError or RuleError naming the file, a key and a reason.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from toml_documents import dump, mutated

from flightsw.config import ConfigError
from ground.errors import RuleError
from ground.process import check_config

ROOT = Path(__file__).resolve().parents[3]
MISSIONS = {p.stem: tomllib.loads(p.read_text()) for p in (ROOT / "configs").glob("*.toml")}
RULES = {p.stem: tomllib.loads(p.read_text()) for p in (ROOT / "configs" / "rules").glob("*.toml")}
FUZZ = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "rules").mkdir()
    return folder


def checked_or_refused(folder: Path, name: str, mission: dict, rules: dict) -> None:
    path = folder / "mission.toml"
    path.write_text(dump(mission))
    (folder / "rules" / f"{name}.toml").write_text(dump(rules))
    try:
        check_config(path)
    except (ConfigError, RuleError) as error:
        assert error.key
        assert error.reason
        assert str(error) == f"{error.path}: [{error.key}] {error.reason}"
        assert error.path in (str(path), str(folder / "rules" / f"{name}.toml"))


@FUZZ
@given(
    st.sampled_from(sorted(MISSIONS)).flatmap(lambda n: st.tuples(st.just(n), mutated(MISSIONS[n])))
)
def test_an_edited_mission_is_checked_or_refused_with_a_key(
    folder: Path, drawn: tuple[str, dict]
) -> None:
    name, mission = drawn
    checked_or_refused(folder, name, mission, RULES[name])


@FUZZ
@given(st.sampled_from(sorted(RULES)).flatmap(lambda n: st.tuples(st.just(n), mutated(RULES[n]))))
def test_an_edited_rule_file_is_loaded_or_refused_with_a_key(
    folder: Path, drawn: tuple[str, dict]
) -> None:
    name, rules = drawn
    checked_or_refused(folder, name, MISSIONS[name], rules)
