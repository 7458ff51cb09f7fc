"""The live feed: one frozen struct per topic, published by the ground as things happen.

On the wire each is a two-part ZeroMQ message: the topic (so a subscriber may filter on it),
then the msgpack map of the struct, which carries its topic too (`topic`, the tag), so a body
decodes on its own. The feed is a view for consoles; the archive has everything.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

from flightsw.icd import Scalar, ScheduleReport, StoreStatus
from ground.api.records import AlarmEntry, Command, Event
from ground.api.status import Silence
from ground.vocabulary import CommandStatus, QueueState, RuleState


class FeedEvent(msgspec.Struct, frozen=True, kw_only=True, tag_field="topic"):
    """Something the ground publishes; subclasses are tagged with their topic."""

    @classmethod
    def topic(cls) -> str:
        return str(cls.__struct_config__.tag)


class TelemetryArrived(FeedEvent, frozen=True, kw_only=True, tag="tm"):
    """A housekeeping report (or a TC[20,1] answer) of a subsystem, at its on-board time."""

    time_s: float
    subsystem: str
    params: dict[str, Scalar]


class EventArrived(FeedEvent, frozen=True, kw_only=True, tag="event"):
    """An event report reached the ground."""

    event: Event


class AlarmChanged(FeedEvent, frozen=True, kw_only=True, tag="alarm"):
    """An alarm was triggered, escalated, acknowledged, shelved, returned or cleared."""

    entry: AlarmEntry


class RuleChanged(FeedEvent, frozen=True, kw_only=True, tag="limits"):
    """A rule changed state: its parameter went beyond a limit or back, or went stale.

    What a display colours a value by; the alarm it raises (or not: persistence, shelving)
    comes as `alarm`.
    """

    time_s: float
    rule: str
    parameter: str | None  # None for a combination of rules
    state: RuleState
    value: Scalar | None


class CommandStaged(FeedEvent, frozen=True, kw_only=True, tag="command"):
    """A command reached a stage (queued, sent, accepted, ..., refused) at `time_s`."""

    time_s: float
    stage: CommandStatus
    command: Command
    release_s: float | None = None  # a time-tagged command's release time, when scheduled


class QueueChanged(FeedEvent, frozen=True, kw_only=True, tag="queue"):
    """The command queue was enabled, blocked or disabled; `held` commands wait in it."""

    time_s: float
    state: QueueState
    held: int


class LinkChanged(FeedEvent, frozen=True, kw_only=True, tag="link"):
    """Acquisition or loss of the spacecraft's signal at the ground station."""

    time_s: float
    change: Literal["aos", "los"]
    text: str


class SequenceGap(FeedEvent, frozen=True, kw_only=True, tag="gap"):
    """Frames of an APID were missing from the sequence when one arrived."""

    time_s: float
    apid: int
    missing: int


class PongArrived(FeedEvent, frozen=True, kw_only=True, tag="pong"):
    """A TM[17,2] answered a ping."""

    time_s: float
    apid: int


class DumpArrived(FeedEvent, frozen=True, kw_only=True, tag="dump"):
    """A part of a recorder dump (TM[15,16]) arrived, with `frames` frames in it."""

    time_s: float
    part: int
    parts: int
    frames: int


class ReportArrived(FeedEvent, frozen=True, kw_only=True, tag="report"):
    """An on-board report arrived: a schedule report (TM[11,10]) or a store status (TM[15,13])."""

    time_s: float
    schedule: ScheduleReport | None = None
    store: StoreStatus | None = None


class FaultInjected(FeedEvent, frozen=True, kw_only=True, tag="injection"):
    """A fault was injected or cleared through the sim port."""

    time_s: float
    subsystem: str
    fault: str
    action: Literal["inject", "clear"]
    params: dict[str, Any]


class BlackoutAdded(FeedEvent, frozen=True, kw_only=True, tag="blackout"):
    """A blackout window (no link either way) was put on the channel."""

    time_s: float
    start_s: float
    end_s: float


class FrameRefused(FeedEvent, frozen=True, kw_only=True, tag="frame_refused"):
    """A downlink frame failed a check (docs/icd.md §6) and was archived as refused (under a
    flood, the first of each reason in a window; the rest come in `FramesRefusedSummary`)."""

    time_s: float
    reason: str
    detail: str


class SilenceChanged(FeedEvent, frozen=True, kw_only=True, tag="silence"):
    """The spacecraft fell silent (`silence`), or was heard again (`silence` None)."""

    time_s: float
    silence: Silence | None
    text: str


class FramesRefusedSummary(FeedEvent, frozen=True, kw_only=True, tag="frames_refused"):
    """Downlink frames refused in the last window and not published one by one (docs/icd.md §6)."""

    time_s: float
    by_reason: dict[str, int]


FEED_EVENT_TYPES: tuple[type[FeedEvent], ...] = (
    TelemetryArrived, EventArrived, AlarmChanged, CommandStaged, QueueChanged, LinkChanged,
    SequenceGap, PongArrived, DumpArrived, ReportArrived, FaultInjected, BlackoutAdded,
    FrameRefused, SilenceChanged, FramesRefusedSummary, RuleChanged,
)  # fmt: skip
"""Every topic of the live feed."""
