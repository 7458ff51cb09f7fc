"""The web API and live feed of a real ground, through a real `mission web`, over real HTTP.

A launched mission (its data folder secured, its launcher the first test conductor) gets an
observer and an operator as `mission keys add` would; each calls the web with their own key.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import msgspec
import pytest
from flying import LEO, LIGHT_TIME_S
from web import (
    ANSWER_WITHIN_S,
    HEATER_ALARM,
    Web,
    heater_stuck_on,
    operator_key,
    own_key,
    serving,
)
from web import step as step_as
from websockets.exceptions import ConnectionClosedError
from websockets.sync.client import connect

from flightsw.config import AccessFolder, Role, remove_operator
from ground.cli.launcher import Mission, launch
from ground.web.routes import ROUTES

pytestmark = pytest.mark.integration

HK_PERIOD_S = 10.0  # the small satellite's housekeeping period (configs/leo_smallsat.toml)


class Keys(msgspec.Struct, frozen=True):
    observer: str
    operator: str
    conductor: str


@pytest.fixture(scope="module")
def mission(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mission]:
    flying = launch(
        LEO, tmp_path_factory.mktemp("web"), "web", clock="stepped", light_time_s=LIGHT_TIME_S
    )
    try:
        yield flying
    finally:
        flying.stop()


@pytest.fixture(scope="module")
def keys(mission: Mission) -> Keys:
    assert mission.access is not None
    return Keys(
        operator_key(mission.access, "watcher", Role.OBSERVER),
        operator_key(mission.access, "ops", Role.OPERATOR),
        own_key(mission.access),
    )


@pytest.fixture(scope="module")
def web(mission: Mission) -> Iterator[Web]:
    with serving(mission.data_dir) as serving_web:
        yield serving_web


def ok(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def refused(response: httpx.Response, status: int, reason: str) -> str:
    """The problem's detail, once its status, media type and reason are the ones expected."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status and problem["reason"] == reason, problem
    detail: str = problem["detail"]
    return detail


def step(web: Web, keys: Keys, seconds: float) -> float:
    """Let mission time pass (as the test conductor); the mission time after."""
    return step_as(web.client(keys.conductor), seconds)


def test_a_caller_without_an_operator_key_is_told_how_to_show_one(web: Web) -> None:
    response = web.client(None).get("/api/status")
    assert "mission keys token" in refused(response, 401, "no_key")
    assert response.headers["www-authenticate"] == "Bearer"
    stranger = web.client("0" * 40).get("/api/status")
    assert "operators file" in refused(stranger, 401, "unknown_key")
    assert "40 characters" in refused(web.client("short").get("/api/status"), 401, "unknown_key")


def test_each_caller_is_the_operator_their_key_names(web: Web, keys: Keys) -> None:
    assert ok(web.client(keys.observer).get("/api/me"))["role"] == "observer"
    assert ok(web.client(keys.operator).get("/api/me")) == {
        "name": "ops",
        "role": "operator",
        "open": False,
    }
    assert ok(web.client(keys.conductor).get("/api/me"))["role"] == "test-conductor"


def test_an_observer_reads_every_system_but_cannot_command(web: Web, keys: Keys) -> None:
    step(web, keys, 60.0)
    observer = web.client(keys.observer)
    listed = ok(observer.get("/api/subsystems"))
    assert listed["mission"] == "leo-smallsat" and "power" in listed["subsystems"]
    for subsystem in listed["subsystems"]:
        summary = ok(observer.get(f"/api/subsystems/{subsystem}"))
        assert summary["subsystem"] == subsystem and summary["parameters"], subsystem
    power = {p["name"]: p for p in ok(observer.get("/api/subsystems/power"))["parameters"]}
    assert power["battery_charge_wh"]["unit"] == "Wh"
    assert 0.0 < power["battery_soc"]["value"] <= 1.0 and power["battery_soc"]["time_s"] > 0
    assert "no subsystem 'lasers'" in refused(
        observer.get("/api/subsystems/lasers"), 404, "not_found"
    )
    command = {"name": "fdir.enter_safe_mode", "args": {"reason": "not mine"}}
    detail = refused(observer.post("/api/commands", json=command), 403, "forbidden")
    assert "watcher is an observer" in detail and "operator role" in detail
    inject = observer.post("/api/faults/power/cell_failure/inject", json={})
    assert "test-conductor role" in refused(inject, 403, "forbidden")


def test_a_command_from_the_web_is_archived_under_its_operator(web: Web, keys: Keys) -> None:
    operator = web.client(keys.operator)
    before = len(ok(operator.get("/api/audit", params={"operator": "ops"}))["audit"])
    sent = ok(
        operator.post(
            "/api/commands",
            json={"name": "navigation.set_attitude_mode", "args": {"mode": "nadir"}},
        )
    )["command"]
    step(web, keys, 60.0)
    command = ok(operator.get(f"/api/commands/{sent['id']}"))["command"]
    assert command["status"] == "completed", command
    assert command["operator"] == "ops"
    audit = ok(operator.get("/api/audit", params={"operator": "ops"}))["audit"]
    assert [entry["action"] for entry in audit[before:]] == ["cmd"], audit


def test_bad_fields_are_refused_with_what_to_change(web: Web, keys: Keys) -> None:
    conductor = web.client(keys.conductor)
    detail = refused(conductor.post("/api/clock/step", json={"seconds": "soon"}), 422, "bad_value")
    assert "`seconds` must be a duration in seconds" in detail and "'soon'" in detail
    unknown = conductor.post("/api/clock/step", json={"seconds": 1, "sconds": 2})
    assert "no field `sconds`" in refused(unknown, 422, "unknown_field")
    missing = conductor.post("/api/clock/step", json={})
    assert "step needs `seconds`" in refused(missing, 422, "missing_field")
    not_json = conductor.post("/api/clock/step", content=b"{seconds: 1")
    assert "not JSON" in refused(not_json, 400, "not_json")
    segment = conductor.get("/api/events", params={"segment": "first"})
    assert "`segment`" in refused(segment, 422, "bad_value")
    unknown_name = conductor.get("/api/parameters/power.battery_sco")
    assert "did you mean power.battery_soc" in refused(unknown_name, 409, "declined")


def test_an_alarm_is_acknowledged_shelved_and_unshelved_from_the_web(web: Web, keys: Keys) -> None:
    operator = web.client(keys.operator)

    def active() -> set[str]:
        return {alarm["name"] for alarm in ok(operator.get("/api/alarms"))["alarms"]}

    with heater_stuck_on(web.client(keys.conductor)) as raised_by_s:
        assert HEATER_ALARM in active()
        rules = {rule["name"]: rule for rule in ok(operator.get("/api/rules"))["rules"]}
        assert rules[HEATER_ALARM]["state"] != "GREEN"
        assert rules["battery_soc"]["limits"] == {  # configs/rules/leo_smallsat.toml
            "red_low": 0.30,
            "yellow_low": 0.50,
            "yellow_high": None,
            "red_high": None,
        }
        assert rules["battery_soc"]["limits_by_mode"]["safe"]["red_low"] == 0.15
        alarm = f"/api/alarms/{HEATER_ALARM}"
        ok(operator.post(f"{alarm}/acknowledge", json={"comment": "stuck heater, known"}))
        ok(operator.post(f"{alarm}/shelve", json={"duration_s": 3600.0}))
        assert HEATER_ALARM not in active()
        ok(operator.post(f"{alarm}/unshelve", json={}))
        assert HEATER_ALARM in active()
        log = ok(
            operator.get("/api/alarms/log", params={"name": HEATER_ALARM, "start_s": raised_by_s})
        )["alarm_log"]
        steps = [(entry["kind"], entry["operator"]) for entry in log if entry["operator"]]
        assert steps == [("acknowledged", "ops"), ("shelved", "ops"), ("unshelved", "ops")]


def test_a_decimated_history_keeps_its_extremes(web: Web, keys: Keys) -> None:
    step(web, keys, 1200.0)
    observer = web.client(keys.observer)
    path = "/api/parameters/power.solar_power_w/history"
    whole = ok(observer.get(path))["samples"]
    cut = ok(observer.get(path, params={"points": 8}))["samples"]
    assert len(whole) > 100 and 2 <= len(cut) <= 8
    assert [time for time, _ in cut] == sorted(time for time, _ in cut)
    values = [value for _, value in whole]
    kept = [value for _, value in cut]
    assert min(kept) == min(values) and max(kept) == max(values)
    too_few = observer.get(path, params={"points": 1})
    assert "`points`" in refused(too_few, 422, "bad_value")


def power_reports(message: dict[str, Any]) -> list[float]:
    return [
        event["time_s"]
        for event in message["events"]
        if event["topic"] == "tm" and event["subsystem"] == "power"
    ]


def test_the_live_feed_resumes_where_a_client_left_off(web: Web, keys: Keys) -> None:
    with connect(web.feed_url(keys.observer)) as feed:
        end_s = step(web, keys, 60.0)
        seen: list[float] = []
        while not seen or seen[-1] < end_s - HK_PERIOD_S:
            message = msgspec.json.decode(feed.recv(ANSWER_WITHIN_S))
            assert message["missed"] == 0
            seen += power_reports(message)
        position, epoch = message["position"], message["epoch"]
    end_s = step(web, keys, 60.0)  # reports while no client listens
    with connect(web.feed_url(keys.observer, after=position, epoch=epoch)) as feed:
        resumed: list[float] = []
        while not resumed or resumed[-1] < end_s - HK_PERIOD_S:
            message = msgspec.json.decode(feed.recv(ANSWER_WITHIN_S))
            assert message["missed"] == 0
            resumed += power_reports(message)
    times = seen + resumed
    assert times == [seen[0] + HK_PERIOD_S * n for n in range(len(times))], times


def test_the_live_feed_refuses_a_stranger_and_a_resume_without_its_epoch(
    web: Web, keys: Keys
) -> None:
    with (
        connect(web.feed_url("0" * 40)) as stranger,
        pytest.raises(ConnectionClosedError) as closed,
    ):
        stranger.recv(ANSWER_WITHIN_S)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008
    assert "operators file" in closed.value.rcvd.reason
    with (
        connect(web.feed_url(keys.observer, after=5)) as lost,
        pytest.raises(ConnectionClosedError) as closed,
    ):
        lost.recv(ANSWER_WITHIN_S)
    assert closed.value.rcvd is not None and "`epoch`" in closed.value.rcvd.reason


def test_the_api_documents_every_route_with_schemas_that_resolve(web: Web) -> None:
    document = ok(web.client(None).get("/api/openapi.json"))
    for route in ROUTES:
        operation = document["paths"][route.path][route.method.lower()]
        assert operation["summary"] == route.summary
    schemas = document["components"]["schemas"]
    refs = set(_refs(document))
    assert refs and all(ref.removeprefix("#/components/schemas/") in schemas for ref in refs)
    command = document["paths"]["/api/commands"]["post"]["requestBody"]["content"]
    assert command["application/json"]["schema"]["required"] == ["name"]
    assert "swagger-ui" in web.client(None).get("/api/docs").text


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def test_sigterm_stops_the_web_and_says_so(mission: Mission) -> None:
    with serving(mission.data_dir) as web:
        code, text = web.stop()
    assert code == 0, text
    assert "mission web: stopped (SIGTERM)" in text
    assert "Traceback" not in text


def test_a_software_image_uploaded_over_http_is_verified_and_activated(
    web: Web, keys: Keys
) -> None:
    image = bytes(range(256)) * 40  # 10,240 octets: three chunks of 4,096
    observer, operator = web.client(keys.observer), web.client(keys.operator)
    path = "/api/software/thermal/image"
    refusal = observer.post(path, params={"version": "2.0.0"}, content=image)
    assert "operator role" in refused(refusal, 403, "forbidden")
    sent = ok(operator.post(path, params={"version": "2.0.0"}, content=image))
    assert sent["size_bytes"] == len(image) and len(sent["commands"]) == 1 + 3
    ok(operator.post("/api/commands", json={"name": "software.verify"}))
    step(web, keys, 10.0)
    activate = {"name": "software.activate", "confirm": True}
    activated = ok(operator.post("/api/commands", json=activate))["command"]
    step(web, keys, 20.0)
    assert ok(operator.get(f"/api/commands/{activated['id']}"))["command"]["status"] == "completed"
    version = ok(operator.get("/api/parameters/software.thermal_version"))
    assert version["value"] == "2.0.0"
    missing = operator.post(path, content=image)
    assert "?version=" in refused(missing, 422, "missing_field")


def test_the_live_feed_carries_limit_states(web: Web, keys: Keys) -> None:
    with connect(web.feed_url(keys.observer)) as feed, heater_stuck_on(web.client(keys.conductor)):
        changed: list[dict[str, Any]] = []
        while not changed:
            message = msgspec.json.decode(feed.recv(ANSWER_WITHIN_S))
            changed = [
                event
                for event in message["events"]
                if event["topic"] == "limits" and event["rule"] == HEATER_ALARM
            ]
    assert changed[0]["parameter"] == "thermal.avionics_heater_on"
    assert changed[0]["state"] == "VIOLATED" and changed[0]["value"] is True


def test_a_revoked_key_is_refused_and_its_live_feed_ends(mission: Mission, web: Web) -> None:
    assert mission.access is not None
    key = operator_key(mission.access, "leaving", Role.OBSERVER)
    assert ok(web.client(key).get("/api/me"))["name"] == "leaving"
    with connect(web.feed_url(key)) as feed:
        remove_operator(AccessFolder(mission.access).operators_path, "leaving")
        with pytest.raises(ConnectionClosedError) as closed:
            while True:  # what was on its way may still come; then the connection ends
                feed.recv(ANSWER_WITHIN_S)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008
    assert "operators file" in refused(web.client(key).get("/api/me"), 401, "unknown_key")
