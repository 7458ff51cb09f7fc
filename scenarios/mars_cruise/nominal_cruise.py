"""Nominal cruise, the first day out: power, thermal, link and navigation steady, a routine command verified, no alarm.

The spacecraft leaves Earth on the Hohmann transfer to Mars and nothing goes wrong; the first
day must show it:
- power: 6 m2 of arrays give 2297 W at 1 AU against 481 W of loads, and there is no eclipse in
  cruise, so the battery floats full all day (state of charge 1.0, bus 33.2 V).
- thermal: every node starts at its 1 AU equilibrium (avionics 24.5 C, battery 18 C, tank 24 C,
  radiator 4.7 C); a day takes the spacecraft only 3e-5 AU further from the Sun.
- navigation and link: the range to Earth grows at the departure excess speed, about 2.94 km/s
  (the Hohmann v-infinity for Mars), so it is near 254,000 km after a day and the one-way light
  time 0.85 s; the X-band margin at 2 Mbit/s falls as 20 log10(range), from 71 dB at 6 h to
  59 dB at a day, far above the 3 dB the link_margin rule asks.
- routine commanding: the approach camera's cruise checkout, switched on to standby now and off
  again by a time-tagged command an hour later. Any telecommand also restarts the 7-day
  command-loss timer, the cruise's watchdog.
No ground rule may fire and no onboard event may rise above 'low' severity all day.
"""

import itertools

from ground.testkit import HilFailure, not_equal_to, outside_range

MISSION = "mars_cruise"

HOUR_S = 3600.0
DAY_S = 86400.0
HK_S = 60.0  # housekeeping period of every subsystem but the executive
V_INFINITY_M_S = 2940.0  # Earth departure excess speed of the Hohmann transfer to Mars
SPEED_OF_LIGHT_M_S = 299_792_458.0


def run(hil):
    with hil.step("Departure: arrays on the Sun, battery full, high-gain link up, no alarm"):
        # Frames sent before navigation's first range take the config's fallback light time,
        # 180 s, so the first housekeeping reaches the ground 3 minutes after launch.
        hil.wait_check("comms.link_up == True", within=180 + 2 * HK_S)
        hil.check("fdir.mode == 'nominal'")
        hil.check("navigation.attitude_mode == 'sun'")
        hil.check("comms.antenna == 'high_gain'")
        hil.check("power.battery_soc >= 0.999")
        hil.assert_no_alarms()

    with hil.step("Six hours of cruise: power, temperatures and propulsion hold still"):
        hil.advance(6 * HOUR_S - hil.now_s)
        since = 2 * HK_S  # from the first complete housekeeping on
        # No eclipse, so no discharge: the shunt regulator holds the battery full.
        hil.assert_telemetry_count("power.battery_soc", 0, outside_range(0.999, 1.0), since=since)
        hil.assert_telemetry_count("power.bus_voltage_v", 0, outside_range(33.1, 33.3), since=since)
        hil.assert_telemetry_count("power.solar_power_w", 0, outside_range(2280, 2310), since=since)
        hil.assert_telemetry_count("power.load_power_w", 0, outside_range(470, 500), since=since)
        # Each node sits at its 1 AU equilibrium; half a degree is more than a day can move it.
        for node, start_c in (
            ("avionics", 24.5),
            ("battery", 18.0),
            ("tank", 24.0),
            ("radiator", 4.7),
        ):
            hil.assert_telemetry_count(
                f"thermal.{node}_temp_c",
                0,
                outside_range(start_c - 0.5, start_c + 0.5),
                since=since,
            )
        hil.assert_telemetry_count("thermal.avionics_heater_on", 0, True, since=since)
        # The regulator holds the tank at 1500 kPa; no burn, no leak: not a gram of propellant goes.
        hil.assert_telemetry_count(
            "propulsion.tank_pressure_kpa", 0, outside_range(1490, 1510), since=since
        )
        hil.assert_telemetry_count("propulsion.propellant_kg", 0, not_equal_to(250.0), since=since)
        hil.check("comms.link_margin_db > 65")
        hil.assert_no_alarms()

    with hil.step("Routine command: approach camera checkout, switched on to standby"):
        silent_s = hil.check("executive.time_since_tc_s > 21000")  # no telecommand since launch
        # One tick (10 s) and a round trip of 0.4 s: a minute is plenty.
        on = hil.send_and_await_completion(
            "payload.power_on", {"instrument": "approach_camera"}, within=60
        )
        hil.note(f"command-loss timer was at {silent_s:.0f} s of its 604800 s")
        hil.wait_check("payload.approach_camera_mode == 'standby'", within=2 * HK_S)
        hil.wait_check("payload.approach_camera_power_w == 5.0", within=2 * HK_S)
        # The telecommand restarted the command-loss timer (the executive reports every 10 s).
        hil.wait_check("executive.time_since_tc_s < 120", within=2 * HK_S)
        hil.assert_event("payload.instrument_mode", since=on.stages["sent"])

    with hil.step(
        "Routine command: the camera switched off by a command time-tagged an hour ahead"
    ):
        release_s = hil.now_s + HOUR_S
        off = hil.send_command(
            "payload.power_off", {"instrument": "approach_camera"}, release_s=release_s
        )
        # It waits on board: the camera stays in standby until the release time.
        hil.advance(HOUR_S - 2 * HK_S)
        hil.check("payload.approach_camera_mode == 'standby'")
        # (await_telemetry, not wait_check: a check expression reads 'off' as False.)
        hil.await_telemetry("payload.approach_camera_mode", "off", within=4 * HK_S)
        done = hil.await_command(off, "completed", within=0)
        if not release_s <= done.stages["completed"] < release_s + 10.0:
            raise HilFailure(
                f"time-tagged power_off ran at {done.stages['completed']}, not at {release_s}"
            )

    with hil.step("Cruise checkout completes on schedule, half a day out"):
        hil.advance(DAY_S / 2 - hil.now_s)  # the timeline's first entry is at T+12 h
        hil.wait_check("mission_events.scheduled_events >= 1", within=2 * HK_S)
        checkout = hil.assert_event("mission_events.cruise_checkout_complete", since=0)
        if checkout.time_s != DAY_S / 2:
            raise HilFailure(f"checkout event at {checkout.time_s} s, scheduled at {DAY_S / 2} s")

    with hil.step("The rest of the first day: still nothing happens"):
        hil.advance(DAY_S - hil.now_s)
        since = 2 * HK_S
        hil.assert_telemetry_count("power.battery_soc", 0, outside_range(0.999, 1.0), since=since)
        hil.assert_telemetry_count("power.solar_power_w", 0, outside_range(2280, 2310), since=since)
        hil.assert_telemetry_count(
            "thermal.avionics_temp_c", 0, outside_range(24.0, 25.0), since=since
        )
        hil.assert_telemetry_count(
            "thermal.radiator_temp_c", 0, outside_range(4.2, 5.2), since=since
        )
        hil.assert_telemetry_count("fdir.mode", 0, "safe", since=0)
        hil.assert_telemetry_count("comms.link_up", 0, False, since=since)
        hil.check("propulsion.propellant_kg == 250.0")
        hil.check("payload.storage_fraction < 0.02")  # cruise science fills about 1.7 % a day

    with hil.step(
        "Navigation: the range grows at the departure speed; light time and margin follow"
    ):
        range_km = hil.check("comms.range_km > 0")
        expected_km = V_INFINITY_M_S * DAY_S / 1e3
        if abs(range_km - expected_km) > 0.05 * expected_km:
            raise HilFailure(
                f"range {range_km:.0f} km after a day, expected {expected_km:.0f} km +- 5 %"
            )
        light_s = hil.ground_status().one_way_light_time_s
        if abs(light_s - range_km * 1e3 / SPEED_OF_LIGHT_M_S) > 0.01:
            raise HilFailure(
                f"ground light time {light_s:.3f} s does not match the range {range_km:.0f} km"
            )
        hil.note(f"range {range_km:,.0f} km, one-way light time {light_s:.2f} s")
        hil.check("navigation.sun_distance_au < 1.001")
        # Margin falls with range: no sample after the first range higher than the one before.
        margins = [s.value for s in hil.history("comms.link_margin_db", since=2 * HK_S)]
        rises = [b - a for a, b in itertools.pairwise(margins) if b > a + 1e-9]
        if rises:
            raise HilFailure(f"link margin rose {len(rises)} times while the range only grew")
        hil.note(f"link margin fell steadily over {len(margins)} reports, to {margins[-1]:.1f} dB")
        hil.check("comms.link_margin_db > 55")
        hil.check("comms.link_margin_db < 62")

    with hil.step("A day without a single alarm or an onboard event above 'low'"):
        # An alarm that came and went stays listed until acknowledged: none did.
        hil.assert_no_alarms()
        serious = hil.events(since=0, min_severity=3)  # 3 is 'medium', 4 'high'
        if serious:
            raise HilFailure("onboard events above 'low':\n" + "\n".join(map(str, serious)))
        hil.note(f"{len(hil.events(since=0))} onboard events in the day, none above 'low'")
        hil.check("executive.tc_failed == 0")
        hil.check("executive.tc_frames_refused == 0")
