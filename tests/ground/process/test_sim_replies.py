"""The ground reads a sim-port reply as the type its request expects; a malformed one becomes
a refusal that says so, never an exception in the ground's loop."""

from __future__ import annotations

import msgpack

from flightsw.icd import simport
from ground.process.sockets import sim_reply


def test_a_reply_is_read_as_the_type_its_request_expects() -> None:
    step = simport.StepRequest(10.0, uplink_sent=2)
    reply = simport.ClockReply(time_s=10.0, downlink_sent=7, truth_sent=10, range_m=None)
    assert sim_reply(step, simport.encode(reply)) == reply


def test_a_malformed_reply_becomes_a_refusal_that_says_so() -> None:
    step = simport.StepRequest(10.0)
    reply = sim_reply(step, msgpack.packb({"ok": True, "time_s": "late"}))
    assert isinstance(reply, simport.Refused)
    assert reply.error.startswith(
        "the spacecraft's reply to 'step' does not match the ICD (ClockReply: time_s — expected"
    )
    assert reply.as_map() == {"ok": False, "error": reply.error}


def test_a_refusal_comes_through_as_one() -> None:
    refused = sim_reply(simport.PauseRequest(), msgpack.packb({"ok": False, "error": "stepped"}))
    assert refused == simport.Refused(error="stepped")
