"""Runs of ticks: when the executive may fly several ticks with one message per subsystem.

In most ticks of a mission only the fast rate group steps (docking and propulsion every second,
while ten others step every ten): one TickRun to each of them for the nine ticks in between
costs two thread wake-ups instead of eighteen, and a wake-up costs more than their physics.
The result must be the one the ticks would give one at a time, so a run is planned only where
nothing could tell the difference, and cut short where something turns out to.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flightsw.executive.bus_inputs import PendingInputs
from flightsw.executive.messages import TickReport
from flightsw.time_grid import at_or_before

# Ticks a run may span: the work a cut may throw away (it rewinds the actors) stays small.
MAX_RUN_TICKS = 100


def plan_run(
    first_s: float,
    tick_s: float,
    target_s: float,
    deadline_s: float,
    same_due: Callable[[float], bool],
) -> list[float]:
    """The ticks, from `first_s` on, that may be flown as one run.

    Each next tick (the previous plus `tick_s`, summed as the executive sums them) must be no
    later than `target_s`, come before `deadline_s` (the next telecommand or scheduled activity,
    which runs before a tick at the same time), and have the same subsystems due as `first_s`.
    """
    ends_s = [first_s]
    end_s = first_s
    while len(ends_s) < MAX_RUN_TICKS:
        end_s = end_s + tick_s
        if (
            not at_or_before(end_s, target_s)
            or at_or_before(deadline_s, end_s)
            or not same_due(end_s)
        ):
            break
        ends_s.append(end_s)
    return ends_s


def feeds_itself(reports: Iterable[TickReport], inputs: PendingInputs) -> bool:
    """Whether a subsystem of the run follows a topic that one of them has just published.

    One tick at a time, it would step with that value at the next tick; in a run it would not.
    """
    reports = list(reports)
    names = [report.subsystem for report in reports]
    return any(
        inputs.follows(name, topic)
        for report in reports
        for topic, _ in report.published
        for name in names
    )
