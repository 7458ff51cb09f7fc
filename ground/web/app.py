"""The web application: the API's routes, its documentation, the feed and the operator page.

Every plain route (`ground.web.routes`) takes the caller's fields from its path, query and
body (`ground.web.inputs`), checks them against its request type, and asks the ground as the
caller; the reply goes back as JSON, a refusal as a problem (`ground.web.problems`). The routes
the web composes itself (who the caller is, a subsystem's summary, a decimated history, a
software image) are below; the live feed is `ground.web.feed_socket`, the operator page `/`
with its files in `static/`. Only this host's own pages may use it (`ground.web.guard`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import msgspec
from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request as HttpRequest
from starlette.responses import FileResponse, Response
from starlette.staticfiles import StaticFiles

from flightsw.config import Role
from flightsw.icd import MissionDictionary
from ground.api import GetDictionary, GetHistory, GetTelemetry, HistoryReply, Refusal, Reply
from ground.web.callers import Caller, Callers
from ground.web.decimate import decimated
from ground.web.feed_socket import serve_feed
from ground.web.guard import SameSite
from ground.web.inputs import bearer_key, body_fields, body_octets, request_of, whole_number
from ground.web.openapi import Extra, document
from ground.web.problems import Refused, problem, problem_response
from ground.web.relay import FeedRelay
from ground.web.routes import ROUTES, Route
from ground.web.software import DEFAULT_CHUNK_BYTES, MAX_IMAGE_BYTES, Upload, upload

log = logging.getLogger(__name__)

STATIC = Path(__file__).with_name("static")  # the operator page: HTML, script, vendored uPlot
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


def make_app(
    callers: Callers,
    relay: FeedRelay | None,
    host: str,
    port: int,
    origins: tuple[str, ...] = (),
) -> Any:
    """The application serving the ground behind `callers`, its feed from `relay`, for
    requests to `host:port` from its own pages, or from `origins` (a proxy's public address;
    an ASGI application)."""
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

    @app.exception_handler(HTTPException)
    async def http_error(request: HttpRequest, error: HTTPException) -> Response:
        reason = "not_a_read" if error.status_code == 405 else "no_route"
        detail = (
            f"{request.method} is not how {request.url.path} is used (see /api/docs)"
            if error.status_code == 405
            else f"there is no {request.url.path} (the routes are listed at /api/docs)"
        )
        return problem_response(problem(reason, detail))

    @app.exception_handler(Exception)
    async def defect(request: HttpRequest, error: Exception) -> Response:
        log.exception("%s %s failed", request.method, request.url.path)
        return problem_response(
            problem(
                "defect",
                f"the web failed to answer {request.method} {request.url.path} (a defect); it "
                "keeps running, and its log has the details",
            )
        )

    async def caller_of(request: HttpRequest) -> Caller:
        return await run_in_threadpool(callers.of, bearer_key(request.headers))

    known: list[MissionDictionary] = []  # the ground's dictionary: one run, one spacecraft kind

    async def dictionary(caller: Caller) -> MissionDictionary:
        """The dictionary, asked of the ground once (a page asks per subsystem at load)."""
        if not known:
            known[:] = [await _dictionary(caller)]
        return known[0]

    for route in ROUTES:
        app.add_api_route(route.path, _forwarding(route, caller_of), methods=[route.method])
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    async def page() -> Response:
        return FileResponse(STATIC / "index.html")

    @app.get("/api/me")
    async def me(request: HttpRequest) -> Response:
        caller = await caller_of(request)
        return _json(Me(name=caller.name, role=caller.role, open=callers.open))

    @app.get("/api/subsystems")
    async def subsystems(request: HttpRequest) -> Response:
        caller = await caller_of(request)
        flight = await dictionary(caller)
        names = [subsystem.name for subsystem in flight.subsystems]
        return _json(Subsystems(mission=flight.mission, subsystems=names))

    @app.get("/api/subsystems/{subsystem}")
    async def subsystem(request: HttpRequest, subsystem: str) -> Response:
        caller = await caller_of(request)
        flight = await dictionary(caller)
        return _json(await run_in_threadpool(_summary, caller, flight, subsystem))

    @app.get("/api/parameters/{name}/history")
    async def history(request: HttpRequest, name: str) -> Response:
        caller = await caller_of(request)
        query = dict(request.query_params)
        points = query.pop("points", None)
        limit = None if points is None else whole_number(points, "points", 2, MAX_POINTS)
        asked = request_of(GetHistory, query, {"name": name}, reading=True)
        assert isinstance(asked, GetHistory)  # request_of makes the kind it is given
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
        chunk_bytes = whole_number(chunk, "chunk_bytes", 1, MAX_IMAGE_BYTES)
        image = await body_octets(request, MAX_IMAGE_BYTES)
        if not image:
            raise Refused("missing_field", "the request's body is the image: send its octets")
        sent = await run_in_threadpool(upload, caller, target, version, image, chunk_bytes)
        return _json(sent)

    if relay is not None:
        serve_feed(app, callers, relay)
    return SameSite(app, host, port, origins)


Ask = Callable[[HttpRequest], Awaitable[Caller]]


def _forwarding(route: Route, caller_of: Ask) -> Callable[[HttpRequest], Awaitable[Response]]:
    async def forward(request: HttpRequest) -> Response:
        caller = await caller_of(request)
        reading = route.method == "GET"
        given = dict(request.query_params) if reading else await body_fields(request)
        asked = request_of(route.request, given, dict(request.path_params), reading=reading)
        return _json(_answered(await run_in_threadpool(caller.ask, asked)))

    forward.__name__ = f"{route.method.lower()}_{route.request.op()}"
    return forward


R = TypeVar("R", bound=Reply)


def _answered(reply: R | Refusal) -> R:
    if isinstance(reply, Refusal):
        raise Refused(reply.reason, reply.error)
    return reply


def _json(value: Any) -> Response:
    return Response(msgspec.json.encode(value), media_type="application/json")


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
