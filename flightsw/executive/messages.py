"""Messages between the spacecraft's actors: small immutable values, all in one place.

Maps travel as tuples of (key, value) pairs because pykka does not copy messages: nothing
mutable may cross from one actor's thread to another's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pykka import ActorRef

from flightsw.subsystems.base import Request
from flightsw.subsystems.events import Event

Pairs = tuple[tuple[str, Any], ...]


# -- executive -> subsystem ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Tick:
    """Advance from `time_s` by `dt_s`; answered with a TickReport."""

    time_s: float
    dt_s: float


@dataclass(frozen=True, slots=True)
class TickRun:
    """Step once to each of `ends_s`, `dt_s` at a time, with the same inputs; answered with a
    RunReport.

    The executive sends it when the same subsystems, and only they, step in several ticks in a
    row and none of them reads what the others publish: one message instead of one per tick
    (each wakes a thread, which costs more than the physics).
    """

    ends_s: tuple[float, ...]
    dt_s: float


@dataclass(frozen=True, slots=True)
class Rewind:
    """Go back to the state after tick `index` of the last TickRun (the executive keeps fewer)."""

    index: int


@dataclass(frozen=True, slots=True)
class ExecuteCommand:
    """Carry out a subsystem command; answered with a CommandReport."""

    command: str
    args: Pairs
    time_s: float


@dataclass(frozen=True, slots=True)
class InjectFault:
    fault: str
    params: Pairs
    time_s: float


@dataclass(frozen=True, slots=True)
class ClearFault:
    fault: str
    time_s: float


@dataclass(frozen=True, slots=True)
class InjectCrash:
    """Make the actor's next tick raise, as a software fault would (a sim-port test hook)."""


@dataclass(frozen=True, slots=True)
class GetState:
    """Answered with the subsystem's current (frozen) state."""


@dataclass(frozen=True, slots=True)
class GetHousekeeping:
    """Answered with the housekeeping parameters as Pairs, now rather than at the next period."""


@dataclass(frozen=True, slots=True)
class SetHousekeepingPeriod:
    period_s: float


# -- subsystem -> executive (future values) --------------------------------------------------


@dataclass(frozen=True, slots=True)
class TickReport:
    """What a subsystem did in one tick: its new state, housekeeping if due, and events."""

    subsystem: str
    state: Any
    housekeeping: Pairs | None
    events: tuple[Event, ...]
    requests: tuple[Request, ...] = ()
    published: Pairs = ()  # what the tick publishes: the executive hands it to the bus


@dataclass(frozen=True, slots=True)
class RunReport:
    """The ticks of a TickRun, in order; `error` is what stopped it after them, if anything."""

    ticks: tuple[TickReport, ...]
    error: BaseException | None = None


@dataclass(frozen=True, slots=True)
class CommandReport:
    """The outcome of an ExecuteCommand or a fault injection; `code` is a PUS error code."""

    ok: bool
    events: tuple[Event, ...] = ()
    code: int = 0
    reason: str = ""
    requests: tuple[Request, ...] = ()
    state: Any = None  # the subsystem's state after a command it carried out


# -- software bus ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Publish:
    """New values of topics, in order: the executive's, once per tick at most, for everyone."""

    values: Pairs


@dataclass(frozen=True, slots=True)
class Subscribe:
    """Deliver topics matching `patterns` to `subscriber`, starting with their retained values."""

    name: str
    patterns: tuple[str, ...]
    subscriber: ActorRef[Any]


@dataclass(frozen=True, slots=True)
class BusDelivery:
    """The latest values of the topics a subscriber follows, as (topic, value) pairs."""

    values: Pairs


@dataclass(frozen=True, slots=True)
class Sync:
    """Deliver what is pending to the subscribers named in `due` (all when None), then answer.

    The executive names the subsystems that step in the next tick: a subsystem in a slow rate
    group gets the latest value of each topic once, just before it needs it, instead of every
    intermediate value (each delivery wakes a thread, which costs more than the physics).
    """

    due: frozenset[str] | None = None


# -- downlink ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OutgoingPacket:
    """A TM packet to encode and send: its APID, generation time and typed body."""

    apid: int
    time_s: float
    message: Any
    record: bool = True  # False for recorder playback, which must not be recorded again


@dataclass(frozen=True, slots=True)
class SendBatch:
    """Encode, record and send these packets in order, as one message; answered with what has
    been sent so far (`DownlinkSent`)."""

    packets: tuple[OutgoingPacket, ...]


@dataclass(frozen=True, slots=True)
class DownlinkSent:
    """What the downlink has sent so far: messages (each a batch in transfer frames), packets."""

    messages: int
    packets: int


@dataclass(frozen=True, slots=True)
class LinkCounters:
    """Answered with the downlink's counters."""


@dataclass(frozen=True, slots=True)
class RecorderWindow:
    """Answered with the recorded frames generated in [start_s, end_s], as a tuple."""

    start_s: float
    end_s: float


@dataclass(frozen=True, slots=True)
class RecorderDelete:
    """Delete recorded frames older than `before_s`; answered with the count deleted."""

    before_s: float


@dataclass(frozen=True, slots=True)
class RecorderStatus:
    """Answered with the recorder's fill state (a dict)."""
