"""The sensor array: noise, bias, drift, resolution, calibration and sensor faults."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from flightsw.config.mission_context import MissionContext
from flightsw.config.section import Section
from flightsw.errors import CommandError, ConfigError, FaultError
from flightsw.icd.errorcodes import ErrorCode
from flightsw.physics.constants import DAY_S
from flightsw.subsystems.sensors import SensorArrayModel, SensorArrayState
from flightsw.subsystems.topics import POWER, THERMAL, PowerStatus, ThermalStatus

CONTEXT = MissionContext("test", 0.0, seed=7)
TRUE_CABIN_C = 21.0
TRUE_BUS_V = 28.0
TOLERANCE_C = 1e-9
INPUTS: dict[str, Any] = {
    THERMAL: ThermalStatus((("cabin", TRUE_CABIN_C), ("avionics", 30.0))),
    POWER: PowerStatus(TRUE_BUS_V, 0.8, ()),
}


def model(**cabin: Any) -> SensorArrayModel:
    channels = [
        {"name": "cabin_temp_c", "source": "thermal.cabin", "unit": "degC", **cabin},
        {"name": "bus_voltage_v", "source": "power.bus_voltage_v", "unit": "V"},
    ]
    section = Section({"channels": channels}, "test.toml", "subsystems.sensors")
    return SensorArrayModel.from_config(section, CONTEXT)


def default_model(seed: int = 7) -> SensorArrayModel:
    context = MissionContext("test", 0.0, seed=seed)
    return SensorArrayModel.from_config(Section({}, "test.toml", "subsystems.sensors"), context)


def run(
    m: SensorArrayModel, state: SensorArrayState, steps: int, dt_s: float = 1.0
) -> SensorArrayState:
    for k in range(steps):
        state = m.step(state, k * dt_s, dt_s, INPUTS).state
    return state


def cabin(m: SensorArrayModel, state: SensorArrayState) -> tuple[Any, Any]:
    hk = m.housekeeping(state)
    return hk["cabin_temp_c"], hk["cabin_temp_c_status"]


def test_each_configured_sensor_reports_a_reading_and_a_status() -> None:
    hk = model().housekeeping(model().initial_state())
    assert list(hk) == [
        "cabin_temp_c",
        "cabin_temp_c_status",
        "bus_voltage_v",
        "bus_voltage_v_status",
        "faults_active",
    ]


def test_a_perfect_sensor_reads_the_truth() -> None:
    m = model()
    value, status = cabin(m, run(m, m.initial_state(), 1))
    assert value == pytest.approx(TRUE_CABIN_C, abs=TOLERANCE_C)
    assert status == "ok"


def test_readings_are_quantised_to_the_resolution() -> None:
    m = model(bias=0.123, resolution=0.5, tolerance=1.0)
    value, _ = cabin(m, run(m, m.initial_state(), 1))
    assert value == pytest.approx(21.0, abs=TOLERANCE_C)  # 21.123 rounds to 21.0


def test_noise_has_the_configured_sigma() -> None:
    # 2000 samples of N(0, 0.5): the sample σ is within 5 % of 0.5 with overwhelming odds.
    m = model(noise_sigma=0.5)
    state, samples = m.initial_state(), []
    for k in range(2000):
        state = m.step(state, float(k), 1.0, INPUTS).state
        samples.append(cabin(m, state)[0] - TRUE_CABIN_C)
    assert float(np.std(samples)) == pytest.approx(0.5, rel=0.05)
    assert abs(float(np.mean(samples))) < 0.05


def test_the_same_seed_gives_the_same_readings_bit_for_bit() -> None:
    a, b, other = default_model(), default_model(), default_model(seed=8)
    hk_a = a.housekeeping(run(a, a.initial_state(), 50))
    hk_b = b.housekeeping(run(b, b.initial_state(), 50))
    hk_other = other.housekeeping(run(other, other.initial_state(), 50))
    assert hk_a["cabin_temp_c"] == hk_b["cabin_temp_c"]
    assert hk_a["cabin_temp_c"] != hk_other["cabin_temp_c"]


def test_drift_grows_per_day_and_calibration_removes_it() -> None:
    # 0.1 °C/day for 10 days = 1 °C, above the 0.5 °C tolerance.
    m = model(drift_per_day=0.1, tolerance=0.5)
    state = run(m, m.initial_state(), 10, dt_s=DAY_S)
    value, status = cabin(m, state)
    assert value == pytest.approx(TRUE_CABIN_C + 1.0, abs=TOLERANCE_C)
    assert status == "uncalibrated"
    state = m.execute(state, "calibrate", {"sensor": "cabin_temp_c"}).state
    one_second_drift_c = 0.1 / DAY_S
    assert cabin(m, run(m, state, 1)) == (
        pytest.approx(TRUE_CABIN_C + one_second_drift_c, abs=TOLERANCE_C),
        "ok",
    )


def test_launch_bias_counts_as_uncalibrated_until_calibrated() -> None:
    m = model(bias=2.0, tolerance=0.5)
    assert cabin(m, run(m, m.initial_state(), 1)) == (pytest.approx(23.0), "uncalibrated")


def test_a_sensor_whose_source_is_absent_reads_nan_with_no_source() -> None:
    m = default_model()  # the defaults include life support and environment sensors
    hk = m.housekeeping(run(m, m.initial_state(), 1))
    assert math.isnan(hk["cabin_pressure_kpa"])  # type: ignore[arg-type]
    assert hk["cabin_pressure_kpa_status"] == "no_source"
    assert hk["dose_rate_usv_h_status"] == "no_source"
    assert hk["bus_voltage_v_status"] == "ok"


def test_a_bias_fault_offsets_the_reading_and_survives_calibration() -> None:
    m = model()
    state = m.inject(m.initial_state(), "bias", {"sensor": "cabin_temp_c", "offset": 3.0})
    state = m.execute(state, "calibrate", {"sensor": "cabin_temp_c"}).state
    assert cabin(m, run(m, state, 1))[0] == pytest.approx(24.0, abs=TOLERANCE_C)
    cleared = m.clear(state, "bias")
    assert cabin(m, run(m, cleared, 1))[0] == pytest.approx(TRUE_CABIN_C, abs=TOLERANCE_C)


def test_a_stuck_sensor_holds_its_last_reading() -> None:
    m = model()
    state = m.inject(run(m, m.initial_state(), 1), "stuck", {"sensor": "cabin_temp_c"})
    hot = {**INPUTS, THERMAL: ThermalStatus((("cabin", 35.0),))}
    state = m.step(state, 1.0, 1.0, hot).state
    assert cabin(m, state) == (pytest.approx(TRUE_CABIN_C), "stuck")
    assert m.housekeeping(state)["faults_active"] == 1


def test_a_noisy_sensor_scatters_by_the_multiplier() -> None:
    m = model(noise_sigma=0.1)
    state = m.inject(
        m.initial_state(), "noisy", {"sensor": "cabin_temp_c", "sigma_multiplier": 10.0}
    )
    samples = []
    for k in range(2000):
        state = m.step(state, float(k), 1.0, INPUTS).state
        samples.append(cabin(m, state)[0])
    assert float(np.std(samples)) == pytest.approx(1.0, rel=0.05)
    assert cabin(m, state)[1] == "noisy"


def test_a_dead_sensor_reads_nan_and_cannot_be_calibrated() -> None:
    m = model()
    state = run(m, m.inject(m.initial_state(), "dead", {"sensor": "cabin_temp_c"}), 1)
    value, status = cabin(m, state)
    assert math.isnan(value) and status == "dead"
    with pytest.raises(CommandError) as refused:
        m.execute(state, "calibrate", {"sensor": "cabin_temp_c"})
    assert refused.value.code == ErrorCode.EXECUTION_FAILED
    assert cabin(m, run(m, m.clear(state, "dead"), 1))[1] == "ok"


def test_a_disabled_sensor_reads_nan_until_enabled() -> None:
    m = model()
    state = m.execute(m.initial_state(), "enable", {"sensor": "cabin_temp_c", "enabled": False})
    value, status = cabin(m, run(m, state.state, 1))
    assert math.isnan(value) and status == "disabled"
    state = m.execute(state.state, "enable", {"sensor": "cabin_temp_c", "enabled": True})
    assert cabin(m, run(m, state.state, 1))[1] == "ok"


def test_unknown_sensors_are_refused() -> None:
    m = model()
    with pytest.raises(CommandError) as refused:
        m.execute(m.initial_state(), "calibrate", {"sensor": "o2_kpa"})
    assert refused.value.code == ErrorCode.BAD_ARGUMENT
    with pytest.raises(FaultError):
        m.inject(m.initial_state(), "dead", {"sensor": "o2_kpa"})


def test_a_source_naming_no_number_of_its_topic_is_a_config_error() -> None:
    channels = [{"name": "x", "source": "power.switches"}]
    with pytest.raises(ConfigError, match="switches"):
        SensorArrayModel.from_config(
            Section({"channels": channels}, "test.toml", "subsystems.sensors"), CONTEXT
        )
