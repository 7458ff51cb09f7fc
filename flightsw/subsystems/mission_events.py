"""Mission events: state changes seen on the bus, and scheduled milestones, kept on a timeline.

Each step compares what the bus carries with what the model saw last and records every edge as
an event and a timeline entry:

    burn        propulsion.status thrusting false→true (burn_start) and true→false (burn_end)
    insertion   orbit_insertion: after a burn has ended, the first navigation fix whose altitude
                lies within the configured band (once per mission; off without `insertion`)
    scheduled   `[[scheduled]]` entries, each once, when mission time reaches its time_s
    docking     docking.status phase entering contact or captured (docking_contact,
                docking_captured) or hard_docked, and docked true→false (undocked)
    safe_mode   fdir.mode entering (safe_mode_entry) or leaving (safe_mode_exit) "safe"
    abort       fdir.mode entering "abort"
    eclipse     navigation illumination falling below, or rising above, one half
    link        comms.status link_up edges (aos / los)

The first value seen on a topic only sets the baseline: starting in eclipse is not an eclipse
entry. Bus edges are stamped with the step's start time (the bus carries values published at the
end of the previous step); scheduled entries with their own time. Safe-mode and abort events are
MEDIUM, the rest INFO unless a scheduled entry says otherwise. The timeline keeps the last
`timeline_length` entries; counts and the total survive `timeline_clear`.

Keys of `[subsystems.mission_events]` (all optional):

    timeline_length = 100
    [subsystems.mission_events.insertion]
    target_altitude_km = 400.0
    tolerance_km = 10.0
    [[subsystems.mission_events.scheduled]]
    time_s = 600.0
    name = "stage_separation"
    message = "stage separation confirmed"
    severity = "info"      # info, low, medium or high
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from flightsw.config.mission_context import MissionContext
from flightsw.config.section import REQUIRED, Section
from flightsw.icd.cuc import MAX_MISSION_TIME_S
from flightsw.icd.dictionary import CommandSpec
from flightsw.icd.fields import TEXT_CHARS
from flightsw.icd.services import Severity
from flightsw.subsystems.base import Outcome, Subsystem
from flightsw.subsystems.events import Event, event
from flightsw.subsystems.telemetry import TelemetryPoint, point
from flightsw.subsystems.topics import (
    COMMS,
    DOCKING,
    MAX_ALTITUDE_KM,
    MODE,
    NAVIGATION,
    PROPULSION,
    CommsStatus,
    DockingStatus,
    ModeStatus,
    NavigationFix,
    PropulsionStatus,
)

KINDS = ("burn", "insertion", "scheduled", "docking", "safe_mode", "abort", "eclipse", "link")
DOCKING_MILESTONES = {
    "contact": "docking_contact",
    "captured": "docking_captured",
    "hard_docked": "hard_docked",
}
SEVERITIES = {s.name.lower(): s for s in Severity}
NO_EVENT_TIME_S = -1.0  # last_event_time_s before the first event
MAX_SCHEDULED = 1000  # scheduled milestones in a config


@dataclass(frozen=True, slots=True)
class Scheduled:
    """A milestone announced when mission time reaches it."""

    time_s: float
    name: str
    message: str
    severity: Severity = Severity.INFO


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One line of the onboard timeline."""

    time_s: float
    kind: str
    name: str
    message: str


@dataclass(frozen=True, slots=True)
class Seen:
    """The last value seen of everything watched; None until the topic first appears."""

    thrusting: bool | None = None
    docking_phase: str | None = None
    docked: bool | None = None
    mode: str | None = None
    dark: bool | None = None
    link_up: bool | None = None


@dataclass(frozen=True, slots=True)
class MissionEventsState:
    """Baselines, progress through the schedule, the timeline and the counts."""

    seen: Seen = Seen()
    next_scheduled: int = 0  # index of the first scheduled entry not yet announced
    insertion_armed: bool = False  # a burn has ended since the mission started
    insertion_done: bool = False
    timeline: tuple[TimelineEntry, ...] = ()
    counts: tuple[int, ...] = (0,) * len(KINDS)  # per kind, in KINDS order
    events_total: int = 0
    last_name: str = ""
    last_time_s: float = NO_EVENT_TIME_S


Edge = tuple[str, Event]  # kind and the event


def count_point(index: int, kind: str) -> TelemetryPoint[MissionEventsState]:
    """How many events of `kind` (at `index` in KINDS) there have been."""
    return point(f"{kind}_events", "", f"{kind} events since launch",
                 lambda s: s.counts[index], "int")  # fmt: skip


POINTS: tuple[TelemetryPoint[MissionEventsState], ...] = (
    point("events_total", "", "mission events since launch", lambda s: s.events_total, "int"),
    point("last_event", "", "name of the latest mission event", lambda s: s.last_name, "str"),
    point("last_event_time_s", "s", "mission time of the latest event, -1 before any",
          lambda s: s.last_time_s),
    point("timeline_length", "", "entries held on the timeline", lambda s: len(s.timeline), "int"),
    *(count_point(i, kind) for i, kind in enumerate(KINDS)),
)  # fmt: skip


class MissionEventsModel(Subsystem[MissionEventsState]):
    """Edge detection over the bus, a mission schedule, and a bounded onboard timeline."""

    name: ClassVar[str] = "mission_events"
    subscribes = (PROPULSION, NAVIGATION, DOCKING, MODE, COMMS)
    commands = (CommandSpec("timeline_clear", "Empty the onboard timeline (counts are kept)"),)
    telemetry_points = POINTS

    def __init__(
        self,
        context: MissionContext,
        scheduled: tuple[Scheduled, ...] = (),
        insertion_band_m: tuple[float, float] | None = None,
        timeline_length: int = 100,
    ) -> None:
        self.context = context
        self.scheduled = tuple(sorted(scheduled, key=lambda s: s.time_s))
        self.insertion_band_m = insertion_band_m
        self.timeline_length = timeline_length

    @classmethod
    def from_config(cls, section: Section, context: MissionContext) -> MissionEventsModel:
        """Read `[subsystems.mission_events]` (keys in the module docstring)."""
        scheduled = tuple(
            Scheduled(
                time_s=table.float("time_s", REQUIRED, 0.0, MAX_MISSION_TIME_S, "s"),
                name=table.str("name"),
                message=table.str("message", "", max_chars=TEXT_CHARS),
                severity=SEVERITIES[table.str("severity", "info", tuple(SEVERITIES))],
            )
            for table in section.sections("scheduled", MAX_SCHEDULED)
        )
        band = None
        if section.has("insertion"):
            insertion = section.section("insertion")
            target_m = 1e3 * insertion.float(
                "target_altitude_km", REQUIRED, 0.0, MAX_ALTITUDE_KM, "km"
            )
            tolerance_m = 1e3 * insertion.float("tolerance_km", 10.0, 0.0, MAX_ALTITUDE_KM, "km")
            band = (target_m - tolerance_m, target_m + tolerance_m)
        return cls(
            context,
            scheduled,
            band,
            section.int("timeline_length", 100, minimum=1, maximum=10_000, unit="entries"),
        )

    # -- the Subsystem contract ----------------------------------------------------------------

    def initial_state(self) -> MissionEventsState:
        return MissionEventsState()

    def step(
        self, state: MissionEventsState, time_s: float, dt_s: float, inputs: Mapping[str, Any]
    ) -> Outcome[MissionEventsState]:
        seen, edges = state.seen, []
        armed, done = state.insertion_armed, state.insertion_done
        propulsion = inputs.get(PROPULSION)
        if isinstance(propulsion, PropulsionStatus):
            edges.extend(_burn(seen.thrusting, propulsion))
            armed = armed or bool(seen.thrusting and not propulsion.thrusting)
            seen = replace(seen, thrusting=propulsion.thrusting)
        fix = inputs.get(NAVIGATION)
        if isinstance(fix, NavigationFix):
            edges.extend(_eclipse(seen.dark, fix))
            seen = replace(seen, dark=fix.in_eclipse)
            if armed and not done and not seen.thrusting and self._in_band(fix.altitude_m):
                done = True
                text = f"orbit insertion at {fix.altitude_m / 1e3:.1f} km"
                insertion = event("orbit_insertion", Severity.INFO, text, altitude_m=fix.altitude_m)
                edges.append(("insertion", insertion))
        docking = inputs.get(DOCKING)
        if isinstance(docking, DockingStatus):
            edges.extend(_docking(seen, docking))
            seen = replace(seen, docking_phase=docking.phase, docked=docking.docked)
        mode = inputs.get(MODE)
        if isinstance(mode, ModeStatus):
            edges.extend(_mode(seen.mode, mode.mode))
            seen = replace(seen, mode=mode.mode)
        comms = inputs.get(COMMS)
        if isinstance(comms, CommsStatus):
            edges.extend(_link(seen.link_up, comms.link_up))
            seen = replace(seen, link_up=comms.link_up)
        stamped = [(time_s, kind, e) for kind, e in edges]
        following = state.next_scheduled
        while following < len(self.scheduled) and self.scheduled[following].time_s <= time_s + dt_s:
            s = self.scheduled[following]
            text = s.message or s.name
            stamped.append(
                (s.time_s, "scheduled", event(s.name, s.severity, text, time_s=s.time_s))
            )
            following += 1
        new = replace(
            state, seen=seen, next_scheduled=following, insertion_armed=armed, insertion_done=done
        )
        return Outcome(self._record(new, stamped), tuple(e for _, _, e in stamped))

    def _in_band(self, altitude_m: float) -> bool:
        if self.insertion_band_m is None:
            return False
        low_m, high_m = self.insertion_band_m
        return low_m <= altitude_m <= high_m

    def _record(
        self, state: MissionEventsState, stamped: list[tuple[float, str, Event]]
    ) -> MissionEventsState:
        """`state` with the stamped events on its timeline and in its counts."""
        if not stamped:
            return state
        entries = tuple(TimelineEntry(t, kind, e.name, e.message) for t, kind, e in stamped)
        counts = list(state.counts)
        for _, kind, _ in stamped:
            counts[KINDS.index(kind)] += 1
        return replace(
            state,
            timeline=(*state.timeline, *entries)[-self.timeline_length :],
            counts=tuple(counts),
            events_total=state.events_total + len(stamped),
            last_name=entries[-1].name,
            last_time_s=entries[-1].time_s,
        )

    def execute(
        self, state: MissionEventsState, command: str, args: Mapping[str, Any]
    ) -> Outcome[MissionEventsState]:
        if command == "timeline_clear":
            return Outcome(replace(state, timeline=()))
        return super().execute(state, command, args)


def _burn(was_thrusting: bool | None, status: PropulsionStatus) -> list[Edge]:
    if was_thrusting is None or status.thrusting == was_thrusting:
        return []
    name = "burn_start" if status.thrusting else "burn_end"
    text = "engine ignition" if status.thrusting else "engine cut-off"
    return [("burn", event(name, Severity.INFO, text, burns=status.burn_count))]


def _link(was_up: bool | None, up: bool) -> list[Edge]:
    if was_up is None or up == was_up:
        return []
    if up:
        return [("link", event("aos", Severity.INFO, "acquisition of signal"))]
    return [("link", event("los", Severity.INFO, "loss of signal"))]


def _eclipse(was_dark: bool | None, fix: NavigationFix) -> list[Edge]:
    dark = fix.in_eclipse
    if was_dark is None or dark == was_dark:
        return []
    if dark:
        return [("eclipse", event("eclipse_entry", Severity.INFO, "entering eclipse"))]
    return [("eclipse", event("eclipse_exit", Severity.INFO, "leaving eclipse"))]


def _docking(seen: Seen, status: DockingStatus) -> list[Edge]:
    edges: list[Edge] = []
    if seen.docking_phase is not None and status.phase != seen.docking_phase:
        name = DOCKING_MILESTONES.get(status.phase)
        if name:
            text = f"docking: {status.phase.replace('_', ' ')}"
            edges.append(("docking", event(name, Severity.INFO, text, range_m=status.range_m)))
    if seen.docked and not status.docked:
        edges.append(("docking", event("undocked", Severity.INFO, "undocked")))
    return edges


def _mode(was: str | None, mode: str) -> list[Edge]:
    if was is None or mode == was:
        return []
    edges: list[Edge] = []
    if was == "safe":
        edges.append(
            ("safe_mode", event("safe_mode_exit", Severity.MEDIUM, f"safe mode exit to {mode}"))
        )
    if mode == "safe":
        edges.append(("safe_mode", event("safe_mode_entry", Severity.MEDIUM, "safe mode entered")))
    elif mode == "abort":
        edges.append(("abort", event("abort", Severity.MEDIUM, f"abort from {was}")))
    return edges
