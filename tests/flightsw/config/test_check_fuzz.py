"""The spacecraft's check of a config survives anything: it accepts, or refuses with file and key.

Hypothesis edits the shipped missions (values replaced by NaN, huge numbers, long strings, deep
arrays, tables; keys removed, misspelt, added) and writes arbitrary text and bytes; every outcome
must be a loaded config or a ConfigError that names the file, a key and a reason. Any other
exception is a bug in a reader.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from toml_documents import dump, mutated

from flightsw.config import ConfigError, check_mission

ROOT = Path(__file__).resolve().parents[3]
SHIPPED = {path.stem: tomllib.loads(path.read_text()) for path in (ROOT / "configs").glob("*.toml")}
FUZZ = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz") / "mission.toml"


def checked_or_refused(path: Path) -> None:
    """Check `path`; a refusal must read `FILE: [KEY] REASON` with all three present."""
    try:
        check_mission(path)
    except ConfigError as error:
        assert error.path == str(path)
        assert error.key
        assert error.reason
        assert str(error) == f"{path}: [{error.key}] {error.reason}"


@FUZZ
@given(
    st.sampled_from(sorted(SHIPPED)).flatmap(lambda name: mutated(SHIPPED[name])),
)
def test_an_edited_mission_is_loaded_or_refused_with_a_key(target: Path, document: dict) -> None:
    target.write_text(dump(document))
    checked_or_refused(target)


@FUZZ
@given(st.binary(max_size=2000))
def test_any_bytes_are_loaded_or_refused_with_a_key(target: Path, octets: bytes) -> None:
    target.write_bytes(octets)
    checked_or_refused(target)


@FUZZ
@given(st.text(max_size=2000))
def test_any_text_is_loaded_or_refused_with_a_key(target: Path, text: str) -> None:
    target.write_text(text)
    checked_or_refused(target)


def test_the_writer_gives_back_every_shipped_mission() -> None:
    """The fuzz writes what it means to write: unedited, a shipped mission reads back the same."""
    for document in SHIPPED.values():
        assert tomllib.loads(dump(document)) == document
