"""Solar particle event: FDIR puts the instruments in standby; the ground restores mapping after.

Around the Moon there is no magnetosphere: the dose is the galactic cosmic-ray background,
about 13 uSv/h with the Moon hiding a third of the sky. A large solar particle event
multiplies it by a thousand (13 mSv/h; the big events of 1972 and 1989 went well beyond),
so the 10 mSv mark of the accumulated dose is passed about 45 min in.

Detection: the environment monitor reports `radiation_storm_start` (HIGH) on its next
10-s tick and the sensor array's dosimeter reads the same; the ground rule `dose_rate` goes
red (critical, > 1000 uSv/h for 2 samples). On board, FDIR's `dose_rate_high` monitor
(configs/lunar_orbiter.toml: > 1000 uSv/h, 75 times the background, for 2 checks) trips: FDIR
reads housekeeping one tick late, so its second check comes 20-30 s after the onset.
Onboard response: three event-actions, one per instrument, put the camera, the spectrometer
and the altimeter in standby (detectors and laser off, 23 W instead of 125 W), on the very
tick the monitor trips, without waiting for an operator. The spacecraft stays in nominal
mode: the bus is built for the dose, and the high-gain link at 8 Mbit/s is kept.

The storm is flown for two hours, then ends: `radiation_storm_end`, the dose rate falls back
to the background, the monitor clears on board (`dose_rate_high_cleared`) and the ground
alarm returns to normal. FDIR does not bring the instruments back by itself: that is the
ground's decision, once it has seen the event is over. It returns them to their mapping
modes, each command verified a round trip (2.6 s) after it left, and science data flows
again at 2.13 Mbit/s.
"""

from procedures.checks import require

from ground.testkit import at_least, at_most, greater_than, is_not, within_range

MISSION = "lunar_orbiter"

GCR_USV_H = (12.0, 15.0)  # 20 uSv/h of free-space GCR, a third hidden by the Moon: 13.25
STORM_MULTIPLIER = 1000.0
STORM_S = 2 * 3600.0  # the proton flux of a large event stays high for hours
DOSE_MARK_MSV = 10.0  # the first of dose_thresholds_msv
MONITOR_LIMIT_USV_H = 1000.0  # [[subsystems.fdir.monitors]] dose_rate_high
INSTRUMENTS = {"camera": "imaging", "spectrometer": "science", "altimeter": "ranging"}
STANDBY_W = 10.0 + 5.0 + 8.0  # the three instruments' standby draw
MAPPING_W = 60.0 + 30.0 + 35.0
SCIENCE_MB_S = (2.0e6 + 1.0e5 + 3.0e4) / 8e6
HK_S = 10.0  # environment, FDIR and payload all tick and report every 10 s
# Onset to the monitor's event: the environment's next tick (10 s), then FDIR's two checks of
# that report, one tick late (20 s).
MONITOR_BUDGET_S = 3 * HK_S


def run(hil):
    with hil.step("Quiet Sun: cosmic-ray background, mapping with all three instruments"):
        hil.advance(900)
        hil.check(f"environment.dose_rate_usv_h > {GCR_USV_H[0]}")
        hil.check(f"environment.dose_rate_usv_h < {GCR_USV_H[1]}")
        hil.check("environment.storm_active == False")
        hil.check("fdir.dose_rate_high_status == 'nominal'")
        for instrument, mode in INSTRUMENTS.items():
            hil.check(f"payload.{instrument}_mode == '{mode}'")
        hil.check(f"payload.total_power_w == {MAPPING_W:g}")
        hil.assert_no_alarms()

    with hil.step("A solar particle event multiplies the dose rate by a thousand"):
        onset_s = hil.inject_fault("environment", "radiation_storm", multiplier=STORM_MULTIPLIER)

    with hil.step("Detected: storm event and dose-rate alarm, then FDIR's dose-rate monitor"):
        one_way_s = hil.ground_status().one_way_light_time_s
        monitor = hil.await_event("fdir.dose_rate_high", within=MONITOR_BUDGET_S + one_way_s)
        hil.note(f"monitor tripped {monitor.time_s - onset_s:.0f} s after the onset")
        require(monitor.severity == 4, f"monitor event at severity {monitor.severity}, not high")
        require(monitor.params.get("status") == "above_high", monitor.message)
        require(monitor.params["value"] > MONITOR_LIMIT_USV_H, monitor.message)
        start, _ = hil.assert_event_sequence(
            ["environment.radiation_storm_start", "fdir.dose_rate_high"], since=onset_s
        )
        require(start.severity == 4, f"storm reported at severity {start.severity}, not high")
        alarm = hil.assert_alarm("dose_rate", severity="critical", since=onset_s)
        hil.note(f"ground alarm on the sample of {alarm.time_s:.0f} s")
        hil.check("environment.dose_rate_usv_h > 10000")  # 13 250 uSv/h
        hil.check("sensors.dose_rate_usv_h > 10000")  # the sensor array's dosimeter agrees
        hil.check("environment.storm_active == True")

    with hil.step("Onboard response: one event-action per instrument, all three to standby"):
        # The three actions fire on the tick the monitor trips, and each command is carried
        # out on that tick: nothing waited for the ground, which has sent no command.
        for instrument in INSTRUMENTS:
            action = f"{instrument}_standby_on_radiation"
            hil.assert_event(
                "fdir.event_action",
                since=monitor.time_s,
                where=lambda e, action=action: (
                    e.params.get("action") == action and e.time_s == monitor.time_s
                ),
            )
        hil.assert_event_count(
            "payload.instrument_mode",
            len(INSTRUMENTS),
            since=monitor.time_s,
            where=lambda e: e.time_s == monitor.time_s and e.params["mode"] == "standby",
        )
        require(not hil.commands(), f"the ground commanded: {hil.commands()}")
        # The payload reports the new modes on its next tick.
        hil.wait_check(f"payload.total_power_w == {STANDBY_W:g}", within=HK_S + one_way_s)
        for instrument in INSTRUMENTS:
            hil.check(f"payload.{instrument}_mode == 'standby'")
            hil.check(f"payload.{instrument}_status == 'ok'")
        # The instruments only: the spacecraft stays in nominal mode on the high-gain link.
        hil.check("fdir.mode == 'nominal'")
        hil.check("fdir.dose_rate_high_status == 'above_high'")
        hil.check("comms.antenna == 'high_gain'")
        hil.check("comms.downlink_rate_bps == 8192000")
        hil.await_alarm("onboard_monitors", severity="warning", within=HK_S, since=onset_s)
        quiet = hil.tlm_sample("payload.data_produced_mb")

    with hil.step("The storm goes on; the dose passes 10 mSv; no data is taken"):
        # 13.25 mSv/h: 10 mSv about 45 min after onset.
        hil.await_event("environment.dose_threshold_crossed", within=3600)
        hil.check(f"environment.accumulated_dose_msv >= {DOSE_MARK_MSV:g}")
        hil.advance(onset_s + STORM_S - hil.now_s)
        hil.assert_telemetry_count(
            "payload.data_produced_mb", 0, greater_than(quiet.value), since=quiet.time_s
        )
        for instrument in INSTRUMENTS:
            hil.assert_telemetry_count(
                f"payload.{instrument}_mode", 0, is_not("standby"), since=quiet.time_s
            )
        hil.assert_telemetry_count(
            "environment.dose_rate_usv_h", 0, at_most(1000.0), since=alarm.time_s
        )
        hil.assert_telemetry_count("fdir.mode", 0, is_not("nominal"), since=onset_s)
        hil.assert_telemetry_count("comms.link_up", 0, False, since=onset_s)

    with hil.step("The storm ends: dose rate back to the background, the monitor clears"):
        end_s = hil.clear_fault("environment", "radiation_storm")
        hil.await_event("environment.radiation_storm_end", within=HK_S + one_way_s)
        hil.wait_check(f"environment.dose_rate_usv_h < {GCR_USV_H[1]}", within=HK_S + one_way_s)
        hil.wait_check(f"sensors.dose_rate_usv_h < {GCR_USV_H[1] + 5}", within=30)  # 1 uSv/h noise
        # Two nominal checks, one tick late, as on the way up.
        hil.await_event("fdir.dose_rate_high_cleared", within=MONITOR_BUDGET_S, since=end_s)
        hil.wait_check("fdir.dose_rate_high_status == 'nominal'", within=HK_S + one_way_s)
        hil.check("fdir.monitors_violated == 0")
        for name in ("dose_rate", "onboard_monitors"):
            steps = [entry.kind for entry in hil.alarm_log(since=onset_s, name=name)]
            require(steps == ["triggered", "returned"], f"{name} alarm went {steps}")
        hil.acknowledge("dose_rate", "solar particle event over; instruments to be restored")
        hil.acknowledge("onboard_monitors", "dose-rate monitor tripped in the event; cleared")
        hil.assert_no_alarms()
        # The monitor clearing brings nothing back by itself: that is the ground's call.
        for instrument in INSTRUMENTS:
            hil.check(f"payload.{instrument}_mode == 'standby'")

    with hil.step("Ground returns the instruments to mapping, each verified"):
        for instrument, mode in INSTRUMENTS.items():
            hil.send_and_await_completion(
                "payload.set_mode", {"instrument": instrument, "mode": mode}, within=10
            )
        hil.wait_check(f"payload.total_power_w == {MAPPING_W:g}", within=HK_S + one_way_s)
        for instrument, mode in INSTRUMENTS.items():
            hil.check(f"payload.{instrument}_mode == '{mode}'")

    with hil.step("Science flows again at the instruments' rate; all quiet"):
        before = hil.tlm_sample("payload.data_produced_mb")
        hil.advance(600)
        after = hil.tlm_sample("payload.data_produced_mb")
        rate_mb_s = (after.value - before.value) / (after.time_s - before.time_s)
        require(
            abs(rate_mb_s - SCIENCE_MB_S) <= 0.01 * SCIENCE_MB_S,
            f"science at {rate_mb_s:.4f} MB/s, expected {SCIENCE_MB_S:.4f}",
        )
        hil.assert_telemetry_count(
            "environment.dose_rate_usv_h", 0, is_not(within_range(*GCR_USV_H)), since=end_s + 20
        )
        hil.assert_telemetry("environment.accumulated_dose_msv", at_least(DOSE_MARK_MSV))
        hil.assert_telemetry_count("fdir.mode", 0, is_not("nominal"), since=onset_s)
        hil.assert_no_event("fdir.dose_rate_high", since=end_s)
        hil.note(f"{hil.tlm('environment.accumulated_dose_msv'):.1f} mSv taken in the event")
        hil.assert_no_alarms()
