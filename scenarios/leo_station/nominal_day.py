"""Nominal station day: three orbits of eclipses, cabin air held, a furnace run commanded, no alarm.

Four crew aboard, nothing wrong. Over three orbits (92.8 min each at 420 km, about 36 min of
it in the Earth's shadow) the station must:

- keep the cabin air inside the crewed limits of configs/rules/leo_station.toml: CO2 well below
  the 3000 ppm where symptoms start (the scrubber holds 1600-1950 ppm), ppO2 19.5-23.1 kPa (the
  O2 supply holds 21.3), total pressure 99.5-103 kPa, humidity 25-70 %, cabin 18.3-26.7 C;
- carry each eclipse on the battery and refill it in sunlight: an eclipse takes about 5.4 kWh
  of the 30 kWh (state of charge >= 0.8), the 33 kW arrays put it back within 15 minutes;
- keep the crew's vital signs normal (the first 8 h of the mission day they sleep);
- carry out a routine command, the furnace to `melt` and back, verified by its TM[1,7] report
  and by the furnace's mode and power in housekeeping;
- raise no ground alarm, no onboard monitor and no event above `low` severity.

The scheduled timeline (daily planning conference at 1 h, visiting vehicle `go` at 4 h) runs
along; the approach itself is flown in docking_misalignment_abort.py.
"""

from ground.testkit import HilFailure, at_least, at_most, close_to, less_than, outside_range

MISSION = "leo_station"

ORBIT_S = 5570.0  # 92.8 min at 420 km (navigation.period_min)
MAX_ECLIPSE_S = 2200.0  # 36 min at most in the shadow at 420 km, and a 40 s margin
RECHARGE_S = 1800.0  # about 5 kWh back at 20-25 kW of surplus: 15 min; half the day side
HK_S = 10.0  # every subsystem reports every 10 s
FIRST_HK_S = 60.0  # the first housekeeping of every subsystem arrives within a few ticks
COMMAND_S = 30.0  # 0.5 s relay round trip and the next 10 s report; a command takes seconds

# (parameter, low, high): the ground rules' yellow bands (configs/rules/leo_station.toml)
CABIN_LIMITS = (
    ("life_support.co2_ppm", 0.0, 3000.0),
    ("life_support.o2_pp_kpa", 19.5, 23.1),
    ("life_support.cabin_pressure_kpa", 99.5, 103.0),
    ("life_support.humidity_pct", 25.0, 70.0),
    ("thermal.cabin_temp_c", 18.3, 26.7),
)
CREW = ("anna_kowalski", "kenji_sato", "marcus_reed", "lucia_ferreira")
HEART_RATE_BPM = (35.0, 130.0)  # the ground's yellow band; asleep the lowest is about 40 bpm
SPO2_FLOOR_PCT = 94.0  # yellow below 94 %; about 97.5 % at 21.3 kPa ppO2


def held_within(hil, name, low, high, since, until):
    """Every archived sample of `name` in the window lies in low..high, and there are enough."""
    expected = int((until - since) / HK_S * 0.9)  # a gap in housekeeping would hide a breach
    hil.assert_telemetry_count(name, 0, outside_range(low, high), since=since, until=until)
    hil.assert_telemetry_count(name, at_least(expected), since=since, until=until)


def fly_one_orbit(hil, number):
    """Await the next eclipse; the battery carries it and is full again in sunlight."""
    # Watched in housekeeping (10 s) rather than by event, then matched with navigation's events.
    into = hil.await_telemetry("navigation.in_eclipse", True, within=ORBIT_S)
    entry = hil.assert_event("navigation.eclipse_entry", since=into.time_s - HK_S)
    out = hil.await_telemetry("navigation.in_eclipse", False, within=MAX_ECLIPSE_S)
    exit_ = hil.assert_event("navigation.eclipse_exit", since=out.time_s - HK_S)
    hil.note(f"orbit {number}: {exit_.time_s - entry.time_s:.0f} s in the shadow")
    # In the shadow the arrays give nothing: the whole load (7.8 kW, 8.6 kW with the furnace
    # melting) comes out of the battery.
    hil.assert_telemetry("power.solar_power_w", close_to(0.0, 1.0), since=entry.time_s)
    hil.assert_telemetry("power.net_power_w", less_than(-7000.0), since=entry.time_s)
    shadow = hil.history("power.battery_soc", since=entry.time_s, until=exit_.time_s)
    deepest = min(sample.value for sample in shadow)
    hil.note(f"orbit {number}: battery down to {deepest:.3f} at the end of the eclipse")
    # 8.6 kW for 36 min with 95 % efficiency is 5.4 kWh of 30 kWh, about 0.18 of charge: never
    # below 0.8 (ground yellow 0.6, onboard safe-mode trigger 0.4).
    hil.assert_telemetry_count(
        "power.battery_soc", 0, less_than(0.8), since=entry.time_s, until=exit_.time_s
    )
    hil.assert_telemetry("power.battery_soc", at_most(shadow[0].value - 0.1), since=entry.time_s)
    hil.await_telemetry("power.battery_soc", at_least(0.999), within=RECHARGE_S)
    hil.assert_no_alarms()


def run(hil):
    start_s = hil.now_s

    with hil.step("Station configured for crewed operations at the first housekeeping"):
        hil.wait_check("fdir.mode == nominal", within=FIRST_HK_S)
        hil.wait_check("life_support.scrubber_on == true", within=FIRST_HK_S)
        hil.check("life_support.o2_supply_enabled == true")
        hil.check("life_support.crew_count == 4")
        hil.wait_check("thermal.pump_running == true", within=FIRST_HK_S)
        hil.wait_check("comms.link_up == true", within=FIRST_HK_S)
        hil.check("life_support.co2_ppm < 2500")
        hil.check("life_support.o2_pp_kpa > 21.0")
        hil.check("life_support.cabin_pressure_kpa > 101.0")
        hil.check("fdir.monitors_violated == 0")
        hil.assert_no_alarms()

    with hil.step("Routine command: the furnace starts a melt for the materials experiment"):
        standby_w = hil.tlm("power.payload_load_w")
        hil.send_and_await_completion(
            "payload.set_mode", {"instrument": "furnace", "mode": "melt"}, within=COMMAND_S
        )
        hil.assert_event("payload.instrument_mode", since=start_s)
        hil.await_telemetry("payload.furnace_mode", "melt", within=2 * HK_S)
        # The furnace goes from 40 W in standby to 800 W melting: the bus sees the 760 W.
        hil.await_telemetry(
            "power.payload_load_w", close_to(standby_w + 760.0, 1.0), within=2 * HK_S
        )

    for number in (1, 2, 3):
        with hil.step(f"Orbit {number}: the battery carries the eclipse and refills in sunlight"):
            fly_one_orbit(hil, number)

    with hil.step("Three orbits flown; the furnace run ends on command"):
        hil.wait_check("navigation.orbit_count >= 3", within=ORBIT_S)
        hil.send_and_await_completion(
            "payload.set_mode", {"instrument": "furnace", "mode": "standby"}, within=COMMAND_S
        )
        hil.await_telemetry("payload.furnace_mode", "standby", within=2 * HK_S)
        hil.await_telemetry("power.payload_load_w", close_to(standby_w, 1.0), within=2 * HK_S)

    with hil.step("The day in the archive: cabin air, crew and modes within limits throughout"):
        end_s = hil.now_s
        # From the first full report on (the first ones arrive within a few ticks).
        since = start_s + FIRST_HK_S
        for name, low, high in CABIN_LIMITS:
            held_within(hil, name, low, high, since, end_s)
        for member in CREW:
            held_within(hil, f"life_support.{member}_heart_rate_bpm", *HEART_RATE_BPM, since, end_s)
            held_within(hil, f"life_support.{member}_spo2_pct", SPO2_FLOOR_PCT, 100.0, since, end_s)
        hil.assert_telemetry_count("fdir.mode", 0, "safe", since=since)
        hil.assert_telemetry_count("fdir.mode", 0, "abort", since=since)
        hil.assert_telemetry_count("fdir.monitors_violated", 0, at_least(1), since=since)
        hil.assert_telemetry_count("executive.tc_failed", 0, at_least(1), since=since)
        # The timeline ran: the planning conference and the visiting vehicle's go.
        hil.assert_event_sequence(
            ["mission_events.daily_planning_conference", "mission_events.visiting_vehicle_go"],
            since=start_s,
        )
        hil.assert_event_count("navigation.eclipse_entry", at_least(3), since=start_s)
        # Nothing worse than `low` (2) all day: no monitor, no FDIR action, no equipment alarm.
        worse = hil.events(since=start_s, min_severity=3)
        if worse:
            raise HilFailure(f"events above low severity: {[str(e) for e in worse]}")
        hil.assert_no_alarms()
