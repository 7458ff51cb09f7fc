"""Refused downlink frames: which are archived and published in full, and the summary of the rest.

Every refused frame is counted by the ingest checks, whatever happens here. Its octets are
evidence an operator may want, but a flood must not fill the disk: per window of mission time
(docs/icd.md §6) the first `KEPT_PER_REASON` of each reason, within `KEPT_OCTETS` in all, are
archived (frame, reason, detail) and published; the rest are told in one `frames_refused` event
when the window closes, archived as a ground event, logged and published.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flightsw.icd import FrameError, Packet, RefusalReporter
from ground.api import FeedEvent, FrameRefused, FramesRefusedSummary
from ground.archive.store import Archive

log = logging.getLogger("ground.process.service")

KEPT_PER_REASON = 20
"""Refused frames of one reason archived in full (octets and all) per refusal window."""
KEPT_OCTETS = 256 << 10
"""Octets of refused frames archived in full per refusal window, all reasons together: under a
flood the archive grows by at most this much a minute (360 MiB a day), plus one summary row."""


class RefusedFrames:
    """Archive, publish and log refused frames within the window's budget; summarise the rest."""

    def __init__(self, archive: Archive, publish: Callable[[FeedEvent], None]) -> None:
        self.archive = archive
        self.publish = publish
        self.reporter = RefusalReporter(KEPT_PER_REASON, octets_per_window=KEPT_OCTETS)

    @property
    def archived(self) -> int:
        """Refused frames archived in full so far."""
        return self.reporter.reported

    def refuse(self, frame: bytes, error: FrameError, packet: Packet | None, now_s: float) -> None:
        """A frame refused at `now_s`: archived and published if it is among those kept."""
        if not self.reporter.admit(error.reason, now_s, len(frame)):
            return
        if self.reporter.first_in_window(error.reason):
            log.warning("downlink frame refused (%s): %s", error.reason, error.detail)
        self.archive.record_frame(
            now_s,
            frame,
            ok=False,
            reason=f"{error.reason}: {error.detail}",
            generated_s=packet.time_s if packet else None,
            apid=packet.apid if packet else None,
            seq=packet.seq if packet else None,
        )
        self.publish(FrameRefused(time_s=now_s, reason=error.reason, detail=error.detail))

    def summarise(self, now_s: float) -> None:
        """As time moves: once a window has closed, tell the refusals it did not keep."""
        summary = self.reporter.summary(now_s)
        if summary is None:
            return
        by_reason = dict(summary.by_reason)
        message = f"downlink frames refused, not archived: {summary.text()}"
        self.archive.record_event(
            now_s, "ground", "frames_refused", 2, message, by_reason, received_s=now_s
        )
        log.warning("%s", message)
        self.publish(FramesRefusedSummary(time_s=now_s, by_reason=by_reason))
