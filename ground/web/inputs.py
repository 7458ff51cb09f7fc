"""What an HTTP request brings, read and checked: the key it shows, its fields, its body.

A request's fields are its request type's (`ground.api.requests`); the operation is the
route's, never the caller's (a body or query naming `op` is refused), and a GET only reads.
Numbers in a path or a query are text, and a JSON body may quote them: both convert. A body
larger than the route takes is refused before it is read whole.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec
from starlette.datastructures import Headers
from starlette.requests import Request as HttpRequest

from ground.api import Request
from ground.api.wire import request_from
from ground.errors import ControlError
from ground.web.problems import Refused

MAX_JSON_BYTES = 1 << 20  # a body of fields: as much as a control request may be
JSON = "application/json"
_WHOLE = re.compile(r"[0-9]{1,18}")  # ASCII digits only: `²` is a digit to str.isdigit


def bearer_key(headers: Headers) -> str | None:
    """The operator key of `Authorization: Bearer KEY` (keys never go in a URL but for the
    WebSocket, whose browsers cannot set headers)."""
    scheme, _, key = headers.get("authorization", "").partition(" ")
    return key.strip() or None if scheme.lower() == "bearer" else None


def whole_number(text: str, what: str, low: int, high: int) -> int:
    """`text` as a whole number in [low, high], or Refused saying what it should be."""
    if not _WHOLE.fullmatch(text) or not low <= int(text) <= high:
        raise Refused("bad_value", f"`{what}` must be a whole number, {low:,} to {high:,}")
    return int(text)


async def body_octets(request: HttpRequest, limit: int) -> bytes:
    """The body, refused (`too_large`) past `limit` octets without reading more than that."""
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    received = bytearray()
    async for chunk in request.stream():
        received += chunk
        if len(received) > limit:
            raise _too_large(limit)
    return bytes(received)


async def body_fields(request: HttpRequest) -> dict[str, Any]:
    """A JSON object's fields (none for an empty body)."""
    media = request.headers.get("content-type", JSON).split(";", 1)[0].strip().lower()
    if media != JSON:
        raise Refused("not_json", f"send the fields as JSON (Content-Type: {JSON})")
    if request.query_params:
        raise Refused("unknown_field", "a POST takes its fields in the JSON body, not the URL")
    raw = await body_octets(request, MAX_JSON_BYTES)
    if not raw.strip():
        return {}
    try:
        body = msgspec.json.decode(raw)
    except msgspec.DecodeError as error:
        raise Refused("not_json", f"the body is not JSON ({error})") from None
    except RecursionError:
        raise Refused("not_json", "the body's JSON is nested too deeply") from None
    if not isinstance(body, dict):
        raise Refused("not_json", "the body must be a JSON object of the request's fields")
    return body


def request_of(
    kind: type[Request[Any]], *given: dict[str, Any], reading: bool = False
) -> Request[Any]:
    """The `kind` request that the fields `given` (query, body, path, in that order) make.

    Raises:
        Refused: a field names the operation, is unknown, missing or out of range; or
            `reading` (a GET) and the request would change something.
    """
    fields: dict[str, Any] = {}
    for part in given:
        if "op" in part:
            raise Refused("unknown_field", "the route names the operation; drop the `op` field")
        fields.update(part)
    try:
        request = request_from({**fields, "op": kind.op()}, strict=False)
    except ControlError as error:
        raise Refused(error.reason, str(error)) from None
    if reading and request.changes():
        raise Refused("not_a_read", f"a GET only reads; {kind.op()} with these fields is a POST")
    return request


def _too_large(limit: int) -> Refused:
    return Refused("too_large", f"the body is over {limit:,} octets, the most this route takes")
