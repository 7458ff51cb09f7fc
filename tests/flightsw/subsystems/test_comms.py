"""Comms: the downlink budget against its formulae, link state, commands and faults."""

from __future__ import annotations

import math
from typing import Any

import pytest

from flightsw.config.mission_context import MissionContext
from flightsw.config.section import Section
from flightsw.errors import CommandError, ConfigError
from flightsw.icd.errorcodes import ErrorCode
from flightsw.physics.constants import MOON_MEAN_DISTANCE_M
from flightsw.subsystems.comms import (
    CommsConfig,
    CommsModel,
    CommsState,
    free_space_path_loss_db,
)
from flightsw.subsystems.events import Event
from flightsw.subsystems.topics import (
    COMMS,
    NAVIGATION,
    POWER,
    CommsStatus,
    LoadDemand,
    NavigationFix,
    PowerStatus,
    load_topic,
)

CONTEXT = MissionContext("test", 1_700_000_000.0, seed=3)
TOLERANCE_DB = 1e-9
LEO_RANGE_M = 1_000_000.0


def fix(range_m: float = LEO_RANGE_M, visible: bool = True, attitude: str = "nadir") -> Any:
    return {
        NAVIGATION: NavigationFix(
            0.0, (7e6, 0.0, 0.0), (0.0, 7.5e3, 0.0), 6e5, 1.0, 1.0, 0.0, attitude, visible, range_m
        )
    }


def tick(
    model: CommsModel, state: CommsState, inputs: Any, time_s: float = 0.0
) -> tuple[CommsState, list[str]]:
    outcome = model.step(state, time_s, 1.0, inputs)
    return outcome.state, [e.name for e in outcome.events]


def margin_db(model: CommsModel, state: CommsState, inputs: Any) -> float:
    value = model.housekeeping(tick(model, state, inputs)[0])["link_margin_db"]
    assert isinstance(value, float)
    return value


def test_path_loss_at_1000_km_and_8_4_ghz_is_170_9_db() -> None:
    # L = 20·log10(4πd/λ), λ = c/f = 0.035690 m: 20·log10(4π·1e6/0.035690) = 170.93 dB.
    wavelength_m = 299_792_458.0 / 8.4e9
    formula_db = 20.0 * math.log10(4.0 * math.pi * 1e6 / wavelength_m)
    assert free_space_path_loss_db(1e6, 8.4e9) == pytest.approx(formula_db, abs=TOLERANCE_DB)
    assert free_space_path_loss_db(1e6, 8.4e9) == pytest.approx(170.9, abs=0.05)


def test_margin_follows_the_budget_written_out_by_hand() -> None:
    model = CommsModel(CONTEXT)
    c = model.config
    budget = model.budget(LEO_RANGE_M, "low_gain", True, 64_000.0, 0.0)
    # EIRP 10 dBW + 3 dBi − 1 dB; G/T 50 − 10·log10(150 K); −10·log10(k) = 228.6 dB.
    eirp_dbw = 10.0 + 3.0 - 1.0
    g_over_t = 50.0 - 10.0 * math.log10(150.0)
    cn0 = eirp_dbw - free_space_path_loss_db(LEO_RANGE_M, 8.4e9) - 3.0 + g_over_t + 228.5991
    assert budget.cn0_dbhz == pytest.approx(cn0, abs=1e-3)
    ebn0 = cn0 - 10.0 * math.log10(64_000.0)
    assert budget.margin_db == pytest.approx(ebn0 - c.required_ebn0_db, abs=1e-3)


def test_margin_falls_by_20_db_per_decade_of_range() -> None:
    model = CommsModel(CONTEXT)
    near = model.budget(1e6, "low_gain", True, 64_000.0, 0.0).margin_db
    far = model.budget(1e7, "low_gain", True, 64_000.0, 0.0).margin_db
    assert near - far == pytest.approx(20.0, abs=TOLERANCE_DB)


def test_a_leo_pass_closes_the_link_on_the_low_gain_antenna() -> None:
    model = CommsModel(CONTEXT)
    state, events = tick(model, model.initial_state(), fix())
    assert state.link_up and events == ["acquisition_of_signal"]
    status = model.publish(state)[COMMS]
    assert isinstance(status, CommsStatus) and status.link_up and status.antenna == "low_gain"


def test_lunar_distance_needs_the_high_gain_antenna() -> None:
    model = CommsModel(CONTEXT)
    moon = fix(MOON_MEAN_DISTANCE_M)
    low = tick(model, model.initial_state(), moon)[0]
    assert not low.link_up and low.budget is not None and low.budget.margin_db < 0.0
    high = model.execute(low, "antenna_select", {"antenna": "high_gain"}).state
    high, events = tick(model, high, moon, 1.0)
    assert high.link_up and events == ["acquisition_of_signal"]


def test_the_high_gain_antenna_loses_earth_when_attitude_control_fails() -> None:
    model = CommsModel(CONTEXT, CommsConfig(antenna="high_gain"))
    pointed = margin_db(model, model.initial_state(), fix())
    drifting = margin_db(model, model.initial_state(), fix(attitude="drift"))
    assert pointed - drifting == pytest.approx(30.0 - -10.0, abs=TOLERANCE_DB)


def test_the_link_drops_when_the_station_sets() -> None:
    model = CommsModel(CONTEXT)
    state, _ = tick(model, model.initial_state(), fix())
    state, events = tick(model, state, fix(visible=False), 1.0)
    assert not state.link_up and events == ["loss_of_signal"]
    assert model.housekeeping(state)["last_contact_s"] == 1.0
    assert model.housekeeping(state)["time_since_contact_s"] == 1.0


def test_a_faster_rate_costs_margin_as_ten_log_of_the_rate_ratio() -> None:
    model = CommsModel(CONTEXT)
    slow = margin_db(model, model.initial_state(), fix())
    faster = model.execute(model.initial_state(), "set_rate", {"rate_bps": "512000"}).state
    assert slow - margin_db(model, faster, fix()) == pytest.approx(
        10.0 * math.log10(8.0), abs=TOLERANCE_DB
    )
    assert model.housekeeping(faster)["downlink_rate_bps"] == 512_000.0


def test_an_unlisted_rate_is_refused_by_the_dictionary() -> None:
    with pytest.raises(CommandError) as refused:
        CommsModel(CONTEXT).command_spec("set_rate").validate({"rate_bps": "100000"})
    assert refused.value.code == ErrorCode.BAD_ARGUMENT


def test_no_link_with_the_transmitter_off_failed_or_unpowered() -> None:
    model = CommsModel(CONTEXT)
    off = model.execute(model.initial_state(), "transmitter", {"on": False}).state
    assert not tick(model, off, fix())[0].link_up
    failed = model.inject(model.initial_state(), "transmitter_failure", {})
    assert not tick(model, failed, fix())[0].link_up
    assert tick(model, model.clear(failed, "transmitter_failure"), fix())[0].link_up
    unpowered = {**fix(), POWER: PowerStatus(28.0, 0.5, (("comms", False),))}
    assert not tick(model, model.initial_state(), unpowered)[0].link_up


def test_a_degraded_antenna_costs_its_loss_in_margin() -> None:
    model = CommsModel(CONTEXT)
    healthy = margin_db(model, model.initial_state(), fix())
    degraded = model.inject(model.initial_state(), "antenna_degraded", {"loss_db": 6.0})
    assert healthy - margin_db(model, degraded, fix()) == pytest.approx(6.0, abs=TOLERANCE_DB)
    assert model.housekeeping(degraded)["faults_active"] == 1


def test_data_flows_at_the_selected_rate_while_the_link_is_up() -> None:
    model = CommsModel(CONTEXT)
    state = model.initial_state()
    for second in range(10):
        state, _ = tick(model, state, fix(), float(second))
    assert model.housekeeping(state)["downlinked_mbit"] == pytest.approx(10 * 64_000 / 1e6)


def test_the_radio_asks_power_for_receiver_and_transmitter() -> None:
    model = CommsModel(CONTEXT)
    topics = model.publish(model.initial_state())
    assert topics[load_topic("comms")] == LoadDemand("comms", 3.0 + 30.0)
    off = model.execute(model.initial_state(), "transmitter", {"on": False}).state
    assert model.publish(off)[load_topic("comms")] == LoadDemand("comms", 3.0)


def test_an_empty_config_gives_the_defaults() -> None:
    model = CommsModel.from_config(Section({}, "test.toml", "subsystems.comms"), CONTEXT)
    assert model.config == CommsConfig()


def test_config_refuses_a_rate_the_modem_does_not_offer() -> None:
    section = Section({"downlink_rate_bps": 100_000}, "test.toml", "subsystems.comms")
    with pytest.raises(ConfigError, match="downlink_rate_bps"):
        CommsModel.from_config(section, CONTEXT)


def test_events_name_why_the_link_dropped() -> None:
    model = CommsModel(CONTEXT)
    state, _ = tick(model, model.initial_state(), fix())
    failed = model.inject(state, "transmitter_failure", {})
    outcome = model.step(failed, 1.0, 1.0, fix())
    lost: Event = outcome.events[0]
    assert lost.name == "loss_of_signal" and "transmitter" in lost.message
