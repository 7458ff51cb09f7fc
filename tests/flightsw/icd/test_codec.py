"""The link codec: CCSDS space packets with PUS-C headers, CRC and msgpack bodies."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flightsw.errors import FrameError
from flightsw.icd.crc import crc16_ccitt_false
from flightsw.icd.cuc import decode_cuc, encode_cuc
from flightsw.icd.messages import (
    EventReport,
    Housekeeping,
    Message,
    ParameterValues,
    PerformFunction,
    Ping,
    Pong,
    ReadParameters,
    SetReportInterval,
    TimeReport,
    Verification,
    decode_body,
    encode_body,
)
from flightsw.icd.packet import PacketType, decode, encode_tc, encode_tm
from flightsw.icd.services import Stage

# docs/references.md#link-formats, the ping test vector: TC[17,1], APID 0x42, sequence count 5,
# source ID 0, all acknowledge flags set.
PING_VECTOR = bytes.fromhex("18 42 c0 05 00 06 2f 11 01 00 00 9d 76")


def test_crc_check_value_of_the_standard_string_is_0x29b1() -> None:
    assert crc16_ccitt_false(b"123456789") == 0x29B1


def test_ping_telecommand_packs_to_the_reference_vector() -> None:
    assert encode_tc(0x42, 5, 17, 1, source_id=0) == PING_VECTOR


def test_reference_vector_parses_back_to_a_ping() -> None:
    packet = decode(PING_VECTOR)
    assert (packet.packet_type, packet.apid, packet.seq, packet.service, packet.subtype) == (
        PacketType.TC,
        0x42,
        5,
        17,
        1,
    )
    assert packet.ack_flags == 0b1111
    assert isinstance(decode_body(packet), Ping)


TELECOMMANDS: list[Message] = [
    Ping(),
    PerformFunction("set_heater", {"heater": "avionics", "set_point_c": 20.5, "enabled": True}),
    SetReportInterval(5.0),
    ReadParameters(["battery_soc", "bus_voltage_v"]),
]
TELEMETRY: list[Message] = [
    Pong(),
    Verification(int(Stage.ACCEPTED), 0x42, 5),
    Verification(int(Stage.COMPLETION_FAILED), 0x42, 6, code=4, reason="argument out of range"),
    Housekeeping("power", {"battery_soc": 0.75, "array_enabled": True, "mode": "sun", "faults": 0}),
    EventReport(4, "power", "undervoltage", "bus below 24 V", {"bus_voltage_v": 23.1}),
    TimeReport(1234.5, 60.0),
    ParameterValues("thermal", {"avionics_temp_c": 21.0}),
]


@pytest.mark.parametrize("message", TELECOMMANDS, ids=lambda m: type(m).__name__)
def test_every_telecommand_survives_a_round_trip(message: Message) -> None:
    frame = encode_tc(0x10, 77, message.service, message.subtype, encode_body(message))
    assert decode_body(decode(frame)) == message


@pytest.mark.parametrize(
    "message", TELEMETRY, ids=lambda m: f"{type(m).__name__}[{m.service},{m.subtype}]"
)
def test_every_telemetry_message_survives_a_round_trip(message: Message) -> None:
    frame = encode_tm(
        0x11,
        16383,
        message.service,
        message.subtype,
        86_400.25,
        encode_body(message),
        msg_counter=9,
    )
    packet = decode(frame)
    assert packet.time_s == 86_400.25
    assert packet.msg_counter == 9
    assert decode_body(packet) == message


@given(st.floats(min_value=0.0, max_value=2**32 - 2, allow_nan=False))
def test_cuc_time_round_trips_within_half_a_tick_of_2_pow_minus_16_s(time_s: float) -> None:
    assert abs(decode_cuc(encode_cuc(time_s)) - time_s) <= 2**-17 + 1e-9


@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_crash_the_parser(frame: bytes) -> None:
    try:
        packet = decode(frame)
        decode_body(packet)
    except FrameError as error:
        assert error.reason  # every refusal says why


@pytest.mark.parametrize("index", range(len(PING_VECTOR)))
def test_a_flipped_byte_anywhere_is_refused(index: int) -> None:
    corrupted = bytearray(PING_VECTOR)
    corrupted[index] ^= 0x5A
    with pytest.raises(FrameError):
        decode(bytes(corrupted))


@pytest.mark.parametrize(
    ("frame", "reason"),
    [
        (PING_VECTOR[:8], "too_short"),
        (PING_VECTOR + b"\x00", "length_mismatch"),
        (bytes([PING_VECTOR[0] | 0x20]) + PING_VECTOR[1:], "bad_version"),
        (PING_VECTOR[:-1] + bytes([PING_VECTOR[-1] ^ 1]), "bad_crc"),
    ],
)
def test_malformed_frames_are_refused_with_their_reason(frame: bytes, reason: str) -> None:
    with pytest.raises(FrameError) as caught:
        decode(frame)
    assert caught.value.reason == reason


def test_a_body_that_is_not_msgpack_is_refused() -> None:
    packet = decode(encode_tc(0x10, 1, 8, 1, b"\xc1\xc1\xc1"))
    with pytest.raises(FrameError) as caught:
        decode_body(packet)
    assert caught.value.reason == "bad_body"


def test_an_unknown_service_is_refused_naming_it() -> None:
    packet = decode(encode_tc(0x10, 1, 42, 7))
    with pytest.raises(FrameError, match=r"TC\[42,7\]"):
        decode_body(packet)


def test_a_function_without_its_command_name_is_refused() -> None:
    packet = decode(encode_tc(0x10, 1, 8, 1, encode_body(Housekeeping("x", {}))))
    with pytest.raises(FrameError, match="PerformFunction: command — missing"):
        decode_body(packet)


def test_a_body_packs_to_the_same_octets_in_every_process() -> None:
    """Stepped runs must repeat bit for bit, so no body may depend on hash ordering."""
    import os
    import subprocess
    import sys

    code = (
        "from flightsw.icd.messages import EventReport, encode_body;"
        "print(encode_body(EventReport(2, 'power', 'battery_low', 'low', {'soc': 0.2})).hex())"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1
