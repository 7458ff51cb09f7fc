"""Hypothesis strategies read off the ICD's declared types, and arbitrary msgpack to attack them.

`valid(type)` draws values that satisfy a message type as declared (types, ranges, lengths):
the round-trip tests encode them and expect the same value back. `msgpack_values` draws anything
msgpack can carry (maps, lists, strings, bytes, ints, floats with NaN and ±inf, bools, nil);
`bodies_for(type)` draws maps over the type's own field names with such values, so that the
attack reaches the fields' checks instead of stopping at "missing field".
"""

from __future__ import annotations

from typing import Any

import msgspec
import msgspec.inspect as mi
from hypothesis import strategies as st

INT_MIN, INT_MAX = -(2**63), 2**64 - 1  # what msgpack can carry
MAX_OCTETS = 64  # binary data and strings drawn stay short: the checks are on kind and length

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(INT_MIN, INT_MAX),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.binary(max_size=20),
)
msgpack_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(st.text(max_size=10), st.integers(-5, 5)), children, max_size=4),
    ),
    max_leaves=12,
)
"""Anything msgpack can carry, maps with non-string keys included."""

plain_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(INT_MIN, INT_MAX),
        st.floats(allow_nan=False),
        st.text(max_size=20),
        st.binary(max_size=20),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
"""What a field typed `Any` holds and gets back unchanged (no NaN: NaN != NaN)."""


def valid(type_: Any) -> st.SearchStrategy[Any]:
    """Values of `type_` (a msgspec struct, union or annotated type) within its declared ranges."""
    return _valid(mi.type_info(type_))


def _valid(info: Any) -> st.SearchStrategy[Any]:
    extra = None
    if isinstance(info, mi.Metadata):
        extra, info = info.extra, info.type
    if isinstance(info, mi.BoolType):
        return st.booleans()
    if isinstance(info, mi.NoneType):
        return st.none()
    if isinstance(info, mi.AnyType):
        return plain_values
    if isinstance(info, mi.IntType):
        low = INT_MIN if info.ge is None else info.ge
        high = INT_MAX if info.le is None else info.le
        return st.integers(low, high)
    if isinstance(info, mi.FloatType):
        bounded = info.ge is not None or info.le is not None or info.gt is not None
        return st.floats(
            min_value=info.ge if info.ge is not None else info.gt,
            max_value=info.le,
            exclude_min=info.gt is not None,
            allow_nan=not bounded,
            allow_infinity=not bounded,
        )
    if isinstance(info, mi.StrType):
        high = min(info.max_length or 30, 30)
        low = info.min_length or 0
        if info.pattern is not None:  # only names without '.' are declared with a pattern
            alphabet = st.characters(blacklist_characters=".", blacklist_categories=("Cs",))
            return st.text(alphabet, min_size=max(low, 1), max_size=high)
        return st.text(min_size=low, max_size=high)
    if isinstance(info, mi.BytesType):
        return st.binary(min_size=info.min_length or 0, max_size=MAX_OCTETS)
    if isinstance(info, mi.LiteralType):
        return st.sampled_from(info.values)
    if isinstance(info, mi.ListType | mi.VarTupleType):
        items = st.lists(_valid(info.item_type), max_size=min(info.max_length or 4, 4))
        return items if isinstance(info, mi.ListType) else items.map(tuple)
    if isinstance(info, mi.DictType):
        return st.dictionaries(_valid(info.key_type), _valid(info.value_type), max_size=4)
    if isinstance(info, mi.UnionType):
        return st.one_of([_valid(member) for member in info.types])
    if isinstance(info, mi.StructType):
        fields = {f.name: _valid(f.type) for f in info.fields}
        return st.builds(_checked(info.cls), **fields).filter(lambda value: value is not None)
    raise NotImplementedError(f"no strategy for {info!r} ({extra})")


def _checked(cls: type) -> Any:
    """Build `cls`, or None where its own check refuses the fields drawn (part after parts)."""

    def build(**fields: Any) -> Any:
        try:
            return cls(**fields)
        except ValueError:
            return None

    return build


def bodies_for(type_: Any) -> st.SearchStrategy[dict[Any, Any]]:
    """Maps over the fields of `type_` (each there or not) with arbitrary values, plus noise."""
    names: set[str] = set()
    info = mi.type_info(type_)
    members = info.types if isinstance(info, mi.UnionType) else (info,)
    for member in members:
        if isinstance(member, mi.StructType):
            names.update(f.encode_name for f in member.fields)
            if member.tag_field is not None:
                names.add(member.tag_field)
    tags = [m.tag for m in members if isinstance(m, mi.StructType) and m.tag is not None]
    value = st.one_of(msgpack_values, st.sampled_from(tags)) if tags else msgpack_values
    fields = st.fixed_dictionaries({}, optional=dict.fromkeys(sorted(names), value))
    noise = st.dictionaries(st.text(max_size=6), msgpack_values, max_size=2)
    return st.builds(lambda known, extra: {**extra, **known}, fields, noise)


def canonical(value: Any) -> bytes:
    """A value's msgpack octets: equal octets, equal values (NaN included)."""
    return msgspec.msgpack.encode(value)


MSGSPEC_PHRASES = ("Expected `", " - at `", "Object missing", "Invalid enum", "$.", "Traceback")


def readable(detail: str) -> bool:
    """A refusal in words: none of msgspec's own phrasing, no Python internals."""
    return bool(detail) and not any(phrase in detail for phrase in MSGSPEC_PHRASES)
