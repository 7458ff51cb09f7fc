"""Typed message bodies for every PUS service/subtype on the link, and their msgpack codec.

Each message class knows its (service, subtype) and turns itself into the msgpack map carried
as the packet's application data. `decode_body` turns a parsed Packet back into a message.
"""

from __future__ import annotations

import functools
from dataclasses import MISSING, dataclass, field, fields
from typing import Any, ClassVar

import msgpack

from flightsw.errors import FrameError
from flightsw.icd.packet import Packet, PacketType
from flightsw.icd.services import Service, Stage

MAX_BODY_OCTETS = 60_000


@dataclass(frozen=True, slots=True)
class Message:
    """Base of every body; subclasses set SERVICE, SUBTYPE and DIRECTION."""

    SERVICE: ClassVar[int]
    SUBTYPE: ClassVar[int]
    DIRECTION: ClassVar[PacketType]

    @property
    def service(self) -> int:
        return self.SERVICE

    @property
    def subtype(self) -> int:
        return self.SUBTYPE

    def to_body(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _field_names(type(self))[0]}

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> Message:
        _, names, required = _field_names(cls)
        if not required <= body.keys():
            missing = sorted(required - body.keys())
            raise FrameError("bad_body", f"{cls.__name__} lacks {', '.join(missing)}")
        if body.keys() <= names:
            return cls(**body)
        return cls(**{k: v for k, v in body.items() if k in names})


@functools.cache
def _field_names(cls: type[Message]) -> tuple[tuple[str, ...], frozenset[str], frozenset[str]]:
    """A message class's field names in order, as a set, and the required ones.

    Decoding is on the ground's hot path; the ordered tuple keeps bodies packed in field order,
    so the same message always gives the same octets (a set's order changes between processes).
    """
    all_fields = fields(cls)
    required = (f.name for f in all_fields if f.default is MISSING and f.default_factory is MISSING)
    names = tuple(f.name for f in all_fields)
    return names, frozenset(names), frozenset(required)


# -- telecommands ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ping(Message):
    """TC[17,1]: are you there?"""

    SERVICE = Service.TEST
    SUBTYPE = 1
    DIRECTION = PacketType.TC


@dataclass(frozen=True, slots=True)
class PerformFunction(Message):
    """TC[8,1]: run a subsystem command by name with named arguments."""

    SERVICE = Service.FUNCTION
    SUBTYPE = 1
    DIRECTION = PacketType.TC
    command: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SetReportInterval(Message):
    """TC[3,31]: change a subsystem's housekeeping period."""

    SERVICE = Service.HOUSEKEEPING
    SUBTYPE = 31
    DIRECTION = PacketType.TC
    period_s: float


@dataclass(frozen=True, slots=True)
class ReadParameters(Message):
    """TC[20,1]: ask for the current value of named parameters of the addressed subsystem."""

    SERVICE = Service.PARAMETER
    SUBTYPE = 1
    DIRECTION = PacketType.TC
    names: list[str] = field(default_factory=list)


# -- telemetry ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Pong(Message):
    """TM[17,2]: the answer to a ping."""

    SERVICE = Service.TEST
    SUBTYPE = 2
    DIRECTION = PacketType.TM


@dataclass(frozen=True, slots=True)
class Verification(Message):
    """TM[1,x]: one verification stage of a telecommand, quoting its APID and sequence count."""

    SERVICE = Service.VERIFICATION
    SUBTYPE = 0  # carried by `stage`
    DIRECTION = PacketType.TM
    stage: int
    request_apid: int
    request_seq: int
    code: int = 0
    reason: str = ""
    step: int = 0

    @property
    def subtype(self) -> int:
        return self.stage


@dataclass(frozen=True, slots=True)
class Housekeeping(Message):
    """TM[3,25]: one subsystem's parameters at the packet's time."""

    SERVICE = Service.HOUSEKEEPING
    SUBTYPE = 25
    DIRECTION = PacketType.TM
    subsystem: str
    params: dict[str, Any]


@dataclass(frozen=True, slots=True)
class EventReport(Message):
    """TM[5,x]: an event; the subtype is its severity (1 informative … 4 high)."""

    SERVICE = Service.EVENT
    SUBTYPE = 0  # carried by `severity`
    DIRECTION = PacketType.TM
    severity: int
    subsystem: str
    name: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def subtype(self) -> int:
        return self.severity


@dataclass(frozen=True, slots=True)
class TimeReport(Message):
    """TM[9,2]: the onboard time and the rate the clock runs at."""

    SERVICE = Service.TIME
    SUBTYPE = 2
    DIRECTION = PacketType.TM
    time_s: float
    rate: float = 1.0


@dataclass(frozen=True, slots=True)
class ParameterValues(Message):
    """TM[20,2]: the values asked for by TC[20,1]."""

    SERVICE = Service.PARAMETER
    SUBTYPE = 2
    DIRECTION = PacketType.TM
    subsystem: str
    values: dict[str, Any]


_BY_KEY: dict[tuple[PacketType, int, int], type[Message]] = {}


def register(cls: type[Message], subtypes: tuple[int, ...] | None = None) -> None:
    """Make `decode_body` know a message class (other ICD modules add their services here)."""
    for subtype in subtypes or (cls.SUBTYPE,):
        _BY_KEY[(cls.DIRECTION, cls.SERVICE, subtype)] = cls


for _cls in (Ping, PerformFunction, SetReportInterval, ReadParameters, Pong, Housekeeping,
             TimeReport, ParameterValues):  # fmt: skip
    register(_cls)
register(Verification, tuple(int(stage) for stage in Stage))
register(EventReport, (1, 2, 3, 4))


def encode_body(message: Message) -> bytes:
    """msgpack the message's fields; an empty message packs to no octets at all."""
    body = message.to_body()
    if not body:
        return b""
    data: bytes = msgpack.packb(body, use_bin_type=True)
    if len(data) > MAX_BODY_OCTETS:
        raise ValueError(
            f"{type(message).__name__} body is {len(data)} octets, over {MAX_BODY_OCTETS}"
        )
    return data


def decode_body(packet: Packet) -> Message:
    """Turn a parsed packet into its typed message, or raise FrameError."""
    cls = _BY_KEY.get((packet.packet_type, packet.service, packet.subtype))
    if cls is None:
        kind = packet.packet_type.name
        raise FrameError(
            "unknown_service", f"{kind}[{packet.service},{packet.subtype}] is not in the ICD"
        )
    if len(packet.app_data) > MAX_BODY_OCTETS:
        raise FrameError("body_too_long", f"{len(packet.app_data)} octets, over {MAX_BODY_OCTETS}")
    body: Any = {}
    if packet.app_data:
        try:
            body = msgpack.unpackb(packet.app_data, raw=False, strict_map_key=True)
        except (ValueError, msgpack.ExtraData, msgpack.FormatError, msgpack.StackError) as error:
            raise FrameError("bad_body", f"application data is not msgpack: {error}") from None
    if not isinstance(body, dict):
        raise FrameError("bad_body", f"application data is a {type(body).__name__}, expected a map")
    if cls is Verification:
        body = {**body, "stage": packet.subtype}
    elif cls is EventReport:
        body = {**body, "severity": packet.subtype}
    try:
        return cls.from_body(body)
    except TypeError as error:
        raise FrameError("bad_body", f"{cls.__name__}: {error}") from None
