"""TOML documents for the config tests: a writer, and hypothesis strategies that attack configs.

`dump` writes a table the way people write configs (`[tables]`, `[[arrays of tables]]`, keys
quoted only when they must be), so a mutated shipped mission is still mostly a mission and the
attack reaches the readers rather than stopping at the parser. `mutated(document)` draws edits
of a real config: a value replaced by anything TOML can hold (NaN, ±inf, huge integers, long
strings, nested arrays, tables), a key removed, a key added (often a near-misspelling).
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def key(name: str) -> str:
    return name if _BARE_KEY.fullmatch(name) else string(name)


def string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    escaped = "".join(
        f"\\u{ord(c):04x}" if ord(c) < 0x20 or ord(c) == 0x7F else c
        for c in text.replace("\\", "\\\\").replace('"', '\\"')
    )
    return f'"{escaped}"'


def value(item: Any) -> str:
    """One value as TOML writes it inline."""
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, float):
        if math.isnan(item):
            return "nan"
        if math.isinf(item):
            return "inf" if item > 0 else "-inf"
        return repr(item)
    if isinstance(item, int):
        return str(item)
    if isinstance(item, str):
        return string(item)
    if isinstance(item, Mapping):
        return "{" + ", ".join(f"{key(k)} = {value(v)}" for k, v in item.items()) + "}"
    return "[" + ", ".join(value(v) for v in item) + "]"


def _is_table(item: Any) -> bool:
    return isinstance(item, Mapping) and bool(item)


def dump(table: Mapping[str, Any], prefix: str = "") -> str:
    """A whole document: plain keys first, then each sub-table and array of tables."""
    lines = []
    nested = []
    for name, item in table.items():
        if _is_table(item) or (isinstance(item, list) and item and all(map(_is_table, item))):
            nested.append((name, item))
        else:
            lines.append(f"{key(name)} = {value(item)}")
    text = "\n".join(lines) + "\n"
    for name, item in nested:
        header = f"{prefix}.{key(name)}" if prefix else key(name)
        if isinstance(item, Mapping):
            text += f"\n[{header}]\n" + dump(item, header)
        else:
            for element in item:
                text += f"\n[[{header}]]\n" + dump(element, header)
    return text


def _rarely(
    rare: st.SearchStrategy[Any], usual: st.SearchStrategy[Any], one_in: int = 10
) -> st.SearchStrategy[Any]:
    """`rare` one draw in `one_in`: edits past the file's bounds stop the check at the parser."""
    return st.integers(0, one_in - 1).flatmap(lambda i: rare if i == 0 else usual)


scalars = _rarely(
    st.text(alphabet="ab", min_size=5000, max_size=5000),  # past every string bound
    st.one_of(
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=True, allow_infinity=True),
        st.floats(min_value=-10.0, max_value=1e4),
        st.text(max_size=12),
        st.sampled_from(["", "earth", "sun", "stepped", "x" * 65, "power.battery_soc", "../x"]),
    ),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(max_size=8), children, max_size=3),
    ),
    max_leaves=8,
)


def _nested(depth: int) -> Any:
    item: Any = 1
    for _ in range(depth):
        item = [item]
    return item


deep_values = st.integers(min_value=17, max_value=40).map(_nested)  # past the nesting bound


def _paths(table: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value in a document: keys of tables, indices of arrays."""
    found = []
    items = table.items() if isinstance(table, dict) else enumerate(table)
    for name, item in items:
        path = (*prefix, name)
        found.append(path)
        if isinstance(item, dict | list):
            found.extend(_paths(item, path))
    return found


def _misspelt(name: str, cut: int) -> str:
    if not name:
        return "x"
    index = cut % len(name)
    return name[:index] + name[index + 1 :] if len(name) > 1 else name + name


EDITS = ("replace", "replace", "replace", "remove", "misspell", "add")


@st.composite
def mutated(draw: st.DrawFn, document: dict[str, Any]) -> dict[str, Any]:
    """`document` after one to three random edits."""
    edited = copy.deepcopy(document)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        paths = _paths(edited)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = edited
        for step in path[:-1]:
            parent = parent[step]
        last = path[-1]
        edit = draw(_rarely(st.just("deep"), st.sampled_from(EDITS), one_in=30))
        if edit == "replace":
            parent[last] = draw(values)
        elif edit == "deep":
            parent[last] = draw(deep_values)
        elif edit == "remove" and isinstance(parent, dict):
            del parent[last]
        elif edit == "misspell" and isinstance(parent, dict) and isinstance(last, str):
            parent[_misspelt(last, draw(st.integers(0, 50)))] = parent.pop(last)
        elif edit == "add" and isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=10))] = draw(values)
    return edited
