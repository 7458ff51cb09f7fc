"""The ground's status as a client reads it: mission time, link, ingest, alarm and command counts."""

from __future__ import annotations

import msgspec

from ground.api.display import mission_time


class IngestCounts(msgspec.Struct, frozen=True):
    """What came down: transfer frames (and those the frame count says were lost), packets
    (`frames`) taken in, refused (by reason, either kind), and the sequence gaps seen."""

    frames: int
    good: int
    refused: int
    refused_by_reason: dict[str, int]
    gaps: int
    frames_missing: int
    refused_archived: int = 0  # refused frames archived in full; the rest are counted only
    transfer_frames: int = 0
    transfer_frames_refused: int = 0  # among `refused`: whole frames, not packets
    transfer_frames_lost: int = 0  # by the virtual channel frame count
    octets_dropped: int = 0  # of packets cut by a lost transfer frame


class TruthCounts(msgspec.Struct, frozen=True):
    """Truth messages off the truth feed, and those refused because they did not decode."""

    received: int
    refused: int
    refused_by_reason: dict[str, int]
    last_refusal: str  # what was wrong with the latest refused, "" if none


class ChannelStatus(msgspec.Struct, frozen=True):
    """The space link as the ground's channel model has it now."""

    one_way_light_time_s: float
    range_m: float | None  # None until the truth feed has given one
    station_visible: bool
    signal: bool  # the spacecraft's signal closes the link
    last_contact_s: float | None
    lost_down: int
    lost_up: int
    corrupted_down: int
    corrupted_up: int
    downlink_backlog_s: float
    blackouts: list[tuple[float, float]]  # (start_s, end_s) of each window


class ControlCounts(msgspec.Struct, frozen=True):
    """Control API requests taken, and those refused (by reason: `ground.api.CONTROL_REASONS`);
    connections to the control API and live feed refused for an unknown key."""

    requests: int
    refused: int
    refused_by_reason: dict[str, int]
    connections_refused: int = 0


class PlaybackCounts(msgspec.Struct, frozen=True):
    """Frames from recorder dumps: new to the ground, or already received live."""

    recovered: int
    duplicates: int


class RecoveryStatus(msgspec.Struct, frozen=True, kw_only=True):
    """A ground that picked its run up again, getting back what it missed while it was down.

    `missing` frames of the segment were not in the archive when it came back, made in
    `start_s` .. `end_s`; a dump of the onboard recorder brings them down. Once `done`, `lost`
    says how many the recorder no longer held (0: nothing lost).
    """

    segment: int
    start_s: float
    end_s: float
    missing: int
    done: bool
    lost: int


class ReplayStatus(msgspec.Struct, frozen=True):
    """What a replay re-reads (`of`), where it writes, how fast, and how many frames so far."""

    of: str
    archive: str
    speed: float
    frames: int


class Silence(msgspec.Struct, frozen=True, kw_only=True):
    """The spacecraft has gone silent: when it last spoke, and how the ground noticed."""

    since_s: float | None  # mission time of the last word heard; None: none since the ground began
    cause: str  # "no word for 5 s of wall time", "its connection to the sim port dropped"

    @property
    def since(self) -> str:
        """The last word's mission time as an operator reads it (`T+1,234.0 s`)."""
        return "the ground began" if self.since_s is None else mission_time(self.since_s)

    def __str__(self) -> str:
        return f"the spacecraft has been silent since {self.since} ({self.cause})"


class ArchiveStatus(msgspec.Struct, frozen=True, kw_only=True):
    """The run's archive: whether it can be written, and what waits in memory to be."""

    path: str
    writable: bool  # the latest commit succeeded (or none has failed yet)
    problem: str  # what failed and what to do; "" while writable
    failing_since_s: float | None  # mission time of the first failed commit, None while writable
    rows_held: int  # accepted, not in the file yet
    bytes_held: int
    hold_rows: int  # what may be held before the ground saves it to a spill file and stops
    hold_bytes: int
    rows_written_late: int  # over the run: rows committed by a retry after a failure


class GroundStatus(msgspec.Struct, frozen=True, kw_only=True):
    """Everything `status` tells: where mission time is, the link, and what came down."""

    mission: str
    time_s: float
    one_way_light_time_s: float
    range_m: float | None
    in_flight_down: int  # frames on their way down (light time)
    last_frame_s: float | None
    ingest: IngestCounts
    truth: TruthCounts
    channel: ChannelStatus
    playback: PlaybackCounts
    events: int  # event reports received
    commands_pending: int
    alarms_active: int
    segment: int = 1  # which spacecraft of the run: a new one (restarted, replaced) is the next
    recovery: RecoveryStatus | None = None  # since the ground picked its run up again
    control: ControlCounts = ControlCounts(0, 0, {})
    replay: ReplayStatus | None = None  # only when the ground is a replay
    silence: Silence | None = None  # while the spacecraft is silent
    archive: ArchiveStatus | None = None  # None only from a ground that does not say
