"""The truth feed's message: it round-trips, and anything else is refused with a reason."""

from __future__ import annotations

import math

import msgpack
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import bodies_for, canonical, msgpack_values, readable, valid

from flightsw.errors import MessageError
from flightsw.icd.truth import Truth, decode_truth, encode_truth

TRUTH = Truth(1, 3600.0, 1234, 6.9e6, True, None)


@settings(deadline=None)
@given(valid(Truth))
def test_every_truth_survives_a_round_trip(truth: Truth) -> None:
    assert decode_truth(encode_truth(truth)) == truth


@settings(deadline=None)
@given(st.one_of(bodies_for(Truth), msgpack_values))
def test_any_msgpack_is_decoded_as_declared_or_refused_with_a_reason(body: object) -> None:
    try:
        truth = decode_truth(msgpack.packb(body, use_bin_type=True))
    except MessageError as error:
        assert error.reason in {"not_msgpack", "wrong_type", "missing_field", "out_of_range"}
        assert error.detail.startswith("Truth: ") and readable(error.detail), error.detail
        return
    assert canonical(decode_truth(encode_truth(truth))) == canonical(truth)


@settings(deadline=None)
@given(st.binary(max_size=60))
def test_any_octets_are_decoded_or_refused(payload: bytes) -> None:
    try:
        decode_truth(payload)
    except MessageError as error:
        assert readable(error.detail), error.detail


@pytest.mark.parametrize(
    ("change", "detail"),
    [
        ({"range_m": -1.0}, "Truth: range_m — expected a finite number of metres >= 0 or nil, got -1.0"),
        ({"time_s": math.nan}, "Truth: time_s — expected a finite number of seconds >= 0, got nan"),
        ({"generation": 0}, "Truth: generation — expected a whole number >= 1, got 0"),
        ({"downlink_closes": "yes"}, "Truth: downlink_closes — expected true/false or nil, got a string"),
    ],
)  # fmt: skip
def test_a_truth_with_a_bad_field_is_refused_naming_it(
    change: dict[str, object], detail: str
) -> None:
    body = {**msgpack.unpackb(encode_truth(TRUTH)), **change}
    with pytest.raises(MessageError) as caught:
        decode_truth(msgpack.packb(body))
    assert caught.value.detail == detail
