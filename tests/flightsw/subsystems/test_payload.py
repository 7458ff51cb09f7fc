"""The payload model: instrument modes, power, data, the current limiter and hangs."""

from __future__ import annotations

from typing import Any

import pytest

from flightsw.config.mission_context import MissionContext
from flightsw.config.section import Section
from flightsw.errors import CommandError, ConfigError, FaultError
from flightsw.icd.errorcodes import ErrorCode
from flightsw.subsystems.payload import PayloadModel, PayloadState
from flightsw.subsystems.topics import POWER, LoadDemand, PowerStatus, load_topic

CONTEXT = MissionContext("test", 0.0, seed=1)
TOLERANCE_W = 1e-9
TOLERANCE_MB = 1e-9

CAMERA: dict[str, Any] = {
    "name": "camera",
    "mass_kg": 2.5,
    "modes": ["off", "standby", "science"],
    "power_w": {"standby": 2.0, "science": 8.0},
    "data_rate_bps": {"science": 1.0e6},
    "max_power_w": 10.0,
}


def model(**keys: Any) -> PayloadModel:
    data = {"instruments": [CAMERA], "overcurrent_trip_s": 5.0, **keys}
    return PayloadModel.from_config(Section(data, "test.toml", "subsystems.payload"), CONTEXT)


def bus(on: bool) -> dict[str, Any]:
    return {POWER: PowerStatus(28.0, 0.8, (("payload", on),))}


def run(m: PayloadModel, state: PayloadState, seconds: int, on: bool = True) -> PayloadState:
    for t in range(seconds):
        state = m.step(state, float(t), 1.0, bus(on)).state
    return state


def command(m: PayloadModel, state: PayloadState, name: str, **args: Any) -> PayloadState:
    return m.execute(state, name, m.command_spec(name).validate(args)).state


def science(m: PayloadModel) -> PayloadState:
    state = command(m, m.initial_state(), "power_on", instrument="camera")
    return command(m, state, "set_mode", instrument="camera", mode="science")


def test_housekeeping_keys_are_the_telemetry_names() -> None:
    default = PayloadModel.from_config(Section({}, "test.toml", "subsystems.payload"), CONTEXT)
    for m in (model(), default):
        names = {spec.name for spec in m.telemetry}
        assert set(m.housekeeping(run(m, m.initial_state(), 2))) == names


def test_default_config_flies_a_camera_and_a_radiometer() -> None:
    default = PayloadModel.from_config(Section({}, "test.toml", "subsystems.payload"), CONTEXT)
    assert [inst.name for inst in default.instruments] == ["camera", "radiometer"]
    assert default.housekeeping(default.initial_state())["payload_mass_kg"] == pytest.approx(3.5)


def test_instruments_start_off_and_draw_nothing() -> None:
    m = model()
    hk = m.housekeeping(run(m, m.initial_state(), 3))
    assert (hk["camera_mode"], hk["camera_power_w"], hk["total_power_w"]) == ("off", 0.0, 0.0)


def test_power_on_boots_into_standby_and_draws_its_power() -> None:
    m = model()
    state = run(m, command(m, m.initial_state(), "power_on", instrument="camera"), 1)
    hk = m.housekeeping(state)
    assert hk["camera_mode"] == "standby"
    assert hk["camera_power_w"] == pytest.approx(2.0, abs=TOLERANCE_W)


def test_science_mode_draws_its_power_and_publishes_it_as_the_payload_load() -> None:
    m = model()
    state = run(m, science(m), 1)
    assert m.housekeeping(state)["total_power_w"] == pytest.approx(8.0, abs=TOLERANCE_W)
    assert m.publish(state) == {load_topic("payload"): LoadDemand("payload", 8.0)}


def test_one_megabit_per_second_for_80_s_stores_10_mb() -> None:
    # 1e6 bit/s × 80 s = 8e7 bit = 1e7 byte = 10 MB (decimal).
    m = model()
    hk = m.housekeeping(run(m, science(m), 80))
    assert hk["camera_data_mb"] == pytest.approx(10.0, abs=TOLERANCE_MB)
    assert hk["storage_used_mb"] == pytest.approx(10.0, abs=TOLERANCE_MB)


def test_a_full_mass_memory_stops_data_once_and_says_so() -> None:
    m = model(storage_capacity_mb=1.0)  # 8e6 bit: 8 s of science
    state, names = science(m), list[str]()
    for t in range(12):
        outcome = m.step(state, float(t), 1.0, bus(True))
        state, names = outcome.state, names + [e.name for e in outcome.events]
    hk = m.housekeeping(state)
    assert hk["storage_fraction"] == pytest.approx(1.0)
    assert names.count("storage_full") == 1
    state = command(m, state, "clear_storage")
    assert m.housekeeping(run(m, state, 2))["storage_used_mb"] == pytest.approx(0.25)


def test_an_unpowered_payload_bus_stops_every_instrument() -> None:
    m = model()
    hk = m.housekeeping(run(m, science(m), 10, on=False))
    assert (hk["camera_mode"], hk["camera_power_w"], hk["camera_data_mb"]) == ("off", 0.0, 0.0)
    assert hk["payload_powered"] is False


def test_set_mode_is_refused_while_the_instrument_is_off() -> None:
    m = model()
    with pytest.raises(CommandError) as refused:
        command(m, m.initial_state(), "set_mode", instrument="camera", mode="science")
    assert refused.value.code == ErrorCode.NOT_ALLOWED


def test_unknown_instruments_and_modes_are_bad_arguments() -> None:
    m = model()
    state = command(m, m.initial_state(), "power_on", instrument="camera")
    for args in ({"instrument": "lidar"}, {"instrument": "camera", "mode": "turbo"}):
        with pytest.raises(CommandError) as refused:
            command(m, state, "set_mode", **{"mode": "science", **args})
        assert refused.value.code == ErrorCode.BAD_ARGUMENT


def test_over_current_raises_the_draw_and_the_limiter_trips_after_the_set_time() -> None:
    # 8 W science + 5 W fault = 13 W, above the 10 W limit; trip after more than 5 s over it.
    m = model()
    state = m.inject(science(m), "over_current", {"instrument": "camera", "extra_w": 5.0})
    state = run(m, state, 5)
    assert m.housekeeping(state)["camera_power_w"] == pytest.approx(13.0, abs=TOLERANCE_W)
    outcome = m.step(state, 5.0, 1.0, bus(True))
    hk = m.housekeeping(outcome.state)
    assert [e.name for e in outcome.events] == ["instrument_overcurrent_trip"]
    assert (hk["camera_status"], hk["camera_mode"], hk["camera_power_w"]) == (
        "overcurrent_trip",
        "off",
        0.0,
    )


def test_over_current_within_the_limit_only_raises_the_draw() -> None:
    m = model()
    state = m.inject(science(m), "over_current", {"instrument": "camera", "extra_w": 1.5})
    hk = m.housekeeping(run(m, state, 60))
    assert (hk["camera_status"], hk["faults_active"]) == ("ok", 1)
    assert hk["camera_power_w"] == pytest.approx(9.5, abs=TOLERANCE_W)
    cleared = run(m, m.clear(state, "over_current"), 1)
    assert m.housekeeping(cleared)["camera_power_w"] == pytest.approx(8.0, abs=TOLERANCE_W)


def test_a_hung_instrument_makes_no_data_and_refuses_mode_changes() -> None:
    m = model()
    state = run(m, m.inject(science(m), "hang", {"instrument": "camera"}), 80)
    hk = m.housekeeping(state)
    assert (hk["camera_status"], hk["camera_data_mb"], hk["faults_active"]) == ("hung", 0.0, 1)
    with pytest.raises(CommandError) as refused:
        command(m, state, "set_mode", instrument="camera", mode="standby")
    assert refused.value.code == ErrorCode.EXECUTION_FAILED


def test_a_power_cycle_cures_a_hang() -> None:
    m = model()
    state = m.inject(science(m), "hang", {"instrument": "camera"})
    state = command(m, state, "power_off", instrument="camera")
    state = command(m, state, "power_on", instrument="camera")
    state = command(m, state, "set_mode", instrument="camera", mode="science")
    hk = m.housekeeping(run(m, state, 8))
    assert hk["camera_status"] == "ok"
    assert hk["camera_data_mb"] == pytest.approx(1.0, abs=TOLERANCE_MB)


def test_faults_name_a_known_switched_on_instrument() -> None:
    m = model()
    with pytest.raises(FaultError):
        m.inject(m.initial_state(), "hang", {"instrument": "lidar"})
    with pytest.raises(FaultError):
        m.inject(m.initial_state(), "hang", {"instrument": "camera"})


def test_a_mode_table_naming_an_unknown_mode_is_a_config_error() -> None:
    bad = {**CAMERA, "power_w": {"turbo": 50.0}}
    with pytest.raises(ConfigError, match="turbo"):
        PayloadModel.from_config(
            Section({"instruments": [bad]}, "test.toml", "subsystems.payload"), CONTEXT
        )
