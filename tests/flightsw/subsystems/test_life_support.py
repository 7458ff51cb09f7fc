"""Life support against NASA RP-1324 / BVAD crew figures, ISS cabin limits and choked flow."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from flightsw.config.mission_context import CrewMember, MissionContext
from flightsw.config.section import Section
from flightsw.errors import CommandError
from flightsw.icd.errorcodes import ErrorCode
from flightsw.physics.constants import DAY_S, ZERO_CELSIUS_K
from flightsw.subsystems.events import Event
from flightsw.subsystems.life_support.crew_vitals import saturation_pct, scheduled_activity
from flightsw.subsystems.life_support.model import (
    CO2,
    H2O,
    O2,
    LifeSupportModel,
    LifeSupportState,
    choked_mass_flow_kg_s,
    mixture_molar_mass,
    saturation_vapour_kpa,
)
from flightsw.subsystems.topics import (
    LIFE_SUPPORT,
    POWER,
    THERMAL,
    LifeSupportStatus,
    LoadDemand,
    PowerStatus,
    ThermalStatus,
    load_topic,
)

# docs/references.md#crewed-vehicle (NASA RP-1324; BVAD 2004: 0.835 / 0.998): per crew member
# per day.
O2_KG_PER_CREW_DAY = 0.84
CO2_KG_PER_CREW_DAY = 1.00
ONE_GRAM_KG = 0.001
HOUR_S = 3600.0


def crew(count: int) -> tuple[CrewMember, ...]:
    return tuple(CrewMember(f"Crew {i + 1}") for i in range(count))


def model(crew_count: int = 1, seed: int = 7, **config: Any) -> LifeSupportModel:
    context = MissionContext("test", 0.0, seed, crew=crew(crew_count))
    section = Section(config, "mission.toml", "subsystems.life_support")
    return LifeSupportModel.from_config(section, context)


def run(
    ls: LifeSupportModel,
    state: LifeSupportState,
    duration_s: float,
    dt_s: float = 60.0,
    inputs: dict[str, Any] | None = None,
    start_s: float = 0.0,
) -> tuple[LifeSupportState, list[Event], list[dict[str, Any]]]:
    """Step for `duration_s`; return the end state, every event and every housekeeping set."""
    events: list[Event] = []
    samples = []
    for i in range(round(duration_s / dt_s)):
        outcome = ls.step(state, start_s + i * dt_s, dt_s, inputs or {})
        state = outcome.state
        events.extend(outcome.events)
        samples.append(ls.housekeeping(state))
    return state, events, samples


def names(events: list[Event]) -> set[str]:
    return {e.name for e in events}


def test_housekeeping_reports_the_vitals_of_each_crew_member() -> None:
    assert not any("heart_rate" in name for name in model(0).housekeeping(model(0).initial_state()))
    hk = model(2).housekeeping(model(2).initial_state())
    assert {"crew_1_heart_rate_bpm", "crew_2_spo2_pct", "crew_2_core_temp_c"} <= set(hk)


def test_initial_cabin_is_at_the_iss_nominal_pressure_and_o2_partial_pressure() -> None:
    # docs/references.md#crewed-vehicle: cabin total pressure 101.3 kPa; ppO2 19.5-23.1 kPa;
    # humidity 25-70 %.
    hk = model().housekeeping(model().initial_state())
    assert hk["cabin_pressure_kpa"] == pytest.approx(101.3, abs=1e-6)
    assert 19.5 <= hk["o2_pp_kpa"] <= 23.1
    assert 25.0 <= hk["humidity_pct"] <= 70.0
    assert hk["co2_mmhg"] == pytest.approx(hk["co2_pp_kpa"] * 760.0 / 101.325)


def test_with_the_scrubber_off_co2_rises_and_o2_falls_at_the_rp_1324_rates() -> None:
    # One crew member at 1x activity (schedule off), no scrubber, no O2 supply: the CO2 mass
    # rises by 1.00 kg and the O2 mass falls by 0.84 kg in a day, within a gram.
    ls = model(1, activity_schedule=False, scrubber_on=False, o2_supply_enabled=False)
    start = ls.initial_state()
    end, _, _ = run(ls, start, DAY_S)
    assert end.gas_kg[CO2] - start.gas_kg[CO2] == pytest.approx(
        CO2_KG_PER_CREW_DAY, abs=ONE_GRAM_KG
    )
    assert start.gas_kg[O2] - end.gas_kg[O2] == pytest.approx(O2_KG_PER_CREW_DAY, abs=ONE_GRAM_KG)


def test_the_daily_schedule_scales_metabolism_by_sleep_exercise_and_rest() -> None:
    # 8 h asleep at 0.7x, 1 h of exercise at 2x, 15 h at 1x: a mean of 0.94167x.
    assert scheduled_activity(3 * HOUR_S) == 0.7
    assert scheduled_activity(10.5 * HOUR_S) == 2.0
    assert scheduled_activity(15 * HOUR_S) == 1.0
    mean_activity = (8 * 0.7 + 1 * 2.0 + 15 * 1.0) / 24
    ls = model(2, scrubber_on=False, o2_supply_enabled=False)
    start = ls.initial_state()
    end, _, _ = run(ls, start, DAY_S)
    expected_kg = 2 * CO2_KG_PER_CREW_DAY * mean_activity
    assert end.gas_kg[CO2] - start.gas_kg[CO2] == pytest.approx(expected_kg, abs=ONE_GRAM_KG)


def test_with_the_scrubber_on_four_crew_keep_co2_below_the_iss_limit_for_a_day() -> None:
    # docs/references.md#crewed-vehicle: ISS 24-h average CO2 limit 5300 ppm.
    ls = model(4)
    _, events, samples = run(ls, ls.initial_state(), DAY_S)
    assert max(hk["co2_ppm"] for hk in samples) < 5300.0
    assert "co2_high" not in names(events)


def test_a_failed_scrubber_lets_co2_rise_past_the_iss_limit_and_raises_co2_high() -> None:
    ls = model(4, vehicle="capsule")
    state = ls.inject(ls.initial_state(), "co2_scrubber_failure", {})
    end, events, samples = run(ls, state, 6 * HOUR_S)
    assert samples[-1]["co2_ppm"] > 5300.0
    assert samples[-1]["scrubber_failed"] and samples[-1]["faults_active"] == 1
    assert "co2_high" in names(events)
    cleared = ls.clear(end, "co2_scrubber_failure")
    _, _, later = run(ls, cleared, 6 * HOUR_S, start_s=6 * HOUR_S)
    assert later[-1]["co2_ppm"] < samples[-1]["co2_ppm"]


def test_with_the_fans_off_the_scrubber_removes_a_quarter_as_much_co2() -> None:
    # At its rated CO2 level (0.4 kPa) the scrubber removes 6.0 kg/day; with the fans off the
    # air reaches it at the configured 0.25 effectiveness. Uncrewed, so only the scrubber acts.
    removed_kg = {}
    for fans in (True, False):
        ls = model(0, co2_kpa=0.6, fans_on=fans, o2_supply_enabled=False)
        start = ls.initial_state()
        end, _, _ = run(ls, start, HOUR_S)
        removed_kg[fans] = start.gas_kg[CO2] - end.gas_kg[CO2]
    assert removed_kg[True] == pytest.approx(6.0 / 24, abs=ONE_GRAM_KG)
    assert removed_kg[False] == pytest.approx(0.25 * 6.0 / 24, abs=ONE_GRAM_KG)


def test_the_o2_supply_holds_the_o2_partial_pressure_at_its_set_point() -> None:
    tolerance_kpa = 0.01
    ls = model(4)
    state = ls.execute(ls.initial_state(), "o2_supply", {"enabled": True, "set_point_kpa": 21.8})
    state = state.state
    end, _, samples = run(ls, state, DAY_S)
    assert samples[-1]["o2_pp_kpa"] == pytest.approx(21.8, abs=tolerance_kpa)
    assert max(hk["o2_pp_kpa"] for hk in samples) < 21.8 + tolerance_kpa
    # The tanks gave what the cabin gained plus what the crew breathed.
    breathed_kg = 4 * O2_KG_PER_CREW_DAY * (8 * 0.7 + 2.0 + 15) / 24
    gained_kg = end.gas_kg[O2] - state.gas_kg[O2]
    given_kg = state.o2_stored_kg - end.o2_stored_kg
    assert given_kg == pytest.approx(breathed_kg + gained_kg, abs=ONE_GRAM_KG)


def test_an_o2_leak_drains_the_stored_o2_at_its_rate() -> None:
    ls = model(0, o2_supply_enabled=False)
    state = ls.inject(ls.initial_state(), "o2_leak", {"rate_kg_per_day": 12.0})
    end, _, samples = run(ls, state, DAY_S / 4)
    assert state.o2_stored_kg - end.o2_stored_kg == pytest.approx(3.0, abs=ONE_GRAM_KG)
    assert samples[-1]["o2_leak_kg_per_day"] == 12.0 and samples[-1]["faults_active"] == 1
    assert ls.clear(end, "o2_leak").o2_leak_kg_per_day == 0.0


def test_choked_flow_matches_the_textbook_form_for_air() -> None:
    # For γ = 1.4: ṁ = 0.6847·p·A/sqrt(R_s·T) (Anderson, Modern Compressible Flow; NASA Glenn
    # "Mass Flow Choking"), with C_d = 1 and air R_s = 287.05 J/(kg K).
    pressure_pa, area_m2, temp_k = 101_325.0, 1e-4, 295.15
    expected = 0.6847 * pressure_pa * area_m2 / math.sqrt(287.05 * temp_k)
    assert choked_mass_flow_kg_s(pressure_pa, area_m2, 1.0, temp_k, 0.028965) == pytest.approx(
        expected, rel=1e-4
    )


def test_a_hole_depressurises_the_cabin_with_the_choked_flow_time_constant() -> None:
    # Uncrewed, nothing adding or removing gas: p(t) = p0·exp(−t/τ) with
    # τ = V / (C_d·A·sqrt(γ·R_s·T)·(2/(γ+1))^((γ+1)/(2(γ−1)))), V the ISS's 916 m³ (the station
    # default) and R = 8.314462618 J/(mol K), CODATA 2018 (docs/references.md#cabin-physics).
    ls = model(0, scrubber_on=False, o2_supply_enabled=False, condensing_hx_on=False)
    start = ls.initial_state()
    hole_m2, discharge, gamma = 1000e-6, 0.62, 1.4
    specific_r = 8.314462618 / mixture_molar_mass(np.array(start.gas_kg))
    choke = (2 / (gamma + 1)) ** ((gamma + 1) / (2 * (gamma - 1)))
    tau_s = 916.0 / (discharge * hole_m2 * math.sqrt(gamma * specific_r * start.temp_k) * choke)
    assert 7_000.0 < tau_s < 8_000.0  # about two hours for a 1000 mm² hole in an ISS volume
    state = ls.inject(start, "cabin_depressurisation", {"hole_area_mm2": 1000.0})
    _, events, samples = run(ls, state, tau_s, dt_s=tau_s / 100)
    p0_kpa = ls.housekeeping(start)["cabin_pressure_kpa"]
    assert samples[-1]["cabin_pressure_kpa"] == pytest.approx(p0_kpa / math.e, rel=1e-6)
    assert "depress_detected" in names(events)
    assert samples[0]["pressure_rate_kpa_min"] < -0.1


def test_without_the_condensing_hx_the_crew_raise_the_humidity() -> None:
    # BVAD 2004: 2.28 kg of respiration and perspiration water per crew member per day
    # (docs/references.md#crewed-vehicle).
    ls = model(4, activity_schedule=False)
    start = ls.execute(ls.initial_state(), "condensing_hx", {"on": False}).state
    _, _, samples = run(ls, start, 6 * HOUR_S)
    saturated_kg = _vapour_kg(saturation_vapour_kpa(22.0), 916.0, 22.0)
    expected_rise_pct = 100.0 * 4 * 2.28 / 4 / saturated_kg
    rise_pct = samples[-1]["humidity_pct"] - ls.housekeeping(start)["humidity_pct"]
    assert rise_pct == pytest.approx(expected_rise_pct, abs=0.1)


def test_with_the_condensing_hx_the_humidity_stays_in_the_iss_band() -> None:
    # docs/references.md#crewed-vehicle: relative humidity 25-70 %.
    ls = model(4)
    _, _, samples = run(ls, ls.initial_state(), DAY_S)
    assert all(25.0 <= hk["humidity_pct"] <= 70.0 for hk in samples)
    assert samples[-1]["water_kg"] < ls.initial_state().water_kg  # drinking exceeds recovery


def test_spo2_is_nominal_at_sea_level_air_and_falls_at_low_o2_partial_pressure() -> None:
    # Severinghaus curve through the alveolar gas equation: ≈ 97.7 % at 21.2 kPa, ≈ 92 % at
    # 16 kPa (docs/references.md#crewed-vehicle: ppO2 not below ≈ 16 kPa except in emergencies).
    assert saturation_pct(99.0) == pytest.approx(97.7, abs=0.1)
    nominal = model(1)
    hk = nominal.housekeeping(nominal.initial_state())
    assert 96.5 <= hk["crew_1_spo2_pct"] <= 99.0
    low = model(1, o2_kpa=12.0, o2_supply_enabled=False)
    _, events, samples = run(low, low.initial_state(), 600.0)
    assert samples[-1]["crew_1_spo2_pct"] < 85.0
    assert samples[-1]["crew_1_heart_rate_bpm"] > hk["crew_1_heart_rate_bpm"] + 10.0
    assert {"o2_low", "o2_critical", "crew_1_spo2_low"} <= names(events)


def test_heart_rate_rises_with_exercise_and_with_co2_above_3000_ppm() -> None:
    ls = model(1, activity_schedule=False)
    rest = ls.housekeeping(ls.initial_state())["crew_1_heart_rate_bpm"]
    exercise = ls.execute(ls.initial_state(), "crew_activity", {"mode": "exercise"}).state
    _, _, samples = run(ls, exercise, 60.0)
    assert samples[-1]["crew_1_heart_rate_bpm"] > rest + 40.0
    stuffy = model(1, activity_schedule=False, co2_kpa=2.0)  # ≈ 20 000 ppm
    stuffy_hr = stuffy.housekeeping(stuffy.initial_state())["crew_1_heart_rate_bpm"]
    assert stuffy_hr > rest + 15.0


def test_vitals_are_the_same_bit_for_bit_for_the_same_seed() -> None:
    _, _, first = run(model(2, seed=11), model(2, seed=11).initial_state(), 3600.0)
    _, _, again = run(model(2, seed=11), model(2, seed=11).initial_state(), 3600.0)
    _, _, other = run(model(2, seed=12), model(2, seed=12).initial_state(), 3600.0)
    assert first == again
    assert first[-1]["crew_1_heart_rate_bpm"] != other[-1]["crew_1_heart_rate_bpm"]


def test_the_cabin_temperature_comes_from_the_thermal_cabin_node() -> None:
    ls = model(0)
    thermal = ThermalStatus((("cabin", 25.0), ("avionics", 30.0)))
    end, _, samples = run(ls, ls.initial_state(), 60.0, inputs={THERMAL: thermal})
    assert samples[-1]["cabin_temp_c"] == pytest.approx(25.0)
    assert end.temp_k == pytest.approx(25.0 + ZERO_CELSIUS_K)


def test_switched_off_by_power_the_scrubber_stops_and_the_demand_is_published() -> None:
    ls = model(4, vehicle="capsule", activity_schedule=False)
    off = PowerStatus(28.0, 0.5, (("life_support", False),))
    _, _, unpowered = run(ls, ls.initial_state(), 2 * HOUR_S, inputs={POWER: off})
    _, _, powered = run(ls, ls.initial_state(), 2 * HOUR_S)
    assert not unpowered[-1]["powered"]
    assert unpowered[-1]["co2_ppm"] > powered[-1]["co2_ppm"]
    published = ls.publish(ls.initial_state())
    assert published[load_topic("life_support")] == LoadDemand("life_support", 970.0)
    status = published[LIFE_SUPPORT]
    assert isinstance(status, LifeSupportStatus)
    assert status.crew_count == 4 and status.cabin_pressure_kpa == pytest.approx(101.3)


def test_an_uncrewed_pressurised_volume_keeps_its_atmosphere() -> None:
    ls = model(0)
    _, events, samples = run(ls, ls.initial_state(), DAY_S, dt_s=600.0)
    assert samples[-1]["cabin_pressure_kpa"] == pytest.approx(101.3, abs=0.5)
    assert samples[-1]["crew_count"] == 0 and not events


def test_commands_the_state_forbids_are_refused() -> None:
    with pytest.raises(CommandError) as refused:
        model(0).execute(model(0).initial_state(), "crew_activity", {"mode": "sleep"})
    assert refused.value.code == ErrorCode.NOT_ALLOWED
    empty = model(1, o2_stored_kg=0.0)
    with pytest.raises(CommandError) as empty_tanks:
        empty.execute(empty.initial_state(), "o2_supply", {"enabled": True, "set_point_kpa": 21.0})
    assert empty_tanks.value.code == ErrorCode.EXECUTION_FAILED
    with pytest.raises(CommandError) as out_of_range:
        model(1).command_spec("o2_supply").validate({"enabled": True, "set_point_kpa": 30})
    assert out_of_range.value.code == ErrorCode.BAD_ARGUMENT


def test_every_fault_is_injectable_and_clearable() -> None:
    ls = model(1)
    state = ls.initial_state()
    for spec in ls.faults:
        injected = ls.inject(state, spec.name, spec.validate({}))
        assert ls.housekeeping(injected)["faults_active"] == 1
        assert ls.housekeeping(ls.clear(injected, spec.name))["faults_active"] == 0


def _vapour_kg(pressure_kpa: float, volume_m3: float, temp_c: float) -> float:
    """Water vapour mass by the ideal gas law.

    M = 18.015 g/mol, R = 8.314462618 J/(mol K): docs/references.md#cabin-physics.
    """
    return pressure_kpa * 1e3 * volume_m3 / (8.314462618 * (temp_c + ZERO_CELSIUS_K)) * 0.018015


def test_partial_pressures_follow_the_ideal_gas_law() -> None:
    ls = model(0)
    state = ls.initial_state()
    pp = ls.pressures_kpa(state)
    assert pp[H2O] == pytest.approx(0.4 * saturation_vapour_kpa(22.0))
    assert _vapour_kg(pp[H2O], 916.0, 22.0) == pytest.approx(state.gas_kg[H2O])
