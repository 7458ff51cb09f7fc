"""Another spacecraft under a running ground: the next segment of the run, judged afresh.

A spacecraft process restarted, or replaced, flies from its own T+0 with sequence counts from
0. Taken as the same spacecraft, its frames were sequence gaps, its times went back into the
old one's, and the old one's alarms and commands waited for an answer that would never come.
`begin_segment` closes the old spacecraft's part of the run and opens the next: the frames of
the old one still on their way down are delivered (they were sent), its alarms are cleared and
the commands sent to it interrupted, all in the old segment; then the archive starts the next
segment and the ground's picture of the spacecraft starts again: clock, sequence counts,
de-duplication, latest values, rule states and the link. Commands the blocked queue holds stay
held, for the new spacecraft. An event `ground.new_segment` says what happened and why.
"""

from __future__ import annotations

import copy

from flightsw.clock import wall_utc
from ground.link.channel import DelayLine
from ground.link.ingest import SeenFrames
from ground.process.service import GroundService

NEW_SEGMENT = "new_segment"  # the event's name


def begin_segment(service: GroundService, start_s: float, reason: str) -> int:
    """Close the flying spacecraft's segment and open the next at its mission time `start_s`.

    Returns the new segment's number.
    """
    last_due_s = service.downlink.last_due_s()
    if last_due_s is not None and last_due_s > service.now_s:
        service.advance(last_due_s)  # the old spacecraft's frames still on their way arrive
    service.judge_landed()  # by the rules of the spacecraft that sent them, in its segment
    old = service.archive.segment
    end_s = service.now_s
    why = f"segment {old} ended at T+{end_s:.1f} s: {reason}"
    service.record_alarms(service.alarms.clear_all(end_s, why))
    for update in service.commands.interrupt(end_s, why):
        service.record_stage(update)
    segment = service.archive.begin_segment(start_s, reason, wall_utc())
    _start_afresh(service, start_s)
    service.ground_event(
        NEW_SEGMENT,
        3,
        f"segment {segment} begins at T+{start_s:.1f} s: {reason} (segment {old} ended at "
        f"T+{end_s:.1f} s)",
        {"segment": segment, "previous_end_s": end_s},
    )
    service.archive.flush()
    return segment


def _start_afresh(service: GroundService, start_s: float) -> None:
    """The ground's picture of the spacecraft, as before its first frame; counters stay."""
    service.now_s = start_s
    service.downlink = DelayLine()
    service.checks.restart()
    service.deframer.restart()
    service.seen = SeenFrames(service.seen.capacity)
    service.latest_reports.clear()
    service.answered.clear()
    service.last_frame_s = None
    service.schedule_report = None
    service.store_status = None
    service.recovery = None
    service.rules = copy.deepcopy(service.pristine_rules)
    service.channel.restart()
