"""Why a check failed, told the way an operator would want to read it: what was awaited, what
arrived instead, and the mission time."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ground.api import mission_time
from ground.testkit.records import Alarm, Event, Sample

SHOWN_SAMPLES = 8
SHOWN_EVENTS = 12


def explain(
    headline: str,
    *,
    window: tuple[float, float] | None = None,
    now_s: float | None = None,
    samples: Sequence[Sample] | None = None,
    samples_of: str = "",
    events: Iterable[Event] | None = None,
    alarms: Iterable[Alarm] | None = None,
    hints: Iterable[str] = (),
) -> str:
    """A multi-line failure message; sections without content are left out."""
    lines = [headline]
    if window is not None:
        start_s, end_s = window
        lines.append(
            f"  window: {mission_time(start_s)} .. {mission_time(end_s)} "
            f"({end_s - start_s:g} s of mission time)"
        )
    if samples is not None:
        shown = list(samples)[-SHOWN_SAMPLES:]
        if shown:
            more = len(samples) - len(shown)
            heading = f"  last {len(shown)} values of {samples_of}"
            lines.append(heading + (f" (of {len(samples)}):" if more else ":"))
            lines.extend(f"    {sample}" for sample in shown)
        else:
            lines.append(f"  no value of {samples_of} arrived in the window")
    if events is not None:
        listed = list(events)
        if listed:
            lines.append(f"  events in the window ({len(listed)}):")
            lines.extend(f"    {event}" for event in listed[-SHOWN_EVENTS:])
        else:
            lines.append("  no events in the window")
    if alarms is not None:
        active = list(alarms)
        if active:
            lines.append("  active alarms:")
            lines.extend(f"    {alarm}" for alarm in active)
    lines.extend(f"  {hint}" for hint in hints)
    if now_s is not None:
        lines.append(f"  mission time now: {mission_time(now_s)}")
    return "\n".join(lines)
