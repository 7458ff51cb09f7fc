"""Errors as problem details (RFC 9457): a JSON document that says what was wrong, in words.

Every refusal of the ground keeps its reason word (`ground.api.wire.CONTROL_REASONS`), which
decides the HTTP status; the web's own refusals (no key, a ground gone) have words of their own.
"""

from __future__ import annotations

from http import HTTPStatus

import msgspec
from starlette.responses import Response

MEDIA_TYPE = "application/problem+json"

STATUS_OF_REASON: dict[str, HTTPStatus] = {
    # the request does not decode: the web builds requests itself, so these are its own defects
    "not_msgpack": HTTPStatus.BAD_REQUEST,
    "not_a_request": HTTPStatus.BAD_REQUEST,
    "unknown_op": HTTPStatus.BAD_REQUEST,
    # a field the caller gave is missing, unknown or out of its range
    "missing_field": HTTPStatus.UNPROCESSABLE_ENTITY,
    "unknown_field": HTTPStatus.UNPROCESSABLE_ENTITY,
    "bad_value": HTTPStatus.UNPROCESSABLE_ENTITY,
    "not_json": HTTPStatus.BAD_REQUEST,
    "too_large": HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
    "not_a_read": HTTPStatus.METHOD_NOT_ALLOWED,
    "no_route": HTTPStatus.NOT_FOUND,
    "cross_site": HTTPStatus.FORBIDDEN,
    # who asks
    "no_key": HTTPStatus.UNAUTHORIZED,
    "unknown_key": HTTPStatus.UNAUTHORIZED,
    "forbidden": HTTPStatus.FORBIDDEN,
    "revoked": HTTPStatus.FORBIDDEN,
    # understood, and not carried out: an unknown name, a command refused, the wrong clock
    "declined": HTTPStatus.CONFLICT,
    "not_found": HTTPStatus.NOT_FOUND,
    # the ground
    "defect": HTTPStatus.INTERNAL_SERVER_ERROR,
    "ground_gone": HTTPStatus.SERVICE_UNAVAILABLE,
    "no_answer": HTTPStatus.GATEWAY_TIMEOUT,
}
"""The HTTP status of each reason a request may be refused for."""


class Problem(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """A problem-details document; `reason` is the word the refusal is counted under."""

    title: str
    status: int
    detail: str
    reason: str
    type: str = "about:blank"


def problem(reason: str, detail: str) -> Problem:
    """The problem for a refusal for `reason`, explained by `detail`."""
    status = STATUS_OF_REASON.get(reason, HTTPStatus.CONFLICT)
    return Problem(title=status.phrase, status=int(status), detail=detail, reason=reason)


def problem_response(found: Problem) -> Response:
    headers = {"WWW-Authenticate": "Bearer"} if found.status == HTTPStatus.UNAUTHORIZED else None
    return Response(
        msgspec.json.encode(found), found.status, headers=headers, media_type=MEDIA_TYPE
    )


class Refused(Exception):
    """A request the web refuses before, or instead of, the ground answering it."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.problem = problem(reason, detail)
