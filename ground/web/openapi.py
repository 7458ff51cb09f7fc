"""The API's OpenAPI document, its schemas generated from the control messages themselves.

Each request and reply is declared once, as a msgspec struct (`ground.api`); its JSON schema here
is msgspec's account of that struct, so the documentation cannot drift from what is checked.
A route's parameters and body are its request's fields, minus `op` (the route says which op).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import msgspec

from flightsw import __version__
from ground.api import Refusal, Request
from ground.web.problems import STATUS_OF_REASON, Problem
from ground.web.routes import Route, path_fields

REF = "#/components/schemas/{name}"
KEY_SCHEME = {"operatorKey": {"type": "http", "scheme": "bearer", "bearerFormat": "Z85"}}
DESCRIPTION = (
    "Mission control over HTTP: every system of the spacecraft, its alarms, commands, events, "
    "faults and archive, through the ground's control API. Show your operator key as a bearer "
    "token (`mission keys token` prints it); the ground checks your role (observers read, "
    "operators command, test conductors inject and drive the clock) and archives what you do "
    "under your name. Errors are problem details (RFC 9457) whose `reason` names the refusal. "
    "The live feed is the WebSocket `/api/feed` (docs/web.md)."
)


@dataclass(frozen=True, slots=True)
class Extra:
    """A route the web composes itself: its reply type and the query parameters it adds."""

    method: str
    path: str
    tag: str
    summary: str
    reply: type[Any]
    request: type[Request[Any]] | None = None  # the request whose fields it takes, if any
    query: dict[str, dict[str, Any]] | None = None  # further query parameters: name -> schema
    body: str | None = None  # the media type of a body of octets it takes, if any


def document(routes: Sequence[Route], extras: Sequence[Extra]) -> dict[str, Any]:
    """The OpenAPI 3.1 document of `routes` and `extras`."""
    types: list[type[Any]] = [Problem, Refusal]
    for route in routes:
        types += [route.request, route.request.reply_type]
    for extra in extras:
        types += [extra.reply] + ([extra.request] if extra.request else [])
    _, schemas = msgspec.json.schema_components(types, ref_template=REF)
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(route, schemas)
    for extra in extras:
        paths.setdefault(extra.path, {})[extra.method.lower()] = _extra_operation(extra, schemas)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Mission control", "version": __version__, "description": DESCRIPTION},
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": KEY_SCHEME},
        "security": [{"operatorKey": []}],
    }


def _fields(request: type[Request[Any]], schemas: dict[str, Any]) -> dict[str, Any]:
    properties = dict(schemas[request.__name__]["properties"])
    properties.pop("op", None)
    return properties


def _required(request: type[Request[Any]]) -> set[str]:
    return {field.name for field in msgspec.structs.fields(request) if field.required}


def _operation(route: Route, schemas: dict[str, Any]) -> dict[str, Any]:
    fields = _fields(route.request, schemas)
    required = _required(route.request)
    parameters = [
        _parameter(name, "path", fields.pop(name), required=True) for name in route.path_fields
    ]
    operation: dict[str, Any] = {
        "tags": [route.tag],
        "summary": route.summary,
        "description": route.request.__doc__ or "",
        "operationId": f"{route.method.lower()}_{route.request.op()}",
        "responses": _responses(route.request.reply_type),
        "x-role": str(route.request.needs),
    }
    if route.method == "GET":
        parameters += [
            _parameter(name, "query", schema, name in required) for name, schema in fields.items()
        ]
    elif fields:
        body: dict[str, Any] = {
            "type": "object",
            "properties": fields,
            "required": sorted(required & fields.keys()),
            "additionalProperties": False,
        }
        content: dict[str, Any] = {"schema": body}
        if route.example is not None:
            content["example"] = route.example
        operation["requestBody"] = {
            "required": bool(required & fields.keys()),
            "content": {"application/json": content},
        }
    if parameters:
        operation["parameters"] = parameters
    return operation


def _extra_operation(extra: Extra, schemas: dict[str, Any]) -> dict[str, Any]:
    parameters = [
        _parameter(name, "path", {"type": "string"}, required=True)
        for name in path_fields(extra.path)
    ]
    if extra.request is not None:
        fields = _fields(extra.request, schemas)
        required = _required(extra.request)
        taken = {parameter["name"] for parameter in parameters}
        parameters += [
            _parameter(name, "query", schema, name in required)
            for name, schema in fields.items()
            if name not in taken
        ]
    parameters += [
        _parameter(name, "query", schema, required=False)
        for name, schema in (extra.query or {}).items()
    ]
    operation: dict[str, Any] = {
        "tags": [extra.tag],
        "summary": extra.summary,
        "operationId": f"{extra.method.lower()}_{extra.path.strip('/').replace('/', '_')}",
        "responses": _responses(extra.reply),
    }
    if parameters:
        operation["parameters"] = parameters
    if extra.body is not None:
        octets = {"schema": {"type": "string", "format": "binary"}}
        operation["requestBody"] = {"required": True, "content": {extra.body: octets}}
    return operation


def _parameter(name: str, where: str, schema: dict[str, Any], required: bool) -> dict[str, Any]:
    described = {"name": name, "in": where, "required": required, "schema": schema}
    if "description" in schema:
        described["description"] = schema["description"]
    return described


def _responses(reply: type[Any]) -> dict[str, Any]:
    problem = {"application/problem+json": {"schema": {"$ref": REF.format(name="Problem")}}}
    statuses = sorted({int(status) for status in STATUS_OF_REASON.values()})
    responses: dict[str, Any] = {
        "200": {
            "description": "done",
            "content": {"application/json": {"schema": {"$ref": REF.format(name=reply.__name__)}}},
        }
    }
    for status in statuses:
        reasons = sorted(r for r, s in STATUS_OF_REASON.items() if int(s) == status)
        responses[str(status)] = {
            "description": f"refused: {', '.join(reasons)}",
            "content": problem,
        }
    return responses
