"""A ground that picked its run up again gets back what it missed, or counts what is lost.

While the ground was down the spacecraft flew on, and its onboard recorder kept every frame it
made (a bounded store: the oldest is overwritten, and counted, when it is full). On coming
back, the ground compares what its archive holds of the segment with what the spacecraft says
it has made, APID by APID (`find_gap`), and asks the recorder for the interval it lacks (a
TC[15,9] dump). The dump's frames go through the ordinary playback path, which takes only the
frames it has not archived yet. Once the dump's command is done (completed, failed or timed
out), `Recovery.finish` counts again: what the archive still lacks was made while the ground
was down and is no longer onboard. That loss is an event with its interval, never silence.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from ground.api import RecoveryStatus
from ground.archive.store import Archive
from ground.commanding.tracker import TrackedCommand
from ground.process.attachment import Attachment

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Gap:
    """What the archive lacks of a segment's frames, per APID, and when they were made."""

    segment: int
    start_s: float  # the newest archived frame of the APID that lacks the oldest
    end_s: float  # where the spacecraft was when the ground came back
    generated: Mapping[int, int]  # frames the spacecraft had made, per APID
    archived: Mapping[int, int]  # of which the archive held, per APID

    @property
    def missing(self) -> dict[int, int]:
        return {
            apid: made - self.archived.get(apid, 0)
            for apid, made in sorted(self.generated.items())
            if made > self.archived.get(apid, 0)
        }

    @property
    def frames_missing(self) -> int:
        return sum(self.missing.values())


def find_gap(
    archive: Archive, segment: int, attachment: Attachment, segment_start_s: float
) -> Gap | None:
    """What `segment` of `archive` lacks of the frames the spacecraft `attachment` describes
    had made; None when it lacks nothing.

    The interval starts at the newest frame archived on the APID that lacks frames and was heard
    from longest ago (an APID never heard from: the segment's start): frames come down in the
    order they are made, so the missing ones were made after it.
    """
    archived = archive.frame_counts(segment)
    last = archive.last_frames(segment)
    lacking = [apid for apid, made in attachment.generated.items() if made > archived.get(apid, 0)]
    if not lacking:
        return None
    start_s = min(last[apid][1] if apid in last else segment_start_s for apid in lacking)
    return Gap(
        segment,
        min(start_s, attachment.time_s),
        attachment.time_s,
        MappingProxyType(dict(attachment.generated)),
        MappingProxyType(archived),
    )


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a recovery got back, and what it could not."""

    recovered: int
    lost: dict[int, int]  # per APID

    @property
    def frames_lost(self) -> int:
        return sum(self.lost.values())


class Recovery:
    """One gap on its way back down: the dump asked for, then the count of what still lacks."""

    def __init__(self, gap: Gap, command: TrackedCommand) -> None:
        self.gap = gap
        self.command = command
        self.outcome: Outcome | None = None

    @property
    def done(self) -> bool:
        return self.outcome is not None

    def due(self) -> bool:
        """Whether the dump's command is over (so every frame of the dump is in)."""
        return self.outcome is None and self.command.status.final

    def finish(self, archive: Archive) -> Outcome:
        """Count what the archive holds now of the frames made by the gap's end."""
        gap = self.gap
        held = archive.frame_counts(gap.segment, until_s=gap.end_s)
        lost = {
            apid: made - held.get(apid, 0)
            for apid, made in sorted(gap.generated.items())
            if made > held.get(apid, 0)
        }
        recovered = gap.frames_missing - sum(lost.values())
        self.outcome = Outcome(recovered, lost)
        return self.outcome

    def describe(self, outcome: Outcome, names: Mapping[int, str]) -> tuple[str, int, str]:
        """The event that closes the recovery: its name, severity (TM[5,x]) and text."""
        gap = self.gap
        interval = f"made between T+{gap.start_s:.1f} s and T+{gap.end_s:.1f} s"
        if not outcome.lost:
            return (
                "telemetry_recovered",
                1,
                f"all {gap.frames_missing} frames missed while the ground was down are archived "
                f"({interval})",
            )
        per_apid = ", ".join(
            f"{count} of {names.get(apid, f'APID {apid}')}" for apid, count in outcome.lost.items()
        )
        return (
            "telemetry_lost",
            3,
            f"{outcome.frames_lost} of the {gap.frames_missing} frames missed while the ground "
            f"was down are lost ({per_apid}), {interval}: the onboard recorder no longer held "
            f"them (see its capacity_frames); {outcome.recovered} came back",
        )

    def params(self, outcome: Outcome) -> dict[str, int | float]:
        """The numbers of the closing event, for whoever reads the archive."""
        return {
            "segment": self.gap.segment,
            "start_s": self.gap.start_s,
            "end_s": self.gap.end_s,
            "missing": self.gap.frames_missing,
            "recovered": outcome.recovered,
            "lost": outcome.frames_lost,
            **{f"lost_apid_{apid}": count for apid, count in outcome.lost.items()},
        }

    def status(self) -> RecoveryStatus:
        return RecoveryStatus(
            segment=self.gap.segment,
            start_s=self.gap.start_s,
            end_s=self.gap.end_s,
            missing=self.gap.frames_missing,
            done=self.done,
            lost=0 if self.outcome is None else self.outcome.frames_lost,
        )
