"""A real ground refuses malformed control requests, saying why, and keeps serving."""

from __future__ import annotations

import math
from typing import Any

import msgpack
import pytest

from ground.api import GetStatus, Refusal, StatusReply, Step, StepReply, decode_reply
from ground.cli.launcher import Mission

pytestmark = pytest.mark.integration

MALFORMED: list[tuple[Any, str]] = [
    ("step 10", "a request is a map with an `op` string"),
    ({"op": "warp", "factor": 9}, "unknown op 'warp'"),
    ({"op": "step"}, "step needs `seconds`"),
    ({"op": "step", "seconds": math.nan}, "got nan"),
    ({"op": "step", "seconds": math.inf}, "got inf"),
    ({"op": "step", "seconds": -5.0}, "got -5"),
    ({"op": "step", "seconds": "ten"}, "got 'ten'"),
    ({"op": "shelve", "name": "x", "duration_s": -1.0}, "`duration_s` must be a duration"),
    ({"op": "tlm", "name": "power.battery_soc", "unit": "%"}, "tlm has no field `unit`"),
]


def test_a_real_ground_refuses_malformed_requests_and_keeps_serving(mission: Mission) -> None:
    client = mission.client
    for request, said in [*MALFORMED, (b"\xc1", "the request is not msgpack")]:
        payload = request if isinstance(request, bytes) else msgpack.packb(request)
        reply = decode_reply(client.exchange(payload), StatusReply, "a malformed request")
        assert isinstance(reply, Refusal) and said in reply.error, (request, reply)
    assert isinstance(client.call(Step(10.0)), StepReply)
    assert client.call(GetStatus()).status.time_s == 10.0
    assert mission.ground.poll() is None  # the process is still running
