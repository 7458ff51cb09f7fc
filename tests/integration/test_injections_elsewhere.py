"""Every fault injection is archived, from wherever it comes: one made straight at the
spacecraft's sim port (a test harness beside the ground) reaches the ground on the truth feed."""

from __future__ import annotations

from typing import Any

import pytest
import zmq
from restarts import WAIT_S

from flightsw.config import local_user
from flightsw.icd import simport
from ground.api import GetEvents, InjectFault, Step
from ground.archive import Archive
from ground.cli.launcher import Mission

pytestmark = pytest.mark.integration


def inject_at_the_sim_port(mission: Mission, request: simport.SimRequest) -> None:
    context: zmq.Context[Any] = zmq.Context()
    socket = context.socket(zmq.DEALER)
    socket.setsockopt(zmq.LINGER, 0)
    socket.setsockopt(zmq.IDENTITY, b"ground-1")  # a name it gives itself counts for nothing
    try:
        mission.secure_to_spacecraft(socket)
        socket.connect(mission.endpoints.sim)
        socket.send_multipart([b"", simport.encode(request)])
        assert socket.poll(int(WAIT_S * 1000)), "the spacecraft did not answer"
        reply = simport.decode_reply(request, socket.recv_multipart()[-1])
        assert isinstance(reply, simport.TimeReply), reply
    finally:
        socket.close(linger=0)
        context.term()


def test_an_injection_made_past_the_ground_is_archived_and_told(mission: Mission) -> None:
    client = mission.client
    client.call(Step(seconds=5.0))
    client.call(
        InjectFault(subsystem="thermal", fault="heater_stuck_on", params={"heater": "avionics"})
    )
    inject_at_the_sim_port(
        mission, simport.InjectRequest(subsystem="power", fault="array_stuck", params={})
    )
    inject_at_the_sim_port(mission, simport.ClearRequest(subsystem="power", fault="array_stuck"))
    client.call(Step(seconds=5.0))
    told = [e for e in client.call(GetEvents()).events if e.name == "fault_injected_elsewhere"]
    mission.stop()

    # Named by the test conductor its key stands for (the launcher made this user one).
    assert [e.message for e in told] == [
        f"{local_user()} injected power.array_stuck through the spacecraft's sim port, "
        "not through this ground",
        f"{local_user()} cleared power.array_stuck through the spacecraft's sim port, "
        "not through this ground",
    ]
    with Archive.open(mission.archive_path) as archive:
        rows = [(r.subsystem, r.fault, r.action) for r in archive.injections()]
    assert rows == [  # the ground's own once, the harness's both
        ("thermal", "heater_stuck_on", "inject"),
        ("power", "array_stuck", "inject"),
        ("power", "array_stuck", "clear"),
    ]
