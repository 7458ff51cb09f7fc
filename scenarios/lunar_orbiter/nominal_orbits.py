"""Two mapping orbits: power, thermal, link and payload stay nominal; a command takes a round trip.

The orbiter flies a 100 km polar orbit of the Moon (period 118 min) with its camera,
spectrometer and altimeter on from the start of the mapping cycle at T+600 s. Nothing fails.
At this epoch each orbit has a 26-min eclipse (T+4960..6530 s and T+12030..13600 s); the loads
(386 W with the instruments on) then come from the 2 kWh battery: 386 W x 26 min = 168 Wh,
8.4 % of it, so from a full battery the state of charge bottoms near 0.92.

The link is the point of this mission: one-way light time is range / c, about 1.28 s
(navigation.light_time_s, 1.278-1.286 s today), so a telecommand's TM[1,7] completion report
can reach the ground no earlier than two light times (about 2.56 s) after it left.

What must follow: no alarm and no FDIR action for two orbits; the battery, the thermal nodes and
the X-band margin stay in their nominal envelopes (the figures quoted in
configs/rules/lunar_orbiter.toml); science data keeps flowing into the mass memory at the
instruments' 2.13 Mbit/s; a routine command is verified to completion one round trip after
it was sent, and its effect shows in telemetry sampled after it reached the spacecraft.
"""

from procedures.checks import require

from ground.testkit import at_least, at_most, is_not, within_range

MISSION = "lunar_orbiter"

ORBIT_S = 7080.0  # 2 pi sqrt(a^3 / mu) for a = 1837.4 km, mu_Moon = 4902.8 km3/s2: 118 min
ECLIPSE_MAX_S = 47 * 60  # the longest eclipse of the year (beta = 0), a budget for one to end
SCIENCE_MB_S = (2.0e6 + 1.0e5 + 3.0e4) / 8e6  # camera + spectrometer + altimeter, MB/s
HK_S = 10.0  # every subsystem reports every 10 s
PENUMBRA_S = 60.0  # the Sun's 0.53 deg disc set at a grazing angle: half a minute, doubled


def run(hil):
    with hil.step("Link closed on the high-gain antenna, one light time away"):
        # The first comms report comes before navigation has a range (it reads 0 dB);
        # acquisition follows on the next comms tick.
        hil.wait_check("comms.link_up == True", within=60)
        hil.wait_check("comms.link_margin_db > 17.5", within=30)  # 18.2 dB at 8 Mbit/s
        hil.check("comms.antenna == 'high_gain'")
        hil.check("navigation.light_time_s > 1.27")
        hil.check("navigation.light_time_s < 1.29")
        hil.check("fdir.mode == 'nominal'")
        hil.assert_no_alarms()

    with hil.step("Mapping cycle starts: camera, spectrometer and altimeter collect"):
        hil.await_event("mission_events.mapping_cycle_start", within=700)
        hil.check("payload.camera_mode == 'imaging'")
        hil.check("payload.spectrometer_mode == 'science'")
        hil.check("payload.altimeter_mode == 'ranging'")
        hil.check("power.load_power_w < 401")  # 386 W; the battery heater adds 15 W when on
        before = hil.tlm_sample("payload.data_produced_mb")
        hil.advance(300)
        after = hil.tlm_sample("payload.data_produced_mb")
        rate_mb_s = (after.value - before.value) / (after.time_s - before.time_s)
        hil.note(f"science data {rate_mb_s:.4f} MB/s (instruments: {SCIENCE_MB_S:.4f} MB/s)")
        require(abs(rate_mb_s - SCIENCE_MB_S) < 0.01 * SCIENCE_MB_S, "science rate off by > 1 %")

    with hil.step("Routine command: clear the mass memory; completion waits a round trip"):
        # The day's science has been dumped and confirmed: the memory is cleared. The ground
        # sees the TM[1,7] completion only after the command has travelled up and the report
        # down again, 2 x range / c.
        one_way_s = hil.tlm("navigation.light_time_s")
        stored_mb = hil.check("payload.storage_used_mb > 50")
        command = hil.send_and_await_completion("payload.clear_storage", within=30)
        sent_s = command.stages["sent"]
        round_trip_s = command.stages["completed"] - sent_s
        hil.note(f"round trip {round_trip_s:.3f} s; one-way light time {one_way_s:.4f} s")
        # No earlier than two light times (a millisecond for the range change meanwhile);
        # no later than one onboard tick (1 s) after that.
        require(round_trip_s >= 2 * one_way_s - 0.001, "completion came back faster than light")
        require(round_trip_s <= 2 * one_way_s + 1.0, "completion later than a round trip + 1 s")
        hil.assert_event("payload.storage_cleared", since=sent_s)
        # The effect: the first report after the command arrived holds at most one report
        # period of new data; every report before its arrival still held the old content.
        arrival_s = sent_s + one_way_s
        emptied = hil.await_telemetry(
            "payload.storage_used_mb", at_most(SCIENCE_MB_S * HK_S + 0.01), within=30
        )
        require(emptied.time_s >= arrival_s, "memory emptied before the command could arrive")
        hil.assert_telemetry_count(
            "payload.storage_used_mb",
            0,
            at_most(stored_mb / 2),
            since=sent_s - HK_S,
            until=arrival_s,
        )

    with hil.step("First orbit's eclipse: the battery carries the loads"):
        entry = hil.await_event("navigation.eclipse_entry", within=ORBIT_S)
        exit_ = hil.await_event("navigation.eclipse_exit", within=ECLIPSE_MAX_S)
        hil.note(f"eclipse of {(exit_.time_s - entry.time_s) / 60:.1f} min")
        # The array goes dark once through the penumbra (about 30 s at this grazing angle).
        hil.assert_telemetry_count(
            "power.solar_power_w",
            0,
            at_least(1.0),
            since=entry.time_s + PENUMBRA_S,
            until=exit_.time_s - PENUMBRA_S,
        )
        hil.assert_telemetry_count(
            "power.battery_soc", 0, at_most(0.85), since=entry.time_s, until=exit_.time_s + HK_S
        )
        hil.wait_check("power.solar_power_w > 1700", within=60)  # 1843 W on a tracking array
        hil.assert_no_alarms()

    with hil.step("Second orbit's eclipse, the same"):
        entry = hil.await_event("navigation.eclipse_entry", within=ORBIT_S)
        exit_ = hil.await_event("navigation.eclipse_exit", within=ECLIPSE_MAX_S)
        hil.assert_telemetry_count(
            "power.battery_soc", 0, at_most(0.85), since=entry.time_s, until=exit_.time_s + HK_S
        )
        hil.wait_check("power.solar_power_w > 1700", within=60)
        hil.wait_check("navigation.orbit_count >= 2", within=ORBIT_S)
        hil.assert_no_alarms()

    with hil.step("Two orbits in review: every report in its nominal envelope"):
        start_s = 600.0  # from the mapping cycle on
        # Envelopes: the nominal figures of configs/rules/lunar_orbiter.toml, 2 K wider.
        envelopes = {
            "power.bus_voltage_v": (29.5, 35.0),  # 31.7-34.5 V over an orbit
            "power.battery_soc": (0.85, 1.0),
            "thermal.avionics_temp_c": (12.0, 23.0),  # 14-21 C
            "thermal.battery_temp_c": (7.0, 17.0),  # heater-held 9-15 C
            "thermal.payload_temp_c": (9.0, 21.0),  # 11-19 C with the instruments on
            "thermal.tank_temp_c": (9.0, 25.0),  # hydrazine freezes at 2 C
            "thermal.radiator_temp_c": (-16.0, 3.0),  # -14 to +1 C
            "comms.link_margin_db": (17.5, 19.0),  # 18.2 dB; the range changes by < 0.3 %
            "navigation.light_time_s": (1.278, 1.286),
            "navigation.altitude_km": (99.0, 101.0),
        }
        for name, (low, high) in envelopes.items():
            hil.assert_telemetry_count(name, 0, is_not(within_range(low, high)), since=start_s)
        hil.assert_telemetry_count("comms.link_up", 0, False, since=start_s)
        hil.assert_telemetry_count("fdir.mode", 0, is_not("nominal"), since=start_s)
        hil.assert_telemetry_count("payload.camera_status", 0, is_not("ok"), since=start_s)
        hil.check("fdir.actions_fired == 0")
        hil.check("fdir.safe_mode_entries == 0")
        hil.check("executive.tc_failed == 0")
        hil.assert_event_count("navigation.eclipse_entry", 2)
        # Science kept coming for the whole span, at the instruments' rate.
        first = hil.find_telemetry("payload.data_produced_mb", at_least(0.0), since=start_s)
        last = hil.tlm_sample("payload.data_produced_mb")
        rate_mb_s = (last.value - first.value) / (last.time_s - first.time_s)
        require(abs(rate_mb_s - SCIENCE_MB_S) < 0.01 * SCIENCE_MB_S, "science rate off by > 1 %")
        hil.note(f"{last.value - first.value:.0f} MB of science in {hil.now_s / 3600:.1f} h")
        # Not one alarm raised at any time, not only none active at the checkpoints.
        raised = hil.alarm_log()
        require(not raised, f"alarms raised during the orbits: {[str(e) for e in raised]}")
        hil.assert_no_alarms()
