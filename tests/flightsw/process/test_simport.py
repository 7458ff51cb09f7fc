"""The spacecraft's sim port: every request gets a typed answer, a bad one a refusal in words."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import msgpack
import pytest

from flightsw.icd import simport
from flightsw.process.simport import SimPort


def port(**spacecraft: Any) -> SimPort:
    fake = SimpleNamespace(clock=SimpleNamespace(stepped=False, now_s=lambda: 0.0), **spacecraft)
    return SimPort(fake, await_uplink=lambda count: None, on_shutdown=lambda: None)  # type: ignore[arg-type]


def answer(sim: SimPort, request: Any) -> dict[str, Any]:
    payload = request if isinstance(request, bytes) else msgpack.packb(request)
    reply: dict[str, Any] = msgpack.unpackb(sim.serve(payload))
    return reply


@pytest.mark.parametrize(
    ("request_", "error"),
    [
        (b"\xc1", "request: not msgpack"),
        ([1, 2], "request: the body is a list, expected a map"),
        ({"op": "fly"}, "unknown op 'fly'; ops: status, dictionary, step,"),
        ({"op": "step", "seconds": float("nan")}, "step request: seconds — expected a number of seconds from 0"),
        ({"op": "step", "seconds": 1e9}, "step request: seconds — expected a number of seconds from 0"),
        ({"op": "set_rate", "rate": -2}, "set_rate request: rate — expected a number > 0, at most 1000000"),
        ({"op": "truth"}, "truth request: subsystem — missing; expected a subsystem name"),
        ({"op": "inject", "subsystem": "power", "fault": "short", "params": ["x"]}, "inject request: params — expected a map"),
    ],
)  # fmt: skip
def test_a_malformed_request_is_refused_saying_what_was_wrong(request_: Any, error: str) -> None:
    reply = answer(port(), request_)
    assert reply["ok"] is False
    assert reply["error"].startswith(error), reply["error"]


def test_a_request_the_clock_cannot_do_is_refused_with_what_to_do() -> None:
    reply = answer(port(), {"op": "step", "seconds": 10.0})
    assert reply == {
        "ok": False,
        "error": "step needs a stepped clock; this run is realtime (use pause/resume/set_rate)",
    }


def test_a_defect_behind_an_op_is_answered_not_raised() -> None:
    def broken() -> Any:
        raise ZeroDivisionError("oops")

    reply = answer(port(dictionary=broken), {"op": "dictionary"})
    assert reply["ok"] is False
    assert (
        reply["error"] == "dictionary failed inside the flight software: ZeroDivisionError('oops')"
    )


def test_a_good_request_gets_its_typed_reply() -> None:
    shut: list[bool] = []
    sim = port()
    sim.on_shutdown = lambda: shut.append(True)
    reply = simport.decode_reply(
        simport.ShutdownRequest(), sim.serve(simport.encode(simport.ShutdownRequest()))
    )
    assert reply == simport.Done() and shut == [True]
