"""Docking: Clohessy–Wiltshire relative motion, V-bar approach guidance, capture and aborts."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from flightsw.config.mission_context import MissionContext
from flightsw.config.section import Section
from flightsw.errors import CommandError
from flightsw.icd.errorcodes import ErrorCode
from flightsw.physics.constants import EARTH_GM_M3_S2, EARTH_RADIUS_M
from flightsw.subsystems.docking.model import (
    DockingModel,
    DockingState,
    cw_propagate,
    cw_stm,
    cw_target_velocity,
)
from flightsw.subsystems.events import Event
from flightsw.subsystems.topics import DOCKING, NAVIGATION, DockingStatus, NavigationFix

LEO_400_KM_M = EARTH_RADIUS_M + 400e3
N_RAD_S = math.sqrt(EARTH_GM_M3_S2 / LEO_400_KM_M**3)  # ≈ 1.131e-3 rad/s (92.6 min orbit)
ORBIT_S = 2 * math.pi / N_RAD_S
ONE_CM = 0.01
ONE_MM = 0.001
TICK_S = 10.0


def model(**config: Any) -> DockingModel:
    section = Section(config, "mission.toml", "subsystems.docking")
    return DockingModel.from_config(section, MissionContext("test", 0.0, 1))


def cw_rk4(state6: np.ndarray, n: float, duration_s: float, step_s: float) -> np.ndarray:
    """Integrate ẍ = 3n²x + 2nẏ, ÿ = −2nẋ, z̈ = −n²z with fixed-step RK4.

    The Clohessy–Wiltshire equations as docs/references.md#orbits-and-light-time gives them.
    """

    def derivative(s: np.ndarray) -> np.ndarray:
        x, _, z, vx, vy, vz = s
        return np.array([vx, vy, vz, 3 * n * n * x + 2 * n * vy, -2 * n * vx, -n * n * z])

    s = state6.astype(float)
    for _ in range(round(duration_s / step_s)):
        k1 = derivative(s)
        k2 = derivative(s + 0.5 * step_s * k1)
        k3 = derivative(s + 0.5 * step_s * k2)
        k4 = derivative(s + step_s * k3)
        s = s + step_s / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    return s


def run_until(
    dm: DockingModel,
    state: DockingState,
    done: Callable[[DockingState], bool],
    limit_s: float,
    events: list[Event] | None = None,
    dt_s: float = TICK_S,
) -> DockingState:
    """Step from the state's own time until `done` or `limit_s` more seconds; keep the events."""
    end_s = state.time_s + limit_s
    while not done(state) and state.time_s < end_s - 1e-6:
        outcome = dm.step(state, state.time_s, dt_s, {})
        state = outcome.state
        if events is not None:
            events.extend(outcome.events)
    return state


def start(dm: DockingModel) -> DockingState:
    return dm.execute(dm.initial_state(), "start_approach", {}).state


def names(events: list[Event]) -> list[str]:
    return [e.name for e in events]


def test_housekeeping_keys_equal_the_telemetry_names() -> None:
    dm = model()
    assert list(dm.housekeeping(dm.initial_state())) == [p.name for p in dm.telemetry]


def test_cw_transition_matrix_matches_rk4_integration_within_a_centimetre_over_half_an_orbit() -> (
    None
):
    state6 = np.array([120.0, -800.0, 40.0, 0.05, -0.2, 0.03])
    exact = cw_propagate(state6, N_RAD_S, ORBIT_S / 2)
    integrated = cw_rk4(state6, N_RAD_S, ORBIT_S / 2, step_s=ORBIT_S / 2 / 2000)
    assert np.linalg.norm(exact[:3] - integrated[:3]) < ONE_CM
    assert cw_stm(N_RAD_S, 0.0) == pytest.approx(np.eye(6))


def test_two_km_below_with_the_matching_drift_rate_moves_ahead_3_pi_x0_per_orbit() -> None:
    # x0 = −2 km, ẏ0 = −(3/2)·n·x0: x stays at x0 and y(t) = −(3/2)·n·x0·t, so one orbit
    # (t = 2π/n) carries the visitor 3π·|x0| ≈ 18.85 km ahead.
    x0_m = -2000.0
    state6 = np.array([x0_m, 0.0, 0.0, 0.0, -1.5 * N_RAD_S * x0_m, 0.0])
    after = cw_propagate(state6, N_RAD_S, ORBIT_S)
    assert after[0] == pytest.approx(x0_m, abs=ONE_MM)
    assert after[1] == pytest.approx(3 * math.pi * 2000.0, abs=ONE_MM)
    # The model, left drifting in its far phase, flies the same straight drift.
    dm = model(initial_position_m=[x0_m, 0.0, 0.0], initial_velocity_m_s=list(state6[3:]))
    state = run_until(dm, dm.initial_state(), lambda s: False, ORBIT_S, dt_s=ORBIT_S / 100)
    assert state.position_m[0] == pytest.approx(x0_m, abs=ONE_MM)
    assert state.position_m[1] == pytest.approx(3 * math.pi * 2000.0, abs=ONE_MM)


def test_cw_targeting_gives_the_velocity_that_reaches_the_target() -> None:
    r0, r1 = np.array([50.0, -2000.0, 10.0]), np.array([0.0, -250.0, 0.0])
    v0 = cw_target_velocity(r0, r1, N_RAD_S, 2400.0)
    arrived = cw_propagate(np.concatenate([r0, v0]), N_RAD_S, 2400.0)
    assert np.linalg.norm(arrived[:3] - r1) < ONE_MM


def test_the_mean_motion_comes_from_the_navigation_fix() -> None:
    dm = model(target_altitude_km=800.0)
    radius_m = EARTH_RADIUS_M + 400e3
    fix = NavigationFix(
        0.0, (radius_m, 0.0, 0.0), (0.0, 7668.0, 0.0), 400e3, 1.0, 1.0, 0.0, "sun", True, 1e6
    )
    state = dm.step(dm.initial_state(), 0.0, 1.0, {NAVIGATION: fix}).state
    assert state.mean_motion_rad_s == pytest.approx(N_RAD_S, rel=1e-12)


def test_a_nominal_approach_from_two_km_hard_docks_within_two_hours() -> None:
    # Plan: 2400 s transfer to 250 m, 300 s hold, 220 m at 0.2 m/s (1100 s), 300 s hold at
    # 30 m, 30 m at 0.1 m/s (300 s), 10 s to capture, 300 s to hard dock: ≈ 4710 s (79 min).
    dm = model()
    events: list[Event] = []
    state = run_until(dm, start(dm), lambda s: s.phase == "hard_docked", 7200.0, events)
    assert state.phase == "hard_docked" and state.latches_closed
    assert 4600.0 <= state.time_s <= 4800.0
    phases = [e.params_dict()["new"] for e in events if e.name == "docking_phase"]
    assert phases == ["final", "contact", "captured", "hard_docked"]
    # Contact at the final approach speed of 0.1 m/s, below the 0.15 m/s capture limit.
    assert state.contact_speed_m_s == pytest.approx(0.1, abs=0.005)
    assert "approach_aborted" not in names(events)
    status = dm.publish(state)[DOCKING]
    assert isinstance(status, DockingStatus) and status.docked and status.range_m == 0.0


def test_misalignment_in_the_final_phase_makes_the_visitor_abort() -> None:
    dm = model()
    state = run_until(dm, start(dm), lambda s: s.phase == "final", 7200.0)
    state = dm.inject(state, "misalignment", {"offset_deg": 10.0})
    events: list[Event] = []
    state = run_until(dm, state, lambda s: s.phase != "final", 600.0, events)
    assert state.phase == "aborted"
    assert {"alignment_out_of_limits", "approach_aborted"} <= set(names(events))
    assert state.alignment_error_deg > 5.0
    # It retreats along −V-bar to the 250 m abort range and keeps station there.
    state = run_until(dm, state, lambda s: False, 1200.0)
    assert state.position_m == pytest.approx((0.0, -250.0, 0.0), abs=ONE_CM)
    assert dm.housekeeping(state)["misalignment_active"]


def test_hold_freezes_the_range_and_resume_carries_on_to_dock() -> None:
    tolerance_m = 0.05
    dm = model()
    state = run_until(dm, start(dm), lambda s: s.leg == "to_near" and s.range_m < 150.0, 7200.0)
    state = dm.execute(state, "hold", {}).state
    held_m = state.range_m
    ranges = []
    for _ in range(100):
        state = dm.step(state, state.time_s, TICK_S, {}).state
        ranges.append(state.range_m)
    assert state.phase == "hold"
    assert max(abs(r - held_m) for r in ranges) < tolerance_m
    state = dm.execute(state, "resume", {}).state
    assert state.phase == "approach"
    state = run_until(dm, state, lambda s: s.phase == "hard_docked", 7200.0)
    assert state.phase == "hard_docked"


def test_undock_is_allowed_only_when_hard_docked() -> None:
    dm = model()
    with pytest.raises(CommandError) as refused:
        dm.execute(dm.initial_state(), "undock", {})
    assert refused.value.code == ErrorCode.NOT_ALLOWED
    docked = run_until(dm, start(dm), lambda s: s.phase == "hard_docked", 7200.0)
    state = dm.execute(docked, "undock", {}).state
    assert state.phase == "undocking" and not state.latches_closed
    state = run_until(dm, state, lambda s: s.phase == "far", 7200.0)
    assert state.position_m == pytest.approx((0.0, -250.0, 0.0), abs=ONE_CM)


def test_commands_out_of_phase_are_refused() -> None:
    dm = model()
    approaching = start(dm)
    for command, state in (
        ("start_approach", approaching),
        ("resume", approaching),
        ("hold", dm.initial_state()),
        ("abort_approach", dm.initial_state()),
    ):
        with pytest.raises(CommandError) as refused:
            dm.execute(state, command, {})
        assert refused.value.code == ErrorCode.NOT_ALLOWED


def test_a_latch_failure_leaves_the_visitor_captured_until_it_is_cleared() -> None:
    dm = model()
    state = dm.inject(start(dm), "latch_failure", {})
    events: list[Event] = []
    state = run_until(dm, state, lambda s: s.phase == "captured", 7200.0, events)
    state = run_until(dm, state, lambda s: False, 900.0, events)
    assert state.phase == "captured" and not state.latches_closed
    assert names(events).count("hard_dock_failed") == 1
    state = run_until(dm, dm.clear(state, "latch_failure"), lambda s: False, 30.0)
    assert state.phase == "hard_docked" and state.latches_closed


def test_partner_comms_loss_holds_the_approach_and_aborts_the_final_phase() -> None:
    dm = model()  # partner timeout 30 s
    state = dm.inject(start(dm), "partner_comms_loss", {})
    events: list[Event] = []
    state = run_until(dm, state, lambda s: s.phase != "approach", 60.0, events)
    assert state.phase == "hold" and "partner_comms_timeout" in names(events)
    with pytest.raises(CommandError) as refused:
        dm.execute(state, "resume", {})
    assert refused.value.code == ErrorCode.NOT_ALLOWED
    final = run_until(dm, start(dm), lambda s: s.phase == "final", 7200.0)
    final = dm.inject(final, "partner_comms_loss", {})
    final = run_until(dm, final, lambda s: s.phase != "final", 60.0)
    assert final.phase == "aborted"


def test_contact_too_fast_fails_and_aborts() -> None:
    # 0.2 m/s final approach: above the 0.15 m/s capture limit.
    dm = model(final_speed_m_s=0.2)
    events: list[Event] = []
    state = run_until(dm, start(dm), lambda s: s.phase == "aborted", 7200.0, events)
    assert "contact_failed" in names(events)
    assert state.contact_speed_m_s == pytest.approx(0.2, abs=0.01)


def test_every_fault_is_injectable_and_clearable() -> None:
    dm = model()
    state = dm.initial_state()
    for spec in dm.faults:
        injected = dm.inject(state, spec.name, spec.validate({}))
        assert dm.housekeeping(injected)["faults_active"] == 1
        assert dm.housekeeping(dm.clear(injected, spec.name))["faults_active"] == 0


def test_the_trajectory_does_not_depend_on_the_tick_length() -> None:
    # Guidance fires on a fixed grid of mission time, and CW coasting is exact between impulses.
    spent_m_s = []
    for dt_s in (1.0, 7.0, 10.0):
        dm = model()
        docked = run_until(dm, start(dm), lambda s: s.phase == "hard_docked", 7200.0, dt_s=dt_s)
        spent_m_s.append(docked.delta_v_total_m_s)
    assert spent_m_s == pytest.approx([spent_m_s[0]] * 3, abs=1e-9)
