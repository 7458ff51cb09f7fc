"""The route table and the OpenAPI document made from it: every request reachable, each field
declared once."""

from __future__ import annotations

import msgspec

from ground.api import REQUEST_TYPES
from ground.api.wire import CONTROL_REASONS, request_from
from ground.web.app import EXTRAS
from ground.web.openapi import document
from ground.web.problems import STATUS_OF_REASON
from ground.web.routes import ROUTES


def test_every_request_of_the_control_api_has_a_route() -> None:
    reached = {route.request for route in ROUTES} | {e.request for e in EXTRAS if e.request}
    assert [kind.op() for kind in REQUEST_TYPES if kind not in reached] == []


def test_a_path_names_only_fields_of_its_request() -> None:
    for route in ROUTES:
        fields = {field.name for field in msgspec.structs.fields(route.request)}
        assert set(route.path_fields) <= fields, route.path


def test_no_two_routes_share_a_method_and_path() -> None:
    keys = [(route.method, route.path) for route in ROUTES]
    assert len(keys) == len(set(keys))


def test_every_refusal_of_the_ground_has_an_http_status() -> None:
    assert [reason for reason in CONTROL_REASONS if reason not in STATUS_OF_REASON] == []


def test_a_body_holds_the_fields_the_path_does_not() -> None:
    operation = document(ROUTES, EXTRAS)["paths"]["/api/alarms/{name}/shelve"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert set(body["properties"]) == {"duration_s", "operator", "comment"}
    assert body["required"] == ["duration_s"] and body["additionalProperties"] is False
    assert [p["name"] for p in operation["parameters"]] == ["name"]
    assert operation["x-role"] == "operator"


def test_a_get_takes_its_request_fields_from_the_query() -> None:
    operation = document(ROUTES, EXTRAS)["paths"]["/api/events"]["get"]
    query = {p["name"]: p for p in operation["parameters"]}
    assert set(query) == {"min_severity", "start_s", "end_s", "segment"}
    assert not any(p["required"] for p in query.values())


def test_an_example_body_is_a_request_the_ground_would_take() -> None:
    for route in ROUTES:
        if route.example is not None and route.method != "GET":
            path = {name: _example_value(name) for name in route.path_fields}
            request_from({"op": route.request.op(), **route.example, **path})


def _example_value(name: str) -> object:
    return 1 if name == "id" else "power"
