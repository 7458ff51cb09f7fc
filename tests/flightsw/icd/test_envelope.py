"""The uplink envelope: one part or two with an 8-octet arrival time; anything else refused."""

from __future__ import annotations

import math
import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flightsw.errors import FrameError
from flightsw.icd.envelope import encode_envelope, is_enveloped, open_envelope

FRAME = b"\x18\x01\xc0\x00\x00\x06\x2f\x11\x01\x00\x01\x00\x00"


def test_an_enveloped_frame_opens_to_its_arrival_time_and_frame() -> None:
    assert open_envelope(encode_envelope(12.5, FRAME)) == (12.5, FRAME)


def test_a_frame_alone_arrives_when_it_comes() -> None:
    assert open_envelope([FRAME]) == (None, FRAME)


@pytest.mark.parametrize("arrival_s", [math.nan, math.inf, -math.inf, -1.0, -1e-300])
def test_an_arrival_time_that_is_not_a_mission_time_is_refused(arrival_s: float) -> None:
    parts = [struct.pack(">d", arrival_s), FRAME]
    assert is_enveloped(parts)  # it still counts towards the stepping handshake
    with pytest.raises(FrameError) as caught:
        open_envelope(parts)
    assert caught.value.reason == "bad_arrival"


@pytest.mark.parametrize(
    "parts", [[], [b"1234567", FRAME], [b"12345678", FRAME, b""], [b"", b"", b"", b"", b""]]
)
def test_an_envelope_of_the_wrong_shape_is_refused_saying_what_was_expected(
    parts: list[bytes],
) -> None:
    with pytest.raises(FrameError) as caught:
        open_envelope(parts)
    assert caught.value.reason == "bad_envelope"
    assert "expected [arrival time (8 octets), frame] or [frame]" in caught.value.detail


@given(st.lists(st.binary(max_size=20), max_size=4))
def test_any_message_opens_or_is_refused_as_a_frame_error(parts: list[bytes]) -> None:
    try:
        arrival_s, frame = open_envelope(parts)
    except FrameError as error:
        assert error.reason in ("bad_envelope", "bad_arrival")
    else:
        assert arrival_s is None or (math.isfinite(arrival_s) and arrival_s >= 0.0)
        assert frame == parts[-1]
