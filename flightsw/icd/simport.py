"""The sim port's messages: one typed request per op, one typed reply per answer.

A request is a msgpack map whose `op` names it (a tagged union of frozen structs); its other
fields are the op's arguments, each with its type and range. A reply is a map with `ok`: true
and the op's fields, or false and an `error` saying what was wrong and what to do. Replies come
back in the order of the requests, so the asker knows which reply type to expect
(`SimRequest.reply_type`). docs/icd.md ("Sim port") lists them.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from msgspec import Meta, Struct, field

from flightsw.errors import MessageError
from flightsw.icd.codec import ENCODER, Codec, to_plain
from flightsw.icd.dictionary import FaultSpec, MissionDictionary, Period
from flightsw.icd.fields import (
    TEXT_CHARS,
    Apid,
    Count,
    Distance,
    MissionTime,
    Name,
    Rate,
    SubsystemName,
    Text,
)
from flightsw.icd.margins import MAX_CLOCK_RATE, MAX_STEP_S
from flightsw.icd.messages import Arguments, ParameterMap
from flightsw.icd.sdls import MAX_SEQUENCE_NUMBER, MAX_SPI
from flightsw.icd.truth import Generation, UtcTime

StepSeconds = Annotated[
    float,
    Meta(ge=0.0, le=MAX_STEP_S, extra={"words": "a number of seconds from 0 to 2592000 (30 days)"}),
]
PositiveRate = Annotated[
    float,
    Meta(
        gt=0.0,
        le=MAX_CLOCK_RATE,
        extra={"words": "a number > 0, at most 1000000 (mission s per wall s)"},
    ),
]
Spi = Annotated[int, Meta(ge=0, le=MAX_SPI, extra={"words": f"a whole number from 0 to {MAX_SPI}"})]
SequenceNumber = Annotated[
    int,
    Meta(
        ge=0,
        le=MAX_SEQUENCE_NUMBER,
        extra={"words": f"a whole number from 0 to {MAX_SEQUENCE_NUMBER}"},
    ),
]
RefusalCounts = Annotated[
    dict[Name, Count], Meta(extra={"words": "a map of reason to a whole number >= 0"})
]

TrueState = Annotated[
    dict[str, Any],
    Meta(extra={"words": "a map of name to plain data, shaped as the subsystem's state"}),
]

# -- replies ------------------------------------------------------------------------------------


class SimReply(Struct, frozen=True, kw_only=True):
    """Base of every reply: `ok`, then the op's fields (or the refusal's `error`)."""

    ok: bool = True

    def as_map(self) -> dict[str, Any]:
        """The reply as plain data (`ok` first), as a control client sees a forwarded one."""
        plain: dict[str, Any] = to_plain(self)
        return plain


class Refused(SimReply, frozen=True, kw_only=True):
    """Any request refused: what was wrong and what to do."""

    ok: bool = False
    error: Text

    def __post_init__(self) -> None:
        if self.ok:
            raise ValueError("ok — a refusal has ok false")


class Ok(SimReply, frozen=True, kw_only=True):
    """Base of the replies of a request carried out: `ok` is true."""

    def __post_init__(self) -> None:
        if not self.ok:
            raise ValueError("ok — a reply that carries out a request has ok true")


class StatusReply(Ok, frozen=True, kw_only=True):
    """Where the spacecraft is and what it has sent: what a ground attaching to it starts from.

    `generated` counts, per APID, the frames made since this spacecraft started (its sequence
    counts, unwrapped): a ground that comes up after a crash compares them with its archive to
    know what it missed. `downlink_sent`, `truth_sent` and `uplink_received` are the counts the
    stepping handshakes compare (section "Stepping handshake" of docs/icd.md).
    """

    mission: Text
    time_s: MissionTime
    mode: Literal["stepped", "realtime"]
    rate: Rate
    paused: bool
    tick_s: Period
    ticks: Count
    downlink_sent: Count
    range_m: Distance | None
    executive: ParameterMap  # the executive's housekeeping
    generation: Generation
    truth_sent: Count
    uplink_received: Count
    generated: dict[Apid, Count]
    uplink_refused: RefusalCounts = field(default_factory=dict)  # frames, by reason
    uplink_late: Count = 0  # arrival times before mission time, clamped to it
    sim_refused: RefusalCounts = field(default_factory=dict)  # sim-port requests, by reason
    # Authenticated telecommands: the last sequence number taken, by SPI (the frame security
    # report a ground signs on from); empty when the spacecraft does not authenticate.
    tc_sequence: dict[Spi, SequenceNumber] = field(default_factory=dict)
    tc_active_spi: Spi | None = None  # the key telecommands must be signed with (after a rekey)
    utc_s: UtcTime | None = None  # when (UTC) a realtime clock read `time_s` (as in a Truth)


class DictionaryReply(Ok, frozen=True, kw_only=True):
    dictionary: MissionDictionary


class ClockReply(Ok, frozen=True, kw_only=True):
    """Where time is after a step (or a sync), and how many frames and truths have left."""

    time_s: MissionTime
    downlink_sent: Count
    truth_sent: Count
    range_m: Distance | None


class TimeReply(Ok, frozen=True, kw_only=True):
    """Done, at this mission time."""

    time_s: MissionTime


class RateReply(Ok, frozen=True, kw_only=True):
    rate: PositiveRate


class FaultsReply(Ok, frozen=True, kw_only=True):
    faults: dict[SubsystemName, tuple[FaultSpec, ...]]


class TruthReply(Ok, frozen=True, kw_only=True):
    """A subsystem's true state: plain data, shaped as that subsystem's state."""

    time_s: MissionTime
    state: TrueState


class ResetStopped(Ok, frozen=True, kw_only=True):
    old_downlink_sent: Count


class ResetStarted(Ok, frozen=True, kw_only=True):
    generation: Generation


class Done(Ok, frozen=True, kw_only=True):
    """Done; nothing to say."""


# -- requests -----------------------------------------------------------------------------------


class SimRequest(Struct, frozen=True, tag_field="op"):
    """Base of every request; `op` (the struct's tag) names it."""

    REPLY: ClassVar[type[SimReply]] = Done

    @property
    def op(self) -> str:
        return str(type(self).__struct_config__.tag)

    def reply_type(self) -> type[SimReply]:
        """What an `ok` reply to this request holds."""
        return self.REPLY


class StatusRequest(SimRequest, frozen=True, tag="status"):
    REPLY = StatusReply


class DictionaryRequest(SimRequest, frozen=True, tag="dictionary"):
    REPLY = DictionaryReply


class StepRequest(SimRequest, frozen=True, tag="step"):
    """Advance a stepped clock by `seconds`, once `uplink_sent` uplink frames have arrived."""

    REPLY = ClockReply
    seconds: StepSeconds
    uplink_sent: Count = 0


class SyncRequest(SimRequest, frozen=True, tag="sync"):
    """Where time is, once `uplink_sent` uplink frames have arrived; no stepping."""

    REPLY = ClockReply
    uplink_sent: Count = 0


class PauseRequest(SimRequest, frozen=True, tag="pause"):
    REPLY = TimeReply


class ResumeRequest(SimRequest, frozen=True, tag="resume"):
    REPLY = TimeReply


class SetRateRequest(SimRequest, frozen=True, tag="set_rate"):
    REPLY = RateReply
    rate: PositiveRate


class InjectRequest(SimRequest, frozen=True, tag="inject"):
    """Inject a fault; its parameters are checked against the fault's specs onboard."""

    REPLY = TimeReply
    subsystem: SubsystemName
    fault: Name
    params: Arguments = field(default_factory=dict)


class ClearRequest(SimRequest, frozen=True, tag="clear"):
    REPLY = TimeReply
    subsystem: SubsystemName
    fault: Name


class FaultsRequest(SimRequest, frozen=True, tag="faults"):
    REPLY = FaultsReply


class TruthRequest(SimRequest, frozen=True, tag="truth"):
    REPLY = TruthReply
    subsystem: SubsystemName


class CrashRequest(SimRequest, frozen=True, tag="crash"):
    """Make a subsystem's actor raise on its next tick (a supervision test hook)."""

    REPLY = TimeReply
    subsystem: SubsystemName


class ResetRequest(SimRequest, frozen=True, tag="reset"):
    """Take the spacecraft down (`stop`), then fly a new one from its config (`start`)."""

    phase: Literal["stop", "start"]
    uplink_sent: Count = 0

    def reply_type(self) -> type[SimReply]:
        return ResetStopped if self.phase == "stop" else ResetStarted


class ShutdownRequest(SimRequest, frozen=True, tag="shutdown"):
    REPLY = Done


AnyRequest = (
    StatusRequest
    | DictionaryRequest
    | StepRequest
    | SyncRequest
    | PauseRequest
    | ResumeRequest
    | SetRateRequest
    | InjectRequest
    | ClearRequest
    | FaultsRequest
    | TruthRequest
    | CrashRequest
    | ResetRequest
    | ShutdownRequest
)
REQUESTS: tuple[type[SimRequest], ...] = AnyRequest.__args__
OPS = tuple(str(r.__struct_config__.tag) for r in REQUESTS)

_REQUEST = Codec[SimRequest](AnyRequest, "request")
REPLIES: tuple[type[SimReply], ...] = (
    StatusReply,
    DictionaryReply,
    ClockReply,
    TimeReply,
    RateReply,
    FaultsReply,
    TruthReply,
    ResetStopped,
    ResetStarted,
    Done,
)
_REPLIES = {reply: Codec[SimReply](reply) for reply in REPLIES}


class _Outcome(Struct, frozen=True):
    """What every reply holds, read first to know which type to decode the rest as."""

    ok: bool
    error: Text = ""


_OUTCOME = Codec[_Outcome](_Outcome, "reply")


def encode(message: SimRequest | SimReply) -> bytes:
    return ENCODER.encode(message)


def decode_request(data: bytes) -> SimRequest:
    """The request in `data`, or MessageError (`unknown op 'fly'; ops: ...`, or which argument
    is wrong and what was expected)."""
    return _REQUEST.decode(data)


def request(op: str, **args: Any) -> SimRequest:
    """Build a request from plain arguments (a control client's), checked as a decode would."""
    return _REQUEST.convert({"op": op, **args})


def decode_reply(request: SimRequest, data: bytes) -> SimReply:
    """The reply to `request` in `data`: its reply type, or Refused; MessageError if malformed."""
    outcome = _OUTCOME.decode(data)
    if not outcome.ok:
        return Refused(error=outcome.error)
    return _REPLIES[request.reply_type()].decode(data)


def refused(error: MessageError | str) -> Refused:
    """A refusal saying `error` (clipped to what a reply carries)."""
    return Refused(error=str(error)[:TEXT_CHARS])
