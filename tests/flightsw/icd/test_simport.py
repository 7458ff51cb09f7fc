"""The sim port's messages: every request and reply round-trips, anything else is refused in
words, and a reply is read as the type its request expects."""

from __future__ import annotations

import msgpack
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import bodies_for, canonical, msgpack_values, readable, valid

from flightsw.errors import MessageError
from flightsw.icd import simport
from flightsw.icd.simport import (
    OPS,
    REPLIES,
    REQUESTS,
    AnyRequest,
    Refused,
    SimReply,
    SimRequest,
    decode_reply,
    decode_request,
    encode,
    request,
)

# One request whose `ok` reply is each reply type.
ASKING: dict[type[SimReply], SimRequest] = {
    simport.StatusReply: simport.StatusRequest(),
    simport.DictionaryReply: simport.DictionaryRequest(),
    simport.ClockReply: simport.SyncRequest(),
    simport.TimeReply: simport.PauseRequest(),
    simport.RateReply: simport.SetRateRequest(2.0),
    simport.FaultsReply: simport.FaultsRequest(),
    simport.TruthReply: simport.TruthRequest("power"),
    simport.ResetStopped: simport.ResetRequest("stop"),
    simport.ResetStarted: simport.ResetRequest("start"),
    simport.Done: simport.ShutdownRequest(),
}


def test_every_reply_type_is_asked_for_by_some_request() -> None:
    assert set(ASKING) == set(REPLIES)
    assert all(ASKING[reply].reply_type() is reply for reply in REPLIES)


def test_there_is_one_request_per_op() -> None:
    assert OPS == ("status", "dictionary", "step", "sync", "pause", "resume", "set_rate",
                   "inject", "clear", "faults", "truth", "crash", "reset", "shutdown")  # fmt: skip
    assert [
        r().op if not r.__struct_fields__ else r.__struct_config__.tag for r in REQUESTS
    ] == list(OPS)


@pytest.mark.parametrize("kind", REQUESTS, ids=OPS)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_every_request_survives_a_round_trip(kind: type[SimRequest], data: st.DataObject) -> None:
    sent = data.draw(valid(kind))
    assert decode_request(encode(sent)) == sent


@pytest.mark.parametrize("kind", REPLIES, ids=lambda r: r.__name__)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_every_reply_survives_a_round_trip(kind: type[SimReply], data: st.DataObject) -> None:
    reply = data.draw(valid(kind))
    assert canonical(decode_reply(ASKING[kind], encode(reply))) == canonical(reply)


@settings(deadline=None)
@given(valid(Refused))
def test_a_refusal_is_read_as_one_whatever_was_asked(refusal: Refused) -> None:
    for asked in ASKING.values():
        assert decode_reply(asked, encode(refusal)) == Refused(error=refusal.error)


@settings(max_examples=300, deadline=None)
@given(st.one_of(bodies_for(AnyRequest), msgpack_values))
def test_any_request_is_decoded_as_declared_or_refused_in_words(body: object) -> None:
    try:
        sent = decode_request(msgpack.packb(body, use_bin_type=True))
    except MessageError as error:
        assert readable(error.detail), error.detail
        return
    assert canonical(decode_request(encode(sent))) == canonical(sent)


@pytest.mark.parametrize("kind", REPLIES, ids=lambda r: r.__name__)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_any_reply_is_decoded_as_declared_or_refused(
    kind: type[SimReply], data: st.DataObject
) -> None:
    body = data.draw(st.one_of(bodies_for(kind), msgpack_values))
    try:
        reply = decode_reply(ASKING[kind], msgpack.packb(body, use_bin_type=True))
    except MessageError as error:
        assert readable(error.detail), error.detail
        return
    assert type(reply) in (kind, Refused)


@settings(deadline=None)
@given(st.binary(max_size=40))
def test_any_octets_are_decoded_or_refused(payload: bytes) -> None:
    for decoding in (decode_request, lambda data: decode_reply(simport.StatusRequest(), data)):
        try:
            decoding(payload)
        except MessageError as error:
            assert error.detail


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"op": "fly"}, "unknown op 'fly'; ops: " + ", ".join(OPS)),
        ({"seconds": 1.0}, "request: op — missing; ops: " + ", ".join(OPS)),
        ({"op": "step", "seconds": -1.0},
         "step request: seconds — expected a number of seconds from 0 to 2592000 (30 days), got -1.0"),
        ({"op": "step", "seconds": "ten"},
         "step request: seconds — expected a number of seconds from 0 to 2592000 (30 days), got a string"),
        ({"op": "set_rate", "rate": 0.0},
         "set_rate request: rate — expected a number > 0, at most 1000000 (mission s per wall s), got 0.0"),
        ({"op": "reset", "phase": "restart"}, "reset request: phase — expected one of 'start', 'stop', got 'restart'"),
        ({"op": "inject", "subsystem": "power"}, "inject request: fault — missing; expected a name of 1 to 64 characters"),
        ([1, 2], "request: the body is a list, expected a map"),
    ],
)  # fmt: skip
def test_a_bad_request_is_refused_saying_what_was_wrong(body: object, detail: str) -> None:
    with pytest.raises(MessageError) as caught:
        decode_request(msgpack.packb(body))
    assert caught.value.detail.startswith(detail)


def test_a_request_built_from_plain_arguments_is_checked_as_a_decode_would() -> None:
    assert request("set_rate", rate=60) == simport.SetRateRequest(60.0)
    with pytest.raises(
        MessageError, match="set_rate request: rate — expected a number > 0, at most 1000000"
    ):
        request("set_rate", rate="fast")
    with pytest.raises(ValueError, match="unknown op 'warp'"):  # a MessageError is a ValueError
        request("warp")


def test_a_reply_that_is_ok_but_lacks_its_fields_is_malformed() -> None:
    with pytest.raises(MessageError, match="ClockReply: time_s — missing"):
        decode_reply(simport.SyncRequest(), msgpack.packb({"ok": True}))
