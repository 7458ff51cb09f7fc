"""Mission events: bus edges and the schedule turned into events on a bounded timeline."""

from __future__ import annotations

from typing import Any

import pytest

from flightsw.config.mission_context import MissionContext
from flightsw.config.section import Section
from flightsw.errors import ConfigError
from flightsw.icd.services import Severity
from flightsw.physics.constants import EARTH_RADIUS_M
from flightsw.subsystems.mission_events import MissionEventsModel, MissionEventsState
from flightsw.subsystems.topics import (
    COMMS,
    DOCKING,
    MODE,
    NAVIGATION,
    PROPULSION,
    CommsStatus,
    DockingStatus,
    ModeStatus,
    NavigationFix,
    PropulsionStatus,
)

CONTEXT = MissionContext("test", 0.0, seed=1)
ZERO = (0.0, 0.0, 0.0)


def model(**keys: Any) -> MissionEventsModel:
    section = Section(keys, "test.toml", "subsystems.mission_events")
    return MissionEventsModel.from_config(section, CONTEXT)


def fix(altitude_km: float = 400.0, illumination: float = 1.0) -> NavigationFix:
    position = (EARTH_RADIUS_M + altitude_km * 1e3, 0.0, 0.0)
    return NavigationFix(
        0.0, position, ZERO, altitude_km * 1e3, illumination, 1.0, 0.0, "sun", True, 1e6
    )


def engine(thrusting: bool, burns: int = 0) -> PropulsionStatus:
    return PropulsionStatus(40.0, 50.0, 2000.0, thrusting, True, 150.0, burns)


def docking(phase: str, docked: bool = False) -> DockingStatus:
    return DockingStatus(phase, 0.0, 0.0, docked)


def play(
    m: MissionEventsModel, frames: list[dict[str, Any]], state: MissionEventsState | None = None
) -> tuple[MissionEventsState, list[tuple[str, Severity]]]:
    """Step once per frame of bus inputs, 10 s apart; the events raised, in order."""
    state = m.initial_state() if state is None else state
    raised: list[tuple[str, Severity]] = []
    for k, inputs in enumerate(frames):
        outcome = m.step(state, 10.0 * k, 10.0, inputs)
        state = outcome.state
        raised.extend((e.name, e.severity) for e in outcome.events)
    return state, raised


def names(raised: list[tuple[str, Severity]]) -> list[str]:
    return [name for name, _ in raised]


def test_a_burn_is_announced_at_ignition_and_cut_off() -> None:
    m = model()
    frames = [{PROPULSION: engine(t)} for t in (False, True, True, False)]
    state, raised = play(m, frames)
    assert names(raised) == ["burn_start", "burn_end"]
    hk = m.housekeeping(state)
    assert (hk["burn_events"], hk["events_total"], hk["last_event"]) == (2, 2, "burn_end")
    assert hk["last_event_time_s"] == 30.0  # the frame at 30 s shows the engine off


def test_the_first_value_seen_is_a_baseline_not_an_edge() -> None:
    m = model()
    _, raised = play(m, [{NAVIGATION: fix(illumination=0.0), PROPULSION: engine(True)}])
    assert raised == []


def test_orbit_insertion_follows_a_burn_into_the_target_band_once() -> None:
    m = model(insertion={"target_altitude_km": 400.0, "tolerance_km": 10.0})
    frames = [
        {PROPULSION: engine(False), NAVIGATION: fix(405.0)},  # in band, but before any burn
        {PROPULSION: engine(True), NAVIGATION: fix(300.0)},
        {PROPULSION: engine(False), NAVIGATION: fix(350.0)},  # burn over, not yet in band
        {PROPULSION: engine(False), NAVIGATION: fix(395.0)},
        {PROPULSION: engine(False), NAVIGATION: fix(400.0)},
    ]
    state, raised = play(m, frames)
    assert names(raised) == ["burn_start", "burn_end", "orbit_insertion"]
    assert m.housekeeping(state)["insertion_events"] == 1


def test_a_scheduled_stage_separation_is_announced_when_its_time_passes() -> None:
    m = model(
        scheduled=[{"time_s": 25.0, "name": "stage_separation", "message": "stage separated"}]
    )
    state = m.initial_state()
    for start_s in (0.0, 10.0):
        state = m.step(state, start_s, 10.0, {}).state
    assert m.housekeeping(state)["events_total"] == 0
    outcome = m.step(state, 20.0, 10.0, {})
    assert [e.name for e in outcome.events] == ["stage_separation"]
    assert outcome.state.timeline[-1].time_s == 25.0
    assert m.step(outcome.state, 30.0, 10.0, {}).events == ()


def test_docking_milestones_and_undocking_are_announced() -> None:
    m = model()
    phases = [
        docking("approach"),
        docking("final"),
        docking("contact"),
        docking("captured"),
        docking("hard_docked", docked=True),
        docking("undocking", docked=False),
    ]
    state, raised = play(m, [{DOCKING: p} for p in phases])
    assert names(raised) == ["docking_contact", "docking_captured", "hard_docked", "undocked"]
    assert m.housekeeping(state)["docking_events"] == 4


def test_safe_mode_and_abort_are_medium_severity() -> None:
    m = model()
    modes = ["nominal", "safe", "nominal", "abort"]
    _, raised = play(m, [{MODE: ModeStatus(mode, 0.0)} for mode in modes])
    assert raised == [
        ("safe_mode_entry", Severity.MEDIUM),
        ("safe_mode_exit", Severity.MEDIUM),
        ("abort", Severity.MEDIUM),
    ]


def test_eclipse_and_link_edges_are_informative() -> None:
    m = model()
    frames = [
        {NAVIGATION: fix(illumination=1.0), COMMS: CommsStatus(False, "low_gain", True, 0, 0, 0)},
        {NAVIGATION: fix(illumination=0.0), COMMS: CommsStatus(True, "low_gain", True, 0, 0, 0)},
        {NAVIGATION: fix(illumination=1.0), COMMS: CommsStatus(False, "low_gain", True, 0, 0, 0)},
    ]
    state, raised = play(m, frames)
    assert raised == [
        ("eclipse_entry", Severity.INFO),
        ("aos", Severity.INFO),
        ("eclipse_exit", Severity.INFO),
        ("los", Severity.INFO),
    ]
    hk = m.housekeeping(state)
    assert (hk["eclipse_events"], hk["link_events"]) == (2, 2)


def test_the_timeline_keeps_only_the_last_entries_and_clears_on_command() -> None:
    m = model(timeline_length=3)
    frames = [{PROPULSION: engine(k % 2 == 1)} for k in range(6)]  # five edges
    state, _ = play(m, frames)
    assert [entry.name for entry in state.timeline] == ["burn_start", "burn_end", "burn_start"]
    cleared = m.execute(state, "timeline_clear", {}).state
    hk = m.housekeeping(cleared)
    assert (hk["timeline_length"], hk["events_total"], hk["burn_events"]) == (0, 5, 5)


def test_a_scheduled_entry_with_an_unknown_severity_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="severity"):
        model(scheduled=[{"time_s": 1.0, "name": "x", "severity": "dire"}])
