"""Typed message bodies for every PUS service/subtype on the link, and their msgpack codec.

Each message class knows its (service, subtype) and is a frozen `msgspec.Struct` whose fields
declare their type and range (`flightsw.icd.fields`). `encode_body` packs its fields, in their
order, as the msgpack map carried as the packet's application data; `decode_body` turns a
parsed Packet back into a message, checking every field, or raises FrameError in words.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, NamedTuple

import msgspec
from msgspec import Meta, Struct, field

from flightsw.errors import FrameError
from flightsw.icd.codec import EMPTY_MAP, ENCODER, to_plain
from flightsw.icd.fields import (
    MAX_BODY_OCTETS,
    Apid,
    Count,
    MissionTime,
    Name,
    Rate,
    Scalar,
    SequenceCount,
    SubsystemName,
    Text,
)
from flightsw.icd.packet import Packet, PacketType
from flightsw.icd.refusals import refusal
from flightsw.icd.services import Service, Stage

ParameterMap = Annotated[
    dict[str, Scalar],
    Meta(extra={"words": "a map of parameter name to true/false, whole number, number or string"}),
]
"""Telemetry values by parameter name. Names are bounded by the body alone: a length check on
every key would double the decode cost on the ground's hot path. Numbers may be NaN or ±inf."""
EventParams = Annotated[
    dict[Name, Scalar | None],
    Meta(extra={"words": "a map of name to true/false, whole number, number, string or nil"}),
]
Arguments = Annotated[
    dict[Name, Any],
    Meta(extra={"words": "a map of argument name to value (checked against the command's specs)"}),
]
ReportPeriod = Annotated[
    float, Meta(ge=0.1, le=3600.0, extra={"words": "a number of seconds from 0.1 to 3600"})
]
ParameterNames = Annotated[list[Name], Meta(max_length=1024)]
StageNumber = Annotated[int, Meta(ge=1, le=10, extra={"words": "a verification stage, 1 to 10"})]
ErrorCodeNumber = Annotated[
    int, Meta(ge=0, le=255, extra={"words": "an error code (0: none), up to 255"})
]
SeverityNumber = Annotated[int, Meta(ge=1, le=4, extra={"words": "a severity, 1 to 4"})]


class Message(Struct, frozen=True):
    """Base of every body; subclasses set SERVICE, SUBTYPE and DIRECTION.

    A field named by SUBTYPE_FIELD travels in the PUS subtype (Verification's stage, an event's
    severity); it is packed in the body too, as always, but decoding takes it from the subtype.
    """

    SERVICE: ClassVar[int]
    SUBTYPE: ClassVar[int]
    DIRECTION: ClassVar[PacketType]
    SUBTYPE_FIELD: ClassVar[str | None] = None

    @property
    def service(self) -> int:
        return self.SERVICE

    @property
    def subtype(self) -> int:
        return self.SUBTYPE

    def to_body(self) -> dict[str, Any]:
        """The fields as plain data (nested messages as maps), in their order."""
        body: dict[str, Any] = to_plain(self)
        return body


# -- telecommands ------------------------------------------------------------------------------


class Ping(Message, frozen=True):
    """TC[17,1]: are you there?"""

    SERVICE = Service.TEST
    SUBTYPE = 1
    DIRECTION = PacketType.TC


class PerformFunction(Message, frozen=True):
    """TC[8,1]: run a subsystem command by name with named arguments.

    The arguments are checked against the command's specs onboard (kind, range, choices): a
    value may be a scalar, binary data (a software chunk) or a map.
    """

    SERVICE = Service.FUNCTION
    SUBTYPE = 1
    DIRECTION = PacketType.TC
    command: Name
    args: Arguments = field(default_factory=dict)


class SetReportInterval(Message, frozen=True):
    """TC[3,31]: change a subsystem's housekeeping period."""

    SERVICE = Service.HOUSEKEEPING
    SUBTYPE = 31
    DIRECTION = PacketType.TC
    period_s: ReportPeriod


class ReadParameters(Message, frozen=True):
    """TC[20,1]: ask for the current value of named parameters of the addressed subsystem."""

    SERVICE = Service.PARAMETER
    SUBTYPE = 1
    DIRECTION = PacketType.TC
    names: ParameterNames = field(default_factory=list)


# -- telemetry ---------------------------------------------------------------------------------


class Pong(Message, frozen=True):
    """TM[17,2]: the answer to a ping."""

    SERVICE = Service.TEST
    SUBTYPE = 2
    DIRECTION = PacketType.TM


class Verification(Message, frozen=True):
    """TM[1,x]: one verification stage of a telecommand, quoting its APID and sequence count."""

    SERVICE = Service.VERIFICATION
    SUBTYPE = 0  # carried by `stage`
    DIRECTION = PacketType.TM
    SUBTYPE_FIELD = "stage"
    stage: StageNumber
    request_apid: Apid
    request_seq: SequenceCount
    code: ErrorCodeNumber = 0  # flightsw.icd.errorcodes
    reason: Text = ""
    step: Count = 0

    @property
    def subtype(self) -> int:
        return self.stage


class Housekeeping(Message, frozen=True):
    """TM[3,25]: one subsystem's parameters at the packet's time."""

    SERVICE = Service.HOUSEKEEPING
    SUBTYPE = 25
    DIRECTION = PacketType.TM
    subsystem: SubsystemName
    params: ParameterMap


class EventReport(Message, frozen=True):
    """TM[5,x]: an event; the subtype is its severity (1 informative … 4 high)."""

    SERVICE = Service.EVENT
    SUBTYPE = 0  # carried by `severity`
    DIRECTION = PacketType.TM
    SUBTYPE_FIELD = "severity"
    severity: SeverityNumber
    subsystem: SubsystemName
    name: Name
    message: Text
    params: EventParams = field(default_factory=dict)

    @property
    def subtype(self) -> int:
        return self.severity


class TimeReport(Message, frozen=True):
    """TM[9,2]: the onboard time and the rate the clock runs at (0 when stepped)."""

    SERVICE = Service.TIME
    SUBTYPE = 2
    DIRECTION = PacketType.TM
    time_s: MissionTime
    rate: Rate = 1.0


class ParameterValues(Message, frozen=True):
    """TM[20,2]: the values asked for by TC[20,1]."""

    SERVICE = Service.PARAMETER
    SUBTYPE = 2
    DIRECTION = PacketType.TM
    subsystem: SubsystemName
    values: ParameterMap


# -- the codec ---------------------------------------------------------------------------------


class _Entry(NamedTuple):
    """How to decode one (type, service, subtype): the class, and the decoder of its body."""

    cls: type[Message]
    body: type[Struct]  # the class, less a field the subtype carries
    decoder: msgspec.msgpack.Decoder[Any]  # cached: decoding is on the ground's hot path
    carried: bool  # the first field comes from the PUS subtype


_BY_KEY: dict[tuple[PacketType, int, int], _Entry] = {}


def register(cls: type[Message], subtypes: tuple[int, ...] | None = None) -> None:
    """Make `decode_body` know a message class (other ICD modules add their services here)."""
    body = _body_type(cls)
    entry = _Entry(cls, body, msgspec.msgpack.Decoder(body), cls.SUBTYPE_FIELD is not None)
    for subtype in subtypes or (cls.SUBTYPE,):
        _BY_KEY[(cls.DIRECTION, cls.SERVICE, subtype)] = entry


def _body_type(cls: type[Message]) -> type[Struct]:
    """What the body must hold: the class, less a field the PUS subtype carries."""
    if cls.SUBTYPE_FIELD is None:
        return cls
    assert cls.__struct_fields__[0] == cls.SUBTYPE_FIELD, f"{cls.__name__}: subtype field first"
    return msgspec.defstruct(
        f"{cls.__name__}Body",
        [_as_declared(f) for f in msgspec.structs.fields(cls)[1:]],
        frozen=True,
    )


def _as_declared(f: msgspec.structs.FieldInfo) -> tuple[Any, ...]:
    """A field of a struct as `defstruct` takes it: name, type and its default, if any."""
    if f.required:
        return (f.name, f.type)
    if f.default_factory is not msgspec.NODEFAULT:
        return (f.name, f.type, field(default_factory=f.default_factory))
    return (f.name, f.type, f.default)


for _cls in (Ping, PerformFunction, SetReportInterval, ReadParameters, Pong, Housekeeping,
             TimeReport, ParameterValues):  # fmt: skip
    register(_cls)
register(Verification, tuple(int(stage) for stage in Stage))
register(EventReport, (1, 2, 3, 4))


def messages() -> list[tuple[PacketType, int, int, type[Message]]]:
    """Every registered (direction, service, subtype) and its class, in registration order."""
    return [(*key, entry.cls) for key, entry in _BY_KEY.items()]


def encode_body(message: Message) -> bytes:
    """msgpack the message's fields in order; an empty message packs to no octets at all."""
    data = ENCODER.encode(message)
    if data == EMPTY_MAP:
        return b""
    if len(data) > MAX_BODY_OCTETS:
        raise ValueError(
            f"{type(message).__name__} body is {len(data)} octets, over {MAX_BODY_OCTETS}"
        )
    return data


def decode_body(packet: Packet) -> Message:
    """Turn a parsed packet into its typed message, or raise FrameError.

    Reasons: `unknown_service` (not in this ICD), `body_too_long`, `bad_body` (not msgpack, not
    a map, or a field missing, of the wrong type or out of range: the detail says which).
    """
    entry = _BY_KEY.get((packet.packet_type, packet.service, packet.subtype))
    if entry is None:
        kind = packet.packet_type.name
        raise FrameError(
            "unknown_service", f"{kind}[{packet.service},{packet.subtype}] is not in the ICD"
        )
    data = packet.app_data
    if len(data) > MAX_BODY_OCTETS:
        raise FrameError("body_too_long", f"{len(data)} octets, over {MAX_BODY_OCTETS}")
    try:
        body = entry.decoder.decode(data or EMPTY_MAP)
    except msgspec.DecodeError as error:  # a ValidationError is one too
        detail = refusal(entry.cls.__name__, entry.body, error, data=data).detail
        raise FrameError("bad_body", detail) from None
    if entry.carried:
        return entry.cls(packet.subtype, *msgspec.structs.astuple(body))
    message: Message = body
    return message
