"""Link bodies: every message type round-trips, any body is decoded as declared or refused in
words, and the octets are those the archives already hold."""

from __future__ import annotations

import math
from typing import Any

import msgpack
import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import bodies_for, canonical, msgpack_values, readable, valid

from flightsw.errors import FrameError
from flightsw.icd.messages import (
    EventReport,
    Housekeeping,
    Message,
    PerformFunction,
    Ping,
    TimeReport,
    Verification,
    decode_body,
    encode_body,
    messages,
)
from flightsw.icd.packet import Packet, PacketType, decode, encode_tc, encode_tm
from flightsw.icd.storage_schedule import (
    ScheduledActivity,
    ScheduleReport,
    StoredFrames,
    StoreStatus,
)

REGISTERED = messages()
KEYS = [f"{'TC' if d is PacketType.TC else 'TM'}[{s},{t}]" for d, s, t, _ in REGISTERED]


def packet_of(direction: PacketType, service: int, subtype: int, body: bytes) -> Packet:
    if direction is PacketType.TC:
        return decode(encode_tc(0x10, 1, service, subtype, body))
    return decode(encode_tm(0x10, 1, service, subtype, 12.5, body))


def message_for(cls: type[Message], subtype: int) -> st.SearchStrategy[Message]:
    """Valid messages of `cls`; a field the subtype carries is that subtype."""
    drawn = valid(cls)
    if cls.SUBTYPE_FIELD is None:
        return drawn
    return drawn.map(lambda m: msgspec.structs.replace(m, **{cls.SUBTYPE_FIELD: subtype}))


def has_nan(value: Any) -> bool:
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, dict):
        return any(has_nan(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(has_nan(v) for v in value)
    if isinstance(value, msgspec.Struct):
        return has_nan(msgspec.structs.astuple(value))
    return False


# -- round trips -------------------------------------------------------------------------------


@pytest.mark.parametrize(("direction", "service", "subtype", "cls"), REGISTERED, ids=KEYS)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_every_message_type_survives_a_round_trip(
    direction: PacketType, service: int, subtype: int, cls: type[Message], data: st.DataObject
) -> None:
    message = data.draw(message_for(cls, subtype))
    decoded = decode_body(packet_of(direction, service, subtype, encode_body(message)))
    assert type(decoded) is cls
    assert canonical(decoded) == canonical(message)
    if not has_nan(message):
        assert decoded == message


# -- anything that comes in --------------------------------------------------------------------


def check_decoded_or_refused(key: tuple[PacketType, int, int, type[Message]], body: bytes) -> None:
    direction, service, subtype, cls = key
    try:
        message = decode_body(packet_of(direction, service, subtype, body))
    except FrameError as error:
        assert error.reason == "bad_body"
        assert error.detail.startswith(f"{cls.__name__}: ")
        assert readable(error.detail), error.detail
        return
    assert type(message) is cls
    # What came through satisfies the declared types: it decodes again, to the same value.
    again = decode_body(packet_of(direction, service, subtype, encode_body(message)))
    assert canonical(again) == canonical(message)


@pytest.mark.parametrize("key", REGISTERED, ids=KEYS)
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_any_msgpack_body_is_decoded_as_declared_or_refused_in_words(
    key: tuple[PacketType, int, int, type[Message]], data: st.DataObject
) -> None:
    body = data.draw(st.one_of(bodies_for(key[3]), msgpack_values))
    check_decoded_or_refused(key, msgpack.packb(body, use_bin_type=True))


@pytest.mark.parametrize("key", REGISTERED, ids=KEYS)
@settings(max_examples=40, deadline=None)
@given(body=st.binary(max_size=40))
def test_any_octets_as_a_body_are_decoded_as_declared_or_refused(
    key: tuple[PacketType, int, int, type[Message]], body: bytes
) -> None:
    check_decoded_or_refused(key, body)


# -- refusals, in words ------------------------------------------------------------------------


def refusal(service: int, subtype: int, body: Any, tc: bool = False) -> str:
    data = msgpack.packb(body, use_bin_type=True)
    direction = PacketType.TC if tc else PacketType.TM
    with pytest.raises(FrameError) as caught:
        decode_body(packet_of(direction, service, subtype, data))
    assert caught.value.reason == "bad_body"
    return caught.value.detail


def test_housekeeping_with_params_of_the_wrong_type_is_refused_naming_the_field() -> None:
    assert refusal(3, 25, {"subsystem": "power", "params": [1, 2]}) == (
        "Housekeeping: params — expected a map of parameter name to true/false, whole number, "
        "number or string, got a list"
    )


def test_a_parameter_of_the_wrong_type_is_refused_naming_the_parameter() -> None:
    detail = refusal(3, 25, {"subsystem": "power", "params": {"soc": 0.5, "mode": {"x": 1}}})
    assert detail.startswith("Housekeeping: params['mode'] — expected true/false")
    assert detail.endswith("got a map")


def test_a_subsystem_that_is_not_a_name_is_refused() -> None:
    assert refusal(3, 25, {"subsystem": 17, "params": {}}) == (
        "Housekeeping: subsystem — expected a subsystem name of 1 to 64 characters without '.', "
        "got a whole number"
    )
    assert refusal(3, 25, {"subsystem": "power.bus", "params": {}}).endswith("got 'power.bus'")


def test_a_missing_field_is_refused_saying_what_was_expected() -> None:
    assert refusal(8, 1, {"args": {}}, tc=True) == (
        "PerformFunction: command — missing; expected a name of 1 to 64 characters"
    )


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"time_s": math.inf}, "TimeReport: time_s — expected a finite number of seconds >= 0, got inf"),
        ({"time_s": math.nan}, "TimeReport: time_s — expected a finite number of seconds >= 0, got nan"),
        ({"time_s": -1.0}, "TimeReport: time_s — expected a finite number of seconds >= 0, got -1.0"),
        ({"time_s": "noon"}, "TimeReport: time_s — expected a finite number of seconds >= 0, got a string"),
    ],
)  # fmt: skip
def test_a_time_that_is_not_finite_is_refused(body: dict[str, Any], detail: str) -> None:
    assert refusal(9, 2, body) == detail


def test_a_body_that_is_not_a_map_is_refused() -> None:
    assert refusal(3, 25, [1, 2]) == "Housekeeping: the body is a list, expected a map"


def test_a_dump_part_after_the_last_is_refused() -> None:
    assert refusal(15, 16, {"part": 3, "parts": 2, "frames": []}) == (
        "StoredFrames: part — 3 is after the last part, 2"
    )


# -- what the code relies on -------------------------------------------------------------------


def test_messages_are_built_by_position_and_matched_by_field() -> None:
    match Housekeeping("power", {"battery_soc": 0.5}):
        case Housekeeping(subsystem, params):
            assert (subsystem, params) == ("power", {"battery_soc": 0.5})
    with pytest.raises(AttributeError):
        Housekeeping("power", {}).subsystem = "thermal"  # type: ignore[misc]


def test_stage_and_severity_travel_in_the_subtype() -> None:
    report = Verification(8, 0x42, 6, 4, "argument out of range")
    body = encode_body(report)
    assert decode_body(packet_of(PacketType.TM, 1, 8, body)) == report
    # The subtype wins over whatever the body says the stage is.
    lying = msgpack.packb({"stage": "nonsense", "request_apid": 66, "request_seq": 6})
    assert decode_body(packet_of(PacketType.TM, 1, 2, lying)).stage == 2
    event = EventReport(3, "power", "low", "battery low")
    assert decode_body(packet_of(PacketType.TM, 5, 3, encode_body(event))) == event


def test_unknown_fields_are_ignored() -> None:
    body = msgpack.packb({"time_s": 5.0, "rate": 2.0, "leap_seconds": 37})
    assert decode_body(packet_of(PacketType.TM, 9, 2, body)) == TimeReport(5.0, 2.0)


@pytest.mark.parametrize(("direction", "service", "subtype", "cls"), REGISTERED, ids=KEYS)
@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_a_body_with_only_the_required_fields_takes_the_defaults(
    direction: PacketType, service: int, subtype: int, cls: type[Message], data: st.DataObject
) -> None:
    full = msgpack.unpackb(encode_body(data.draw(message_for(cls, subtype))) or b"\x80")
    required = {f.name for f in msgspec.structs.fields(cls) if f.required}
    body = {name: value for name, value in full.items() if name in required}
    message = decode_body(packet_of(direction, service, subtype, msgpack.packb(body)))
    for f in msgspec.structs.fields(cls):
        if not f.required and f.name != cls.SUBTYPE_FIELD:
            default = f.default if f.default is not msgspec.NODEFAULT else f.default_factory()
            assert getattr(message, f.name) == default, f.name


def test_an_empty_message_packs_to_no_octets_and_comes_back_from_none() -> None:
    assert encode_body(Ping()) == b""
    assert decode_body(packet_of(PacketType.TC, 17, 1, b"")) == Ping()


# -- the octets archives hold ------------------------------------------------------------------

# Packed by the msgpack + dataclass codec this one replaced (commit c2f4c74); archives keep
# raw frames, so the same message must give the same octets.
PINNED: list[tuple[Message, str]] = [
    (
        Housekeeping("power", {"battery_soc": 0.75, "array_enabled": True, "mode": "sun",
                               "faults": 0, "margin_db": -math.inf}),
        "82a973756273797374656da5706f776572a6706172616d7385ab626174746572795f736f63cb3fe8000000"
        "000000ad61727261795f656e61626c6564c3a46d6f6465a373756ea66661756c747300a96d617267696e5f"
        "6462cbfff0000000000000",
    ),
    (
        EventReport(2, "power", "battery_low", "battery low", {"soc": 0.2, "ok": False, "value": None}),
        "85a8736576657269747902a973756273797374656da5706f776572a46e616d65ab626174746572795f6c6f"
        "77a76d657373616765ab62617474657279206c6f77a6706172616d7383a3736f63cb3fc999999999999aa2"
        "6f6bc2a576616c7565c0",
    ),
    (
        Verification(8, 0x42, 6, 4, "argument out of range"),
        "86a5737461676508ac726571756573745f6170696442ab726571756573745f73657106a4636f646504a672"
        "6561736f6eb5617267756d656e74206f7574206f662072616e6765a47374657000",
    ),
    (
        PerformFunction("upload_chunk", {"data": b"\x00\x01\xff", "index": 3}),
        "82a7636f6d6d616e64ac75706c6f61645f6368756e6ba46172677382a464617461c4030001ffa5696e6465"
        "7803",
    ),
    (
        ScheduleReport(True, [ScheduledActivity(1, 120.5, 16, 2, 8, 1)]),
        "82a7656e61626c6564c3aa616374697669746965739186a2696401a972656c656173655f73cb405e200000"
        "000000a46170696410a373657102a77365727669636508a77375627479706501",
    ),
    (StoredFrames(1, 2, [b"ab", b"c"]), "83a47061727401a5706172747302a66672616d657392c4026162c40163"),
    (
        StoreStatus(3, 200_000, 0, 1.5, None),
        "85a673746f72656403a86361706163697479ce00030d40ab6f7665727772697474656e00a86f6c64657374"
        "5f73cb3ff8000000000000a86e65776573745f73c0",
    ),
    (TimeReport(1234.5, 0.0), "82a674696d655f73cb40934a0000000000a472617465cb0000000000000000"),
    (Ping(), ""),
]  # fmt: skip


@pytest.mark.parametrize(("message", "octets"), PINNED, ids=lambda m: type(m).__name__)
def test_a_body_packs_to_the_octets_the_archives_hold(message: Message, octets: str) -> None:
    assert encode_body(message).hex() == octets
