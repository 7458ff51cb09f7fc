"""What the web takes from a request, and what it refuses before the ground sees anything.

The web is served for real (uvicorn on a loopback socket, in a thread); the ground behind it is
a fake here (the real one is in tests/integration/test_web_api.py): it records each request it
is asked and answers `Done`.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from typing import Any, cast

import httpx
import msgspec
import pytest
import uvicorn
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from flightsw.config import Role
from ground.api import Done, LinkChanged, Request
from ground.web.app import make_app
from ground.web.callers import Callers
from ground.web.problems import Refused
from ground.web.relay import FeedRelay

HOST = "127.0.0.1"


class FakeCaller:
    def __init__(self, asked: list[Request[Any]]) -> None:
        self.name, self.role, self.asked = "tester", Role.TEST_CONDUCTOR, asked

    def ask(self, request: Request[Any]) -> Done:
        self.asked.append(request)
        return Done()


class FakeCallers:
    """Every key but `good` is refused, as a ground's operators file would."""

    open = False

    def __init__(self) -> None:
        self.asked: list[Request[Any]] = []

    def of(self, key: str | None) -> FakeCaller:
        if key != "good":
            raise Refused("unknown_key", "not an operator's key")
        return FakeCaller(self.asked)


@pytest.fixture
def callers() -> FakeCallers:
    return FakeCallers()


class Served:
    """The web on a free loopback port, served by uvicorn in a thread until `stop`."""

    def __init__(self, callers: FakeCallers, origins: tuple[str, ...] = ()) -> None:
        self.listening = socket.create_server((HOST, 0))  # listening: requests queue at once
        self.port = self.listening.getsockname()[1]
        self.base = f"http://{HOST}:{self.port}"
        self.relay = FeedRelay("tcp://127.0.0.1:1", None)  # never started: fed by hand
        app = make_app(cast(Callers, callers), self.relay, HOST, self.port, origins)
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
        self.server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
        self.thread = threading.Thread(target=self.server.run, args=([self.listening],))
        self.thread.start()

    def client(self, key: str | None = "good") -> httpx.Client:
        headers = {} if key is None else {"Authorization": f"Bearer {key}"}
        return httpx.Client(base_url=self.base, headers=headers, timeout=30.0)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join()
        self.listening.close()


@pytest.fixture
def served(callers: FakeCallers) -> Iterator[Served]:
    running = Served(callers)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def web(served: Served) -> Iterator[httpx.Client]:
    with served.client() as client:
        yield client


def problem(response: Any, status: int, reason: str) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["reason"] == reason, body
    detail: str = body["detail"]
    return detail


def test_the_route_names_the_operation_never_the_caller(
    web: httpx.Client, callers: FakeCallers
) -> None:
    sneaky = web.get("/api/status", params={"op": "shutdown", "spacecraft": "true"})
    assert "drop the `op` field" in problem(sneaky, 422, "unknown_field")
    body = web.post("/api/ping", json={"op": "inject", "subsystem": "power", "fault": "x"})
    assert "drop the `op` field" in problem(body, 422, "unknown_field")
    assert callers.asked == []


def test_a_get_only_reads(web: httpx.Client, callers: FakeCallers) -> None:
    change = web.get("/api/queue", params={"state": "disabled"})
    assert "a GET only reads" in problem(change, 405, "not_a_read")
    assert web.get("/api/queue").status_code == 200
    assert [request.op() for request in callers.asked] == ["queue"]


def test_a_key_goes_in_the_header_not_the_url(served: Served) -> None:
    with served.client(key=None) as bare:
        assert problem(bare.get("/api/status", params={"key": "good"}), 401, "unknown_key")


def test_another_site_or_another_host_name_is_refused(web: httpx.Client, served: Served) -> None:
    other_site = web.post("/api/ping", json={}, headers={"Origin": "http://evil.example"})
    assert "may not use this web" in problem(other_site, 403, "cross_site")
    own_page = web.post("/api/ping", json={}, headers={"Origin": served.base})
    assert own_page.status_code == 200
    rebound = web.get("/api/status", headers={"Host": f"attacker.example:{served.port}"})
    assert f"not attacker.example:{served.port}" in problem(rebound, 403, "cross_site")
    assert web.get("/api/status", headers={"Host": f"localhost:{served.port}"}).status_code == 200


def test_bodies_and_numbers_are_checked_at_the_door(web: httpx.Client) -> None:
    assert "Content-Type" in problem(
        web.post("/api/ping", content=b"target=x", headers={"Content-Type": "text/plain"}),
        400,
        "not_json",
    )
    huge = web.post(
        "/api/ping", content=b" " * (2 << 20), headers={"Content-Type": "application/json"}
    )
    assert "over 1,048,576 octets" in problem(huge, 413, "too_large")
    superscript = web.get("/api/parameters/power.battery_soc/history", params={"points": "²"})
    assert "`points` must be a whole number, 2 to 100,000" in problem(superscript, 422, "bad_value")
    chunk = web.post("/api/software/thermal/image", params={"version": "1", "chunk_bytes": "²"})
    assert "`chunk_bytes`" in problem(chunk, 422, "bad_value")


def test_the_feed_from_now_misses_nothing_after_the_handshake(served: Served) -> None:
    served.relay.keep(LinkChanged(time_s=1.0, change="los", text="before"))
    with connect(f"ws://{HOST}:{served.port}/api/feed?key=good") as feed:
        served.relay.keep(LinkChanged(time_s=2.0, change="aos", text="after"))
        message = msgspec.json.decode(feed.recv(30.0))
    assert [event["text"] for event in message["events"]] == ["after"]
    assert message["position"] == 2 and message["missed"] == 0


def test_an_unknown_route_or_method_is_a_problem_too(web: httpx.Client) -> None:
    assert "/api/docs" in problem(web.get("/api/nothing"), 404, "no_route")
    assert "/api/docs" in problem(web.delete("/api/status"), 405, "not_a_read")


def test_a_test_conductors_reading_is_a_get(web: httpx.Client, callers: FakeCallers) -> None:
    assert web.get("/api/truth/power").status_code == 200
    assert [request.op() for request in callers.asked] == ["truth"]


def test_a_post_takes_its_fields_in_the_body_only(web: httpx.Client, callers: FakeCallers) -> None:
    in_url = web.post("/api/queue", params={"state": "disabled"}, json={})
    assert "not the URL" in problem(in_url, 422, "unknown_field")
    typed = web.post(
        "/api/queue",
        content=b'{"state": "blocked"}',
        headers={"Content-Type": "APPLICATION/JSON; charset=utf-8"},
    )
    assert typed.status_code == 200
    assert [request.op() for request in callers.asked] == ["queue"]


def test_json_too_deep_or_numbers_too_large_are_refused_in_words(web: httpx.Client) -> None:
    deep = web.post(
        "/api/ping", content=b"[" * 200_000, headers={"Content-Type": "application/json"}
    )
    assert "nested too deeply" in problem(deep, 400, "not_json")
    huge_id = web.get(f"/api/commands/{2**64}")
    assert "`id` must be a command id" in problem(huge_id, 422, "bad_value")


def test_a_chunked_body_is_bounded_without_a_length(web: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(3):
            yield b" " * (1 << 19)

    chunked = web.post("/api/ping", content=chunks(), headers={"Content-Type": "application/json"})
    assert "over 1,048,576 octets" in problem(chunked, 413, "too_large")


def test_another_sites_page_cannot_open_the_feed(served: Served) -> None:
    url = f"ws://{HOST}:{served.port}/api/feed?key=good"
    with pytest.raises(InvalidStatus, match="HTTP 403"):
        connect(url, origin="http://evil.example")  # type: ignore[arg-type]
    with connect(url, origin=served.base) as own:  # type: ignore[arg-type]
        served.relay.keep(LinkChanged(time_s=3.0, change="aos", text="own page"))
        assert "own page" in str(own.recv(30.0))


def test_a_proxys_public_address_may_be_allowed(callers: FakeCallers) -> None:
    running = Served(callers, origins=("https://ops.example",))
    try:
        with running.client() as client:
            proxied = {"Host": "ops.example", "Origin": "https://ops.example"}
            assert client.post("/api/ping", json={}, headers=proxied).status_code == 200
            other = {"Host": "ops.example", "Origin": "https://other.example"}
            assert problem(client.post("/api/ping", json={}, headers=other), 403, "cross_site")
    finally:
        running.stop()
