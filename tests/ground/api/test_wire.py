"""Every control-API message survives its encode and decode; anything else is refused cleanly."""

from __future__ import annotations

import math
from typing import Any

import msgpack
import msgspec
import msgspec.inspect as mi
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ground.api import (
    FEED_EVENT_TYPES,
    REQUEST_TYPES,
    FeedEvent,
    Refusal,
    Reply,
    Request,
    decode_event,
    decode_reply,
    decode_request,
    encode,
    encode_event,
)
from ground.api import replies as reply_module
from ground.errors import ClientError, ControlError

REPLY_TYPES = tuple(
    kind
    for kind in vars(reply_module).values()
    if isinstance(kind, type) and issubclass(kind, Reply | Refusal) and kind is not Reply
)
INT64 = 2**63 - 1

plain = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-INT64, INT64)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
    | st.binary(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
"""Any msgpack value, as a map of arguments or a truth state may hold."""


def values(info: mi.Type) -> st.SearchStrategy[Any]:
    """Values of the type msgspec describes with `info`, within its constraints."""
    match info:
        case mi.Metadata(type=inner):
            return values(inner)
        case mi.NoneType():
            return st.none()
        case mi.BoolType():
            return st.booleans()
        case mi.IntType(ge=ge, le=le):
            return st.integers(0 if ge is None else ge, INT64 if le is None else le)
        case mi.FloatType(ge=ge, gt=gt, le=le):
            low = ge if ge is not None else gt
            return st.floats(
                low, le, exclude_min=gt is not None, allow_nan=False, allow_infinity=False
            )
        case mi.StrType(pattern=str(pattern), max_length=max_length):
            return st.from_regex(pattern, fullmatch=True).filter(
                lambda text: max_length is None or len(text) <= max_length
            )
        case mi.StrType(min_length=min_length, max_length=max_length):
            return st.text(min_size=min_length or 0, max_size=min(max_length or 12, 12))
        case mi.EnumType(cls=cls):
            return st.sampled_from(list(cls))
        case mi.LiteralType(values=choices):
            return st.sampled_from(choices)
        case mi.AnyType():
            return plain
        case mi.UnionType(types=types):
            return st.one_of([values(member) for member in types])
        case mi.ListType(item_type=item):
            return st.lists(values(item), max_size=3)
        case mi.VarTupleType(item_type=item):
            return st.lists(values(item), max_size=3).map(tuple)
        case mi.TupleType(item_types=items):
            return st.tuples(*(values(item) for item in items))
        case mi.DictType(key_type=key, value_type=value):
            return st.dictionaries(values(key), values(value), max_size=3)
        case mi.StructType() | mi.DataclassType() | mi.NamedTupleType():
            fields = {field.name: values(field.type) for field in info.fields}
            return st.builds(info.cls, **fields)
    raise NotImplementedError(f"no strategy for {info}")


def messages(kinds: tuple[type[Any], ...]) -> st.SearchStrategy[Any]:
    return st.one_of([values(mi.type_info(kind)) for kind in kinds])


def kinds_below(base: type[Any]) -> set[type[Any]]:
    """Every class defined below `base`, at any depth."""
    found: set[type[Any]] = set()
    for kind in base.__subclasses__():
        found |= {kind} | kinds_below(kind)
    return found


def test_every_request_and_feed_event_is_registered_so_the_properties_below_cover_it() -> None:
    assert kinds_below(Request) == set(REQUEST_TYPES)
    assert kinds_below(FeedEvent) == set(FEED_EVENT_TYPES)
    for kind in (*REQUEST_TYPES, *FEED_EVENT_TYPES, *REPLY_TYPES):
        values(mi.type_info(kind))  # a strategy exists for every field of every kind


@given(messages(REQUEST_TYPES))
def test_every_request_round_trips(request: Request[Any]) -> None:
    assert decode_request(encode(request)) == request


@given(messages(REPLY_TYPES))
def test_every_reply_round_trips(reply: Reply | Refusal) -> None:
    assert decode_reply(encode(reply), type(reply), "a test") == reply


@given(messages(FEED_EVENT_TYPES))
def test_every_feed_event_round_trips_with_its_topic(event: FeedEvent) -> None:
    topic, body = encode_event(event)
    assert topic.decode() == event.topic()
    assert decode_event(body) == event


@given(st.binary(max_size=80))
def test_any_bytes_decode_to_a_valid_request_or_a_refusal(payload: bytes) -> None:
    try:
        request = decode_request(payload)
    except ControlError as error:
        assert "Traceback" not in str(error) and str(error)
    else:
        assert isinstance(request, Request)


ops = st.sampled_from([kind.op() for kind in REQUEST_TYPES])
requests_in_the_rough = st.dictionaries(
    st.sampled_from(["name", "seconds", "args", "start_s", "end_s", "state", "id", "x"]),
    plain | st.floats(),
    max_size=4,
).flatmap(lambda fields: ops.map(lambda op: {"op": op, **fields}))


@given(requests_in_the_rough | plain)
def test_any_msgpack_value_decodes_to_a_valid_request_or_a_refusal(value: Any) -> None:
    try:
        request = decode_request(msgpack.packb(value))
    except ControlError as error:
        assert "ControlError" not in str(error) and "KeyError" not in str(error)
    else:  # what decodes is valid: its numbers are finite
        numbers = [v for v in msgspec.structs.asdict(request).values() if isinstance(v, float)]
        assert all(math.isfinite(number) for number in numbers)


def test_a_refusal_decodes_as_a_refusal_whatever_was_asked() -> None:
    refusal = Refusal(error="no parameter 'power.x'")
    assert decode_reply(encode(refusal), reply_module.TlmReply, "tlm") == refusal


@given(st.binary(max_size=40))
def test_a_reply_that_does_not_decode_is_a_client_error(payload: bytes) -> None:
    try:
        decode_reply(payload, reply_module.TlmReply, "'tlm'")
    except ClientError as error:
        assert "reply to 'tlm' cannot be read" in str(error)


def test_a_feed_body_of_an_unknown_topic_is_a_client_error() -> None:
    with pytest.raises(ClientError, match="live-feed message cannot be read"):
        decode_event(msgpack.packb({"topic": "weather", "time_s": 1.0}))
