"""Fuzzing the mission config loader: any TOML-shaped data and any bytes either load or are
refused with a ConfigError (file, key, reason), never another exception."""

from __future__ import annotations

import json
import math
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flightsw.config import ConfigError, load_mission

ROOT = Path(__file__).resolve().parents[3]
SHIPPED = sorted((ROOT / "configs").glob("*.toml"))

toml_scalars = st.one_of(
    st.booleans(),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
)
toml_values = st.recursive(
    toml_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=10,
)


def toml_value(value: Any) -> str:
    """`value` written as TOML (tables inline), for the loader to read back."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a TOML basic string takes JSON's escapes
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


def toml_document(data: dict[str, Any]) -> str:
    """A document: each top-level table under its header, everything else inline."""
    lines = [
        f"{json.dumps(k)} = {toml_value(v)}" for k, v in data.items() if not isinstance(v, dict)
    ]
    for name, table in data.items():
        if isinstance(table, dict):
            lines.append(f"[{json.dumps(name)}]")
            lines += [f"{json.dumps(k)} = {toml_value(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


def loads_or_refuses(path: Path) -> None:
    try:
        load_mission(path)
    except ConfigError as error:
        assert error.reason and str(path) in str(error)


def paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path in a config (table keys and list indices)."""
    found = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += paths(value, (*prefix, index))
    return found


def replaced(data: Any, path: tuple[Any, ...], value: Any, delete: bool) -> Any:
    """A copy of `data` with the value at `path` replaced (or deleted)."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        copy = dict(data)
        if delete and not rest:
            del copy[head]
        else:
            copy[head] = replaced(data[head], rest, value, delete)
        return copy
    items = list(data)
    if delete and not rest:
        del items[head]
    else:
        items[head] = replaced(items[head], rest, value, delete)
    return items


@pytest.mark.parametrize("config", SHIPPED, ids=[c.stem for c in SHIPPED])
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_a_shipped_config_with_any_value_changed_loads_or_is_refused(
    config: Path, tmp_path: Path, data: st.DataObject
) -> None:
    document = tomllib.loads(config.read_text())
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths(document)))
        document = replaced(document, path, data.draw(toml_values), delete=data.draw(st.booleans()))
    target = tmp_path / config.name
    target.write_text(toml_document(document) if isinstance(document, dict) else "")
    loads_or_refuses(target)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(document=st.dictionaries(st.text(max_size=8), toml_values, max_size=6))
def test_any_toml_document_loads_or_is_refused(tmp_path: Path, document: dict[str, Any]) -> None:
    target = tmp_path / "mission.toml"
    target.write_text(toml_document(document))
    loads_or_refuses(target)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(octets=st.binary(max_size=200))
def test_any_bytes_load_or_are_refused(tmp_path: Path, octets: bytes) -> None:
    target = tmp_path / "mission.toml"
    target.write_bytes(octets)
    loads_or_refuses(target)
