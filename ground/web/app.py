"""The web application: the API's routes, its documentation, and the live feed's WebSocket.

Every plain route (`ground.web.routes`) takes the caller's fields from its path, query and
body, checks them against its request type, and asks the ground as the caller; the reply goes
back as JSON, a refusal as a problem (`ground.web.problems`). The routes the web composes itself
(a subsystem's summary, a decimated history, who the caller is) are below, and so is the
operator page (`/`, its files in `static/`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import msgspec
from fastapi import FastAPI, WebSocket, WebSocketDisconnect
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request as HttpRequest
from starlette.responses import FileResponse, Response
from starlette.staticfiles import StaticFiles

from flightsw.config import Role
from flightsw.icd import MissionDictionary
from ground.api import (
    GetDictionary,
    GetHistory,
    GetTelemetry,
    HistoryReply,
    Refusal,
    Reply,
    Request,
)
from ground.api.wire import request_from
from ground.errors import ControlError
from ground.web.callers import Caller, Callers
from ground.web.decimate import decimated
from ground.web.openapi import Extra, document
from ground.web.problems import Problem, Refused, problem, problem_response
from ground.web.relay import FeedRelay
from ground.web.routes import ROUTES, Route
from ground.web.software import DEFAULT_CHUNK_BYTES, Upload, upload

log = logging.getLogger(__name__)

STATIC = Path(__file__).with_name("static")  # the operator page: HTML, script, vendored uPlot

BATCH_S = 0.05
"""How long the feed gathers events before sending them to a client as one message: 20
messages a second whatever the rate, which a browser keeps up with."""
BATCH_EVENTS = 5_000  # at most this many events in one feed message
MAX_POINTS = 100_000  # the most points a history may be asked to come back as


class Me(msgspec.Struct, frozen=True, kw_only=True):
    """Who the web takes the caller for: the operator their key names, and their role."""

    name: str
    role: Role
    open: bool  # the ground takes any local client: there are no keys


class ParameterValue(msgspec.Struct, frozen=True, kw_only=True):
    """A parameter of a subsystem: what the dictionary says of it, and its latest value."""

    name: str
    unit: str
    kind: str
    description: str
    time_s: float | None
    value: bool | int | float | str | None


class SubsystemSummary(msgspec.Struct, frozen=True, kw_only=True):
    """A subsystem's parameters and their latest values, in the dictionary's order."""

    subsystem: str
    parameters: list[ParameterValue]


class Subsystems(msgspec.Struct, frozen=True, kw_only=True):
    """The spacecraft's subsystems, in the dictionary's order."""

    mission: str
    subsystems: list[str]


HISTORY_POINTS: dict[str, dict[str, Any]] = {
    "points": {
        "type": "integer",
        "minimum": 2,
        "maximum": MAX_POINTS,
        "description": "at most this many samples, keeping each run's lowest and highest",
    }
}
SOFTWARE_QUERY: dict[str, dict[str, Any]] = {
    "version": {"type": "string", "description": "the image's version, e.g. 1.1.0"},
    "chunk_bytes": {
        "type": "integer",
        "default": DEFAULT_CHUNK_BYTES,
        "description": "octets per chunk command (the dictionary's software.begin says the range)",
    },
}
OCTETS = "application/octet-stream"
EXTRAS = (
    Extra("GET", "/api/me", "access", "Who your key names, and your role", Me),
    Extra("GET", "/api/subsystems", "telemetry", "The spacecraft's subsystems", Subsystems),
    Extra("GET", "/api/subsystems/{subsystem}", "telemetry",
          "A subsystem's parameters, units and latest values", SubsystemSummary),
    Extra("GET", "/api/parameters/{name}/history", "telemetry",
          "A parameter's archived samples over a time range, decimated to `points`",
          HistoryReply, GetHistory, HISTORY_POINTS),
    Extra("POST", "/api/software/{target}/image", "commands",
          "Upload a software image (the body's octets) as software.begin and software.chunk "
          "commands; then software.verify and software.activate",
          Upload, None, SOFTWARE_QUERY, OCTETS),
)  # fmt: skip


def make_app(callers: Callers, relay: FeedRelay | None) -> FastAPI:
    """The application serving the ground behind `callers`, its feed from `relay`."""
    app = FastAPI(
        title="Mission control",
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    api_document = document(ROUTES, EXTRAS)
    app.openapi = lambda: api_document  # type: ignore[method-assign]

    @app.exception_handler(Refused)
    async def refused(request: HttpRequest, error: Refused) -> Response:
        return problem_response(error.problem)

    @app.exception_handler(Exception)
    async def defect(request: HttpRequest, error: Exception) -> Response:
        log.exception("%s %s failed", request.method, request.url.path)
        return problem_response(
            problem(
                "defect",
                f"the web failed to answer {request.method} {request.url.path} (a defect: "
                f"{type(error).__name__}); its log has the details",
            )
        )

    for route in ROUTES:
        app.add_api_route(route.path, _forwarding(route, callers), methods=[route.method])
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    async def page() -> Response:
        return FileResponse(STATIC / "index.html")

    async def caller_of(request: HttpRequest) -> Caller:
        return await run_in_threadpool(callers.of, _token(request.headers, request.query_params))

    @app.get("/api/me")
    async def me(request: HttpRequest) -> Response:
        caller = await caller_of(request)
        return _json(Me(name=caller.name, role=caller.role, open=callers.open))

    @app.get("/api/subsystems")
    async def subsystems(request: HttpRequest) -> Response:
        caller = await caller_of(request)
        flight = await _dictionary(caller)
        names = [subsystem.name for subsystem in flight.subsystems]
        return _json(Subsystems(mission=flight.mission, subsystems=names))

    @app.get("/api/subsystems/{subsystem}")
    async def subsystem(request: HttpRequest, subsystem: str) -> Response:
        caller = await caller_of(request)
        return _json(
            await run_in_threadpool(_summary, caller, await _dictionary(caller), subsystem)
        )

    @app.get("/api/parameters/{name}/history")
    async def history(request: HttpRequest, name: str) -> Response:
        caller = await caller_of(request)
        fields: dict[str, Any] = {"op": GetHistory.op(), **request.query_params, "name": name}
        points = fields.pop("points", None)
        limit = _points(points)
        asked = _checked(fields)
        if not isinstance(asked, GetHistory):
            raise Refused("bad_value", "a history is asked for with the fields of `history`")
        reply = _answered(await run_in_threadpool(caller.ask, asked))
        if limit is not None:
            reply = HistoryReply(
                name=reply.name, samples=decimated(reply.samples, limit), segment=reply.segment
            )
        return _json(reply)

    @app.post("/api/software/{target}/image")
    async def software_image(request: HttpRequest, target: str) -> Response:
        caller = await caller_of(request)
        version = request.query_params.get("version")
        if not version:
            raise Refused("missing_field", "name the image's version: ?version=1.1.0")
        chunk = request.query_params.get("chunk_bytes", str(DEFAULT_CHUNK_BYTES))
        if not chunk.isdigit():
            raise Refused("bad_value", "`chunk_bytes` must be a whole number of octets")
        image = await request.body()
        if not image:
            raise Refused("missing_field", "the request's body is the image: send its octets")
        sent = await run_in_threadpool(upload, caller, target, version, image, int(chunk))
        return _json(sent)

    if relay is not None:
        _serve_feed(app, callers, relay)
    return app


def _forwarding(route: Route, callers: Callers) -> Callable[[HttpRequest], Awaitable[Response]]:
    async def forward(request: HttpRequest) -> Response:
        caller = await run_in_threadpool(callers.of, _token(request.headers, request.query_params))
        fields: dict[str, Any] = {"op": route.request.op()}
        if route.method == "GET":
            fields.update(request.query_params)
        else:
            fields.update(await _body(request))
        fields.update(request.path_params)
        reply = await run_in_threadpool(caller.ask, _checked(fields))
        return _json(_answered(reply))

    forward.__name__ = f"{route.method.lower()}_{route.request.op()}"
    return forward


def _token(headers: Any, query: Any) -> str | None:
    """The operator key shown: `Authorization: Bearer KEY`, or `?key=KEY` (a WebSocket from a
    browser cannot set headers)."""
    authorization: str = headers.get("authorization", "")
    scheme, _, credentials = authorization.partition(" ")
    if scheme.lower() == "bearer" and credentials:
        return credentials
    key: str | None = query.get("key")
    return key


async def _body(request: HttpRequest) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = msgspec.json.decode(raw)
    except msgspec.DecodeError as error:
        raise Refused("not_json", f"the body is not JSON ({error})") from None
    if not isinstance(body, dict):
        raise Refused("not_json", "the body must be a JSON object of the request's fields")
    return body


def _checked(fields: dict[str, Any]) -> Request[Any]:
    """The request the fields make; text from a path or a query converts to numbers."""
    try:
        return request_from(fields, strict=False)
    except ControlError as error:
        raise Refused(error.reason, str(error)) from None


R = TypeVar("R", bound=Reply)


def _answered(reply: R | Refusal) -> R:
    if isinstance(reply, Refusal):
        raise Refused(reply.reason, reply.error)
    return reply


def _json(value: Any) -> Response:
    return Response(msgspec.json.encode(value), media_type="application/json")


def _points(points: str | None) -> int | None:
    if points is None:
        return None
    if not points.isdigit() or not 2 <= int(points) <= MAX_POINTS:
        raise Refused("bad_value", f"`points` must be a whole number, 2 to {MAX_POINTS:,}")
    return int(points)


async def _dictionary(caller: Caller) -> MissionDictionary:
    reply = _answered(await run_in_threadpool(caller.ask, GetDictionary()))
    return msgspec.convert(reply.dictionary, MissionDictionary)


def _summary(caller: Caller, flight: MissionDictionary, name: str) -> SubsystemSummary:
    for subsystem in flight.subsystems:
        if subsystem.name == name:
            values = []
            for param in subsystem.telemetry:
                latest = _answered(caller.ask(GetTelemetry(f"{name}.{param.name}")))
                values.append(
                    ParameterValue(
                        name=param.name,
                        unit=param.unit,
                        kind=param.kind,
                        description=param.description,
                        time_s=latest.time_s,
                        value=latest.value,
                    )
                )
            return SubsystemSummary(subsystem=name, parameters=values)
    known = ", ".join(subsystem.name for subsystem in flight.subsystems)
    raise Refused("not_found", f"no subsystem {name!r} on {flight.mission}; it has {known}")


# -- the live feed ---------------------------------------------------------------------------------


def _serve_feed(app: FastAPI, callers: Callers, relay: FeedRelay) -> None:
    @app.websocket("/api/feed")
    async def feed(websocket: WebSocket) -> None:
        """Events after `after` (of relay `epoch`), as JSON messages `{epoch, position,
        missed, events}` every BATCH_S while there are any."""
        try:
            await run_in_threadpool(callers.of, _token(websocket.headers, websocket.query_params))
            position = _resume_from(websocket.query_params, relay)
        except Refused as refusal:
            await websocket.close(code=_CLOSE_POLICY, reason=_short(refusal.problem))
            return
        await websocket.accept()
        closed = asyncio.ensure_future(_until_closed(websocket))
        try:
            while not closed.done():
                batch = relay.after(position, BATCH_EVENTS)
                if batch.events or batch.missed:
                    await websocket.send_bytes(_message(relay.epoch, batch))
                    position = batch.position
                if len(batch.events) < BATCH_EVENTS:
                    await asyncio.wait({closed}, timeout=BATCH_S)
        except (WebSocketDisconnect, RuntimeError):
            pass  # the client went while a message was on its way
        finally:
            closed.cancel()
            with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect):
                await closed


_CLOSE_POLICY = 1008  # WebSocket "policy violation": the key was refused


def _short(found: Problem) -> str:
    return found.detail[:120]  # a close reason is at most 123 octets


def _resume_from(query: Any, relay: FeedRelay) -> int:
    """The position to send from: `after` of this relay's `epoch`; from now on without one."""
    after = query.get("after")
    if after is None:
        return relay.position
    if not after.isdigit():
        raise Refused("bad_value", "`after` must be a whole number, a position the feed gave")
    return int(after) if query.get("epoch") == relay.epoch else 0


def _message(epoch: str, batch: Any) -> bytes:
    head = msgspec.json.encode({"epoch": epoch, "position": batch.position, "missed": batch.missed})
    return head[:-1] + b',"events":[' + b",".join(batch.events) + b"]}"


async def _until_closed(websocket: WebSocket) -> None:
    """Read (and ignore) what the client sends until it closes the connection."""
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return
