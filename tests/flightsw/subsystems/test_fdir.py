"""FDIR: PUS 12 monitors with repetition counts, PUS 19 event-actions, safe mode and abort."""

from __future__ import annotations

from typing import Any

import pytest

from flightsw.config.mission_context import MissionContext
from flightsw.config.section import Section
from flightsw.errors import CommandError, ConfigError
from flightsw.icd.errorcodes import ErrorCode
from flightsw.subsystems.base import Request
from flightsw.subsystems.fdir.model import FdirModel, FdirState
from flightsw.subsystems.topics import MODE, ONBOARD_EVENTS, OnboardEvents, hk_topic

CONTEXT = MissionContext("test", 0.0, 1)
CONFIG: dict[str, Any] = {
    "crewed": True,
    "command_loss_timeout_s": 600.0,
    "monitors": [
        {"name": "battery_low", "parameter": "power.battery_soc", "check": "limit", "low": 0.3, "repetitions": 3},
        {"name": "pump_off", "parameter": "thermal.pump_on", "check": "expected", "expected": True, "repetitions": 2},
        {"name": "voltage_jump", "parameter": "power.bus_voltage_v", "check": "delta", "max_delta": 1.0},
    ],
    "actions": [
        {"name": "safe_on_battery", "event": "fdir.battery_low", "command": "fdir.enter_safe_mode", "enabled": True},
        {"name": "scrubber_backup", "event": "life_support.co2_high", "command": "life_support.scrubber",
         "args": {"on": True}, "enabled": True},
        {"name": "dormant", "event": "fdir.pump_off", "command": "thermal.pump", "args": {"on": True}},
    ],
    "safe_mode": {"commands": [
        {"command": "power.load_off", "args": {"consumer": "payload", "force": True}},
        {"command": "navigation.set_attitude_mode", "args": {"mode": "sun"}},
    ]},
    "abort": {"commands": [{"command": "docking.abort_approach"}]},
}  # fmt: skip


def model(**overrides: Any) -> FdirModel:
    return FdirModel.from_config(
        Section({**CONFIG, **overrides}, "test.toml", "subsystems.fdir"), CONTEXT
    )


def feed(fdir: FdirModel, state: FdirState, time_s: float, **subsystems: dict[str, Any]) -> Any:
    inputs: dict[str, Any] = {
        hk_topic(name): tuple(params.items()) for name, params in subsystems.items()
    }
    return fdir.step(state, time_s, 1.0, inputs)


def test_a_limit_monitor_trips_only_after_its_repetition_count() -> None:
    fdir = model()
    state = fdir.initial_state()
    statuses = []
    for t, soc in enumerate([0.5, 0.2, 0.2, 0.2, 0.2]):
        outcome = feed(fdir, state, float(t), power={"battery_soc": soc, "bus_voltage_v": 30.0})
        state = outcome.state
        statuses.append(fdir.housekeeping(state)["battery_low_status"])
    assert statuses == ["nominal", "nominal", "nominal", "below_low", "below_low"]


def test_a_violation_raises_its_event_and_the_enabled_action_asks_for_safe_mode() -> None:
    fdir = model()
    state = fdir.initial_state()
    requests: list[Request] = []
    names: list[str] = []
    for t in range(4):
        outcome = feed(fdir, state, float(t), power={"battery_soc": 0.1, "bus_voltage_v": 30.0})
        state = outcome.state
        requests.extend(outcome.requests)
        names.extend(e.name for e in outcome.events)
    assert names == ["battery_low", "event_action"]
    assert requests == [Request("command", "fdir", "enter_safe_mode", ())]


def test_a_single_bad_sample_among_good_ones_does_not_trip_a_monitor() -> None:
    fdir = model()
    state = fdir.initial_state()
    for t, soc in enumerate([0.2, 0.2, 0.5, 0.2, 0.2, 0.5]):
        state = feed(fdir, state, float(t), power={"battery_soc": soc, "bus_voltage_v": 30.0}).state
    assert fdir.housekeeping(state)["battery_low_status"] == "nominal"


def test_expected_value_and_delta_monitors() -> None:
    fdir = model()
    state = fdir.initial_state()
    for t, (pump, volts) in enumerate([(True, 30.0), (False, 30.5), (False, 32.0)]):
        state = feed(
            fdir,
            state,
            float(t),
            thermal={"pump_on": pump},
            power={"battery_soc": 0.9, "bus_voltage_v": volts},
        ).state
    hk = fdir.housekeeping(state)
    assert (hk["pump_off_status"], hk["voltage_jump_status"]) == ("unexpected", "delta_exceeded")


def test_a_monitor_without_its_parameter_stays_unchecked() -> None:
    fdir = model()
    state = feed(fdir, fdir.initial_state(), 0.0).state
    assert fdir.housekeeping(state)["battery_low_status"] == "unchecked"


def run_pump_off(fdir: FdirModel, state: FdirState, ticks: int) -> tuple[FdirState, list[Request]]:
    requests: list[Request] = []
    for t in range(ticks):
        outcome = feed(fdir, state, float(t), thermal={"pump_on": False})
        state = outcome.state
        requests.extend(outcome.requests)
    return state, requests


def test_event_actions_start_disabled_unless_the_config_enables_them() -> None:
    fdir = model()
    state, requests = run_pump_off(fdir, fdir.initial_state(), 3)
    assert fdir.housekeeping(state)["pump_off_status"] == "unexpected"
    assert requests == []  # `dormant` is defined but not enabled (PUS 19)
    enabled = fdir.execute(state, "enable_action", {"action": "dormant", "enabled": True}).state
    reset = fdir.execute(enabled, "reset_monitors", {}).state
    _, requests = run_pump_off(fdir, reset, 3)
    assert requests == [Request("command", "thermal", "pump", (("on", True),))]


def test_an_event_from_another_subsystem_triggers_its_action_once() -> None:
    fdir = model()
    state = fdir.initial_state()
    co2 = OnboardEvents(5.0, ((5.0, "life_support", "co2_high"),))
    first = fdir.step(state, 5.0, 1.0, {ONBOARD_EVENTS: co2})
    again = fdir.step(first.state, 6.0, 1.0, {ONBOARD_EVENTS: co2})  # the same retained value
    assert first.requests == (Request("command", "life_support", "scrubber", (("on", True),)),)
    assert again.requests == ()


def test_a_monitor_event_coming_back_on_the_bus_does_not_fire_its_action_again() -> None:
    fdir = model()
    state = fdir.initial_state()
    requests: list[Request] = []
    for t in range(4):  # battery_low trips and its action asks for safe mode
        outcome = feed(fdir, state, float(t), power={"battery_soc": 0.1, "bus_voltage_v": 30.0})
        state, tripped_s = outcome.state, float(t) + 1.0
        requests.extend(outcome.requests)
    # The executive's window of onboard events now carries FDIR's own event back to it.
    echo = OnboardEvents(tripped_s, ((tripped_s, "fdir", "battery_low"),))
    later = fdir.step(state, tripped_s, 1.0, {ONBOARD_EVENTS: echo})
    assert requests == [Request("command", "fdir", "enter_safe_mode", ())]
    assert later.requests == ()


def test_safe_mode_runs_its_sequence_and_is_published_on_the_bus() -> None:
    fdir = model()
    outcome = fdir.execute(fdir.initial_state(), "enter_safe_mode", {"reason": "test"})
    assert [(r.target, r.name) for r in outcome.requests] == [
        ("power", "load_off"),
        ("navigation", "set_attitude_mode"),
    ]
    assert fdir.publish(outcome.state)[MODE].mode == "safe"
    stamped = fdir.step(outcome.state, 42.0, 1.0, {}).state
    assert stamped.mode_since_s == 42.0
    back = fdir.execute(stamped, "leave_safe_mode", {}).state
    assert back.mode == "nominal"


def test_an_abort_is_irrevocable() -> None:
    fdir = model()
    aborting = fdir.execute(fdir.initial_state(), "start_abort", {})
    assert [(r.target, r.name) for r in aborting.requests] == [("docking", "abort_approach")]
    for command, args in (
        ("leave_safe_mode", {}),
        ("enter_safe_mode", {"reason": "x"}),
        ("start_abort", {}),
    ):
        with pytest.raises(CommandError) as refused:
            fdir.execute(aborting.state, command, args)
        assert refused.value.code == ErrorCode.NOT_ALLOWED


def test_an_uncrewed_vehicle_refuses_an_abort() -> None:
    fdir = model(crewed=False)
    with pytest.raises(CommandError, match="crewed"):
        fdir.execute(fdir.initial_state(), "start_abort", {})


def test_the_command_loss_timer_enters_safe_mode_once() -> None:
    fdir = model()
    state = fdir.initial_state()
    quiet = feed(fdir, state, 700.0, executive={"time_since_tc_s": 650.0})
    assert quiet.state.mode == "safe"
    assert "command-loss" in quiet.state.last_action
    again = feed(fdir, quiet.state, 701.0, executive={"time_since_tc_s": 651.0})
    assert again.requests == ()


def test_each_monitor_reports_its_status_after_the_mode_and_counters() -> None:
    fdir = model()
    names = list(fdir.housekeeping(fdir.initial_state()))
    assert names[-3:] == ["battery_low_status", "pump_off_status", "voltage_jump_status"]


def test_a_monitor_without_bounds_is_refused_naming_its_key() -> None:
    with pytest.raises(ConfigError) as refused:
        model(monitors=[{"name": "x", "parameter": "power.battery_soc", "check": "limit"}])
    assert refused.value.key == "subsystems.fdir.monitors[0].low"
