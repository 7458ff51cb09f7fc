"""The one encode and the one decode of every control-API message and feed event.

Decoding validates: a request that does not decode raises ControlError whose message says
which field was wrong and what was expected, in an operator's words (it goes back to the
client as the refusal); a reply or a feed event that does not decode raises ClientError.
"""

from __future__ import annotations

import enum
import re
import types
import typing
from typing import Any, TypeVar, Union

import msgspec

from ground.api.feed import FEED_EVENT_TYPES, FeedEvent
from ground.api.replies import Refusal, Reply
from ground.api.requests import REQUEST_BY_OP, REQUEST_TYPES, Request
from ground.errors import ClientError, ControlError

R = TypeVar("R", bound=Reply)

_encoder = msgspec.msgpack.Encoder()
_REQUEST_UNION: Any = Union[REQUEST_TYPES]  # type: ignore[valid-type]  # noqa: UP007
_requests = msgspec.msgpack.Decoder(_REQUEST_UNION)
_events = msgspec.msgpack.Decoder(Union[FEED_EVENT_TYPES])  # type: ignore[valid-type]  # noqa: UP007
_refusals = msgspec.msgpack.Decoder(Refusal)
_reply_decoders: dict[type[Reply], msgspec.msgpack.Decoder[Any]] = {}
_SHOWN_TEXT_CHARS = 60


class _Envelope(msgspec.Struct):
    """What every reply has, read before the rest to tell a refusal from an answer."""

    ok: bool


_envelopes = msgspec.msgpack.Decoder(_Envelope)


def encode(message: Request[Any] | Reply | Refusal | FeedEvent) -> bytes:
    """The msgpack form of a request, a reply or a feed event's body."""
    return _encoder.encode(message)


def encode_event(event: FeedEvent) -> tuple[bytes, bytes]:
    """A feed event as the two parts of its ZeroMQ message: topic, body."""
    return event.topic().encode(), _encoder.encode(event)


# -- requests (the ground decodes them) ----------------------------------------------------------


def decode_request(payload: bytes) -> Request[Any]:
    """The request in `payload`; ControlError says what is wrong with it, field by field."""
    try:
        request: Request[Any] = _requests.decode(payload)
        return request
    except msgspec.ValidationError as error:
        problem = str(error)
    except msgspec.DecodeError as error:
        raise _not_msgpack(error) from None
    try:  # the same bytes untyped, to quote what was sent (a typed decode may stop earlier)
        raw = msgspec.msgpack.decode(payload)
    except msgspec.DecodeError as error:
        raise _not_msgpack(error) from None
    raise _explain(problem, raw)


def request_from(raw: dict[str, Any], *, strict: bool = True) -> Request[Any]:
    """The request a map of fields (with its `op`) makes, checked as a decoded one is; with
    `strict` off, text converts to the numbers and booleans the fields take (a URL's query).

    Raises:
        ControlError: what is wrong with it, field by field, with the reason word.
    """
    try:
        request: Request[Any] = msgspec.convert(raw, _REQUEST_UNION, strict=strict)
        return request
    except msgspec.ValidationError as error:
        raise _explain(str(error), raw) from None


CONTROL_REASONS = (
    "not_msgpack", "not_a_request", "unknown_op", "missing_field", "unknown_field", "bad_value",
    "forbidden", "revoked", "declined", "defect",
)  # fmt: skip
"""Why the control API refuses a request: it does not decode (the first six), the caller's role
does not allow it (`forbidden`) or their key left the operators file since they connected
(`revoked`), it decoded but could not be carried out (`declined`: an unknown name, a command
refused, the wrong clock), or the ground failed doing it (`defect`). The ground counts each in
its status."""


def _not_msgpack(error: msgspec.DecodeError) -> ControlError:
    return ControlError(
        f"the request is not msgpack ({error}); send a msgpack map with an `op` string",
        "not_msgpack",
    )


def _ops() -> str:
    return ", ".join(sorted(REQUEST_BY_OP))


def _explain(problem: str, raw: Any) -> ControlError:
    """Turn msgspec's account of a refused request into what the client should change, with
    the reason word it is counted under."""
    if not isinstance(raw, dict) or not isinstance(raw.get("op"), str):
        return ControlError(
            f"a request is a map with an `op` string; ops: {_ops()}", "not_a_request"
        )
    op = raw["op"]
    kind = REQUEST_BY_OP.get(op)
    if kind is None:
        return ControlError(f"unknown op {shown(op)}; ops: {_ops()}", "unknown_op")
    fields = {field.encode_name: field for field in msgspec.structs.fields(kind)}
    if match := re.search(r"missing required field `(\w+)`", problem):
        name = match.group(1)
        return ControlError(f"{op} needs `{name}`: {describe(fields[name].type)}", "missing_field")
    if match := re.search(r"unknown field `(.+?)`", problem):
        takes = ", ".join(f"`{name}`" for name in fields) or "no fields"
        unknown = match.group(1)[:_SHOWN_TEXT_CHARS]
        return ControlError(f"{op} has no field `{unknown}`; it takes {takes}", "unknown_field")
    if (match := re.search(r"`\$\.(\w+)", problem)) and match.group(1) in fields:
        name = match.group(1)
        got = shown(raw.get(name))
        return ControlError(
            f"{op}: `{name}` must be {describe(fields[name].type)}; got {got}", "bad_value"
        )
    return ControlError(f"bad {op} request: {problem[:200]}", "bad_value")


def describe(annotation: Any) -> str:
    """What a field of this type takes, in words (its Meta description where it has one)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *extras = typing.get_args(annotation)
        for extra in extras:
            if isinstance(extra, msgspec.Meta) and extra.description:
                return extra.description
        return describe(base)
    if origin in (Union, types.UnionType):
        choices = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        words = " or ".join(describe(choice) for choice in choices)
        return f"{words}, or null" if len(choices) < len(typing.get_args(annotation)) else words
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return "one of " + ", ".join(str(member.value) for member in annotation)
    if annotation is bool:
        return "true or false"
    if annotation is int:
        return "a whole number"
    if annotation is float:
        return "a number"
    if annotation is str:
        return "text"
    if origin is dict or annotation is dict:
        return "a map of names to values"
    return getattr(annotation, "__name__", str(annotation))


def shown(value: Any) -> str:
    """A value from a request, as the refusal quotes it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        cut = value if len(value) <= _SHOWN_TEXT_CHARS else value[:_SHOWN_TEXT_CHARS] + "..."
        return f"'{cut}'"
    if isinstance(value, bytes):
        return f"{len(value)} octets"
    if isinstance(value, dict):
        return "a map"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


# -- replies and feed events (clients decode them) -----------------------------------------------


def decode_reply(payload: bytes, reply_type: type[R], what: str) -> R | Refusal:
    """The reply to a request (`what` names it in errors): an answer of `reply_type`, or the
    ground's refusal. ClientError if it is neither."""
    try:
        if not _envelopes.decode(payload).ok:
            return _refusals.decode(payload)
        decoder = _reply_decoders.get(reply_type)
        if decoder is None:
            decoder = _reply_decoders[reply_type] = msgspec.msgpack.Decoder(reply_type)
        reply: R = decoder.decode(payload)
        return reply
    except msgspec.DecodeError as error:
        raise ClientError(
            f"the ground's reply to {what} cannot be read ({error}); are the ground and this "
            "client the same version?"
        ) from None


def decode_event(body: bytes) -> FeedEvent:
    """A live-feed event from its body; ClientError if it is not one this client knows."""
    try:
        event: FeedEvent = _events.decode(body)
        return event
    except msgspec.DecodeError as error:
        raise ClientError(
            f"a live-feed message cannot be read ({error}); are the ground and this client "
            "the same version?"
        ) from None
