"""Nominal operations over three orbits: the battery cycles with each eclipse, all else holds.

A 500 km sun-synchronous orbit with RAAN 0 at the March equinox is a noon-midnight orbit, the
one with the longest eclipse: about 36 min in the shadow out of a 94.4 min orbit. In sunlight
the 0.5 m2 array at 28 % gives about 190 W against the 35 W bus (avionics 25 W, payload camera
10 W), so the battery is back to full within ten minutes of sunrise. In eclipse the bus alone
drains 35 W x 2140 s / 0.95 = 22 Wh, 18 % of the 120 Wh battery: the state of charge swings
between 1.0 and about 0.82, well clear of the ground's yellow limit (0.5) and of the onboard
battery_low monitor (0.4). The avionics box swings between 20 and 27 C, the battery between 15
and 24 C, the radiator between -8 and +10 C; no heater needs to switch on.

A routine command (a seasonal change of the battery heater set point) is verified to
completion and seen in telemetry; every subsystem's housekeeping comes down every 10 s without
a gap; no alarm triggers and the spacecraft never leaves nominal mode.
"""

from itertools import pairwise

import msgspec
from procedures.dictionary import first_parameter

from ground.testkit import (
    HilFailure,
    anything,
    at_least,
    changed,
    greater_than,
    less_than,
    not_equal_to,
    outside_range,
    within_range,
)

MISSION = "leo_smallsat"

ORBITS = 3
ORBIT_S = 5700.0  # 94.4 min, with a minute to spare: one eclipse entry is always within it
ECLIPSE_S = 2400.0  # the noon-midnight eclipse lasts 2140 s; it cannot last longer
RECHARGE_S = 1200.0  # 22 Wh at ~150 W of surplus is ~9 min; twice that is generous
HK_PERIOD_S = 10.0  # [subsystems.*] hk_period_s
# One period after the last, an eclipse edge repeats to within 10 s (J2 moves it slowly).
LOOK_AHEAD_S = 300.0
FULL_SOC = 0.99
# The deepest eclipse takes out 22 Wh of 120 Wh: the state of charge ends near 0.82.
END_OF_ECLIPSE_SOC = (0.78, 0.86)
# Yellow limits of the ground rules (configs/rules/leo_smallsat.toml): nominal stays inside.
THERMAL_LIMITS_C = {
    "thermal.avionics_temp_c": (0.0, 32.0),
    "thermal.battery_temp_c": (5.0, 30.0),
    "thermal.radiator_temp_c": (-45.0, 30.0),
}
BUS_LIMITS_V = (29.0, 34.0)


def run(hil):
    start_s = hil.now_s
    subsystems = [entry["name"] for entry in hil.dictionary["subsystems"]]

    with hil.step("Flight software up: every subsystem reports, nominal mode, no alarms"):
        hil.wait_check("executive.ticks > 0", within=30)
        for name in subsystems:
            hil.await_telemetry(first_parameter(hil, name), anything(), within=2 * HK_PERIOD_S)
        hil.check("fdir.mode == 'nominal'")
        hil.check("power.payload_camera_switch_on == True")
        hil.check("navigation.in_eclipse == False")  # the orbit starts at the sub-solar point
        hil.assert_no_alarms()

    with hil.step("Routine command: battery heater set point to 6 C for the season"):
        completed_before = hil.tlm("executive.tc_completed")
        hil.send_and_await_completion(
            "thermal.set_heater", {"heater": "battery", "set_point_c": 6.0, "enabled": True}
        )
        hil.await_telemetry("thermal.battery_set_point_c", 6.0, within=2 * HK_PERIOD_S)
        hil.await_telemetry(
            "executive.tc_completed", greater_than(completed_before), within=2 * HK_PERIOD_S
        )
        # The battery sits near 15 C: 6 C is still far below it, so the heater stays off.
        hil.check("thermal.battery_heater_on == False")

    entries = []
    day_start_s = start_s + 2 * HK_PERIOD_S  # power has its first navigation fix by then
    predicted = None  # (sunset, sunrise) of the next orbit, once one eclipse has been seen
    for orbit in range(1, ORBITS + 1):
        with hil.step(f"Orbit {orbit}: eclipse drains the battery, sunlight refills it"):
            # From the second orbit on, the eclipse comes one orbital period after the last:
            # the ground looks for it from a few minutes before, and nowhere else.
            entry = _await_edge(hil, True, predicted and predicted[0], ORBIT_S)
            entries.append(entry.time_s)
            # The whole day before this sunset was power positive: the array carried the bus.
            day = (day_start_s, entry.time_s)
            hil.assert_telemetry_count("power.net_power_w", 0, less_than(0.0), *day)
            exit_ = _await_edge(hil, False, predicted and predicted[1], ECLIPSE_S)
            # The battery went in (nearly) full and came out drawn down by the bus load alone.
            soc_in = _assert_at(hil, "power.battery_soc", at_least(0.95), entry.time_s)
            soc_out = _assert_at(
                hil, "power.battery_soc", within_range(*END_OF_ECLIPSE_SOC), exit_.time_s
            )
            hil.note(
                f"eclipse {exit_.time_s - entry.time_s:.0f} s; state of charge "
                f"{soc_in:.3f} -> {soc_out:.3f}"
            )
            # In the shadow: no solar power, the battery carries the bus (discharging). Power
            # takes the navigation fix of the tick before, and the penumbra lasts about 10 s.
            dark = (entry.time_s + 2 * HK_PERIOD_S, exit_.time_s - HK_PERIOD_S)
            hil.assert_telemetry_count("power.solar_power_w", 0, greater_than(1.0), *dark)
            hil.assert_telemetry_count("power.battery_power_w", 0, at_least(0.0), *dark)
            hil.assert_no_alarms()
            # Back in the Sun: the array carries the bus with power to spare, the battery fills.
            day_start_s = exit_.time_s + HK_PERIOD_S  # power sees sunrise a tick late
            hil.await_telemetry("power.battery_soc", at_least(FULL_SOC), within=RECHARGE_S)
            hil.assert_telemetry_count("power.net_power_w", 0, less_than(0.0), since=day_start_s)
            hil.assert_no_alarms()
            period_s = 60.0 * hil.tlm("navigation.period_min")
            predicted = (entry.time_s + period_s, exit_.time_s + period_s)

    with hil.step("The eclipse flag and the state of charge cycled once per orbit"):
        hil.assert_event_count("navigation.eclipse_entry", ORBITS, since=start_s)
        hil.assert_event_count("navigation.eclipse_exit", ORBITS, since=start_s)
        pattern = [within_range(*END_OF_ECLIPSE_SOC), at_least(FULL_SOC)] * ORBITS
        hil.assert_telemetry_sequence("power.battery_soc", pattern, since=entries[0])

    with hil.step("Thermal and bus stayed inside their limits; no heater was needed"):
        for name, (low, high) in THERMAL_LIMITS_C.items():
            hil.assert_telemetry_count(name, 0, outside_range(low, high), since=start_s)
        hil.assert_telemetry_count("thermal.avionics_heater_on", 0, True, since=start_s)
        hil.assert_telemetry_count("thermal.battery_heater_on", 0, True, since=start_s)
        hil.assert_telemetry_count(
            "power.bus_voltage_v", 0, outside_range(*BUS_LIMITS_V), since=start_s
        )

    with hil.step("Housekeeping came down every 10 s for every subsystem, without a gap"):
        end_s = hil.now_s - HK_PERIOD_S  # the latest report may still be on its way down
        expected = int((end_s - start_s) // HK_PERIOD_S)
        for name in subsystems:
            parameter = first_parameter(hil, name)
            hil.assert_telemetry_count(parameter, at_least(expected), since=start_s, until=end_s)
            samples = hil.history(parameter, since=start_s, until=end_s)
            worst_s = max(b.time_s - a.time_s for a, b in pairwise(samples))
            if worst_s > HK_PERIOD_S:
                raise HilFailure(f"{name} housekeeping: a {worst_s:g} s gap")
        ingest = hil.ground_status().ingest
        hil.note(f"ground ingest: {msgspec.structs.asdict(ingest)}")
        if ingest.gaps or ingest.frames_missing or ingest.refused:
            raise HilFailure(f"the ground saw gaps or refused frames: {ingest}")

    with hil.step("No alarm, no warning event, and the spacecraft never left nominal mode"):
        # An alarm stays listed until acknowledged, and none was: none ever triggered.
        hil.assert_no_alarms()
        warnings = hil.events(since=start_s, min_severity=3)
        if warnings:
            raise HilFailure(f"warning events in a nominal run: {[str(e) for e in warnings]}")
        hil.assert_telemetry_count("fdir.mode", 0, not_equal_to("nominal"), since=start_s)
        hil.check("fdir.safe_mode_entries == 0")
        hil.check("fdir.actions_fired == 0")
        hil.check("executive.tc_failed == 0")


def _await_edge(hil, dark, predicted_s, within):
    """The next change of the eclipse flag to `dark`: near `predicted_s`, or within `within`."""
    if predicted_s is not None:
        hil.advance(max(0.0, predicted_s - LOOK_AHEAD_S - hil.now_s))
        within = 2 * LOOK_AHEAD_S
    return hil.await_telemetry("navigation.in_eclipse", changed(to=dark), within=within)


def _assert_at(hil, name, predicate, time_s):
    """Fail unless the sample of `name` taken at `time_s` matches; return its value."""
    return hil.assert_telemetry(name, predicate, since=time_s, until=time_s).value
