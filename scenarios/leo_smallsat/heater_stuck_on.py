"""Avionics heater stuck on: alarms, a disable that cannot help, the ground cuts the heater feed.

The avionics heater's relay welds closed in sunlight: 15 W more go into a 4000 J/K box that
swings between 20 and 27 C in a nominal orbit. The ground's rules see it at once
(avionics_heater_off, watch: the heater is on though the box is far above its 10 C set point)
and again when the box passes 32 C about 1.5 h later (avionics_temp, warning, and the
combination built for this case, avionics_heater_on_when_hot, distress).

The operator disables the heater (thermal.heater_enable): the command completes, but a disable
only keeps the thermostat from closing the relay, and this relay is welded: telemetry still
shows the heater on and drawing 15 W. (The onboard avionics_hot monitor, at 38 C about 1.5 h
later, would have tried the same disable.) The operator then switches off the heaters' feed at
the power distribution (power.load_off thermal). Unpowered, the heater stops heating: the box
hovers just under 32 C for the rest of the day, falls in the next eclipse, and peaks near 31 C
an orbit later. The alarms are acknowledged; the welded relay's watch alarm stays (it is still
closed), acknowledged. The battery, now without a heater too, stays far above its 5 C limit,
warmed by the avionics.
"""

from ground.testkit import HilFailure, at_least, changed, close_to, less_than

MISSION = "leo_smallsat"

HK_PERIOD_S = 10.0
HEATER_W = 15.0  # [[subsystems.thermal.heaters]] avionics
WATCH_S = 3 * HK_PERIOD_S + HK_PERIOD_S  # avionics_heater_off: persistence 3
ALARM_S = 3 * HK_PERIOD_S + HK_PERIOD_S  # avionics_temp: persistence 3
TO_YELLOW_S = 7200.0  # 20 -> 32 C took ~1.5 h (an eclipse stalls the rise); two hours at most
ORBIT_S = 5700.0  # 94.4 min, with a minute to spare
ECLIPSE_S = 2400.0  # the noon-midnight eclipse lasts 2140 s
LOOK_AHEAD_S = 300.0  # one period after the last, sunset repeats to within 10 s
AVIONICS_YELLOW_C = 32.0
BATTERY_YELLOW_LOW_C = 5.0


def run(hil):
    with hil.step("Nominal: avionics heater enabled and off, box in its band, no alarms"):
        hil.wait_check("thermal.avionics_temp_c < 27", within=2 * HK_PERIOD_S)
        hil.check("thermal.avionics_heater_on == False")
        hil.check("thermal.avionics_enabled == True")
        hil.check("power.thermal_switch_on == True")
        hil.check("power.thermal_load_w == 0.0")
        hil.assert_no_alarms()

    with hil.step("The heater relay welds closed: 15 W into the box; the ground's watch alarm"):
        welded_s = hil.inject_fault("thermal", "heater_stuck_on", heater="avionics")
        hil.await_telemetry("thermal.avionics_heater_on", True, within=2 * HK_PERIOD_S)
        hil.await_telemetry(
            "power.thermal_load_w", close_to(HEATER_W, 0.01), within=3 * HK_PERIOD_S
        )
        hil.await_alarm("avionics_heater_off", severity="watch", within=WATCH_S)

    with hil.step("The box passes 32 C: warning, and the heater-on-when-hot combination"):
        hil.wait_check(f"thermal.avionics_temp_c > {AVIONICS_YELLOW_C}", within=TO_YELLOW_S)
        hil.await_alarm("avionics_heater_on_when_hot", severity="distress", within=ALARM_S)
        names = {alarm.name for alarm in hil.alarms()}
        if "avionics_temp" not in names:
            raise HilFailure(f"active alarms {sorted(names)}: no avionics_temp")
        hil.note(f"{hil.now_s - welded_s:.0f} s after the relay welded")

    with hil.step("The operator disables the heater; telemetry shows it still on"):
        disabled_s = hil.now_s
        hil.send_and_await_completion(
            "thermal.heater_enable", {"heater": "avionics", "enabled": False}
        )
        hil.await_telemetry("thermal.avionics_enabled", False, within=2 * HK_PERIOD_S)
        # A disable keeps the thermostat from closing the relay; a welded relay stays closed.
        hil.await_telemetry_count(
            "thermal.avionics_heater_on", at_least(3), True, within=4 * HK_PERIOD_S
        )
        hil.assert_telemetry_count("thermal.avionics_heater_on", 0, False, since=disabled_s)
        hil.check(f"power.thermal_load_w == {HEATER_W}")

    with hil.step("The operator switches off the heaters' feed at the power distribution"):
        cut_s = hil.now_s
        hil.send_and_await_completion(
            "power.load_off", {"consumer": "thermal", "force": False}, confirm=True
        )
        hil.await_telemetry("power.thermal_switch_on", False, within=2 * HK_PERIOD_S)
        hil.await_telemetry("thermal.heaters_powered", False, within=3 * HK_PERIOD_S)
        hil.await_telemetry("power.thermal_load_w", 0.0, within=2 * HK_PERIOD_S)
        hil.assert_event("power.load_switched", since=cut_s)

    with hil.step("The box cools back under its limit through the next eclipse"):
        # Without the 15 W it hovers just under 32 C for the rest of the day, then the eclipse
        # takes it down as in any orbit.
        hil.wait_check(f"thermal.avionics_temp_c < {AVIONICS_YELLOW_C - 1}", within=ORBIT_S)
        hil.check("navigation.in_eclipse == True")
        peak = max(s.value for s in hil.history("thermal.avionics_temp_c", since=welded_s))
        hil.note(f"peak avionics temperature {peak:.2f} C (red limit 40 C, onboard limit 38 C)")
        hil.assert_no_event("fdir.avionics_hot", since=welded_s)  # the ground got there first

    with hil.step("The ground acknowledges; only the welded relay's watch alarm remains"):
        acked_s = hil.now_s
        for alarm in hil.alarms():
            hil.acknowledge(alarm.name, "avionics heater relay welded; heater feed switched off")
        hil.assert_no_alarms(severity="warning")
        remaining = [(a.name, a.acknowledged) for a in hil.alarms()]
        if remaining != [("avionics_heater_off", True)]:
            raise HilFailure(
                f"alarms left: {remaining}; expected avionics_heater_off, acknowledged"
            )
        hil.check("thermal.avionics_heater_on == True")  # still welded, but unpowered

    with hil.step("A full orbit later the box is back in its band, with no heater at all"):
        hil.await_telemetry("navigation.in_eclipse", changed(to=False), within=ECLIPSE_S)
        # The hottest point of an orbit is just before sunset, one period after the last one.
        last_sunset = hil.assert_event("navigation.eclipse_entry", since=cut_s)
        next_sunset_s = last_sunset.time_s + 60.0 * hil.tlm("navigation.period_min")
        hil.advance(next_sunset_s - LOOK_AHEAD_S - hil.now_s)
        hil.await_telemetry("navigation.in_eclipse", changed(to=True), within=2 * LOOK_AHEAD_S)
        hil.assert_telemetry_count(
            "thermal.avionics_temp_c", 0, at_least(AVIONICS_YELLOW_C), since=acked_s
        )
        # Without its heater the battery is kept warm by the avionics: far above 5 C.
        hil.assert_telemetry_count(
            "thermal.battery_temp_c", 0, less_than(BATTERY_YELLOW_LOW_C), since=cut_s
        )
        hil.assert_no_alarms(severity="warning")
        hil.assert_telemetry_count("fdir.mode", 0, "safe", since=welded_s)
        hil.check("power.load_power_w == 35.0")  # avionics and camera: the heaters draw nothing
