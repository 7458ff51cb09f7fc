"""Reaction wheels fail: the high-gain beam leaves Earth; FDIR's safe mode brings the link back.

The wheels fail and the attitude drifts (0.1 deg/s). Navigation reports attitude control lost
on its next 10-s tick; the ground's `attitude_control` rule sees it in that report, the last
before the silence. The high-gain antenna's gimbal needs a controlled attitude to keep its
30 dBi beam on Earth; off it, only a -10 dBi side lobe reaches the ground and the margin at
8 Mbit/s falls from 18.2 to -21.8 dB: on comms' next tick the signal no longer reaches the
station (`ground.los`). The solar array keeps its output: its two-axis drive (180 deg of
travel) follows the Sun whatever the drift.

Onboard response: FDIR's `attitude_lost` monitor (configs/lunar_orbiter.toml: expects
navigation.attitude_control_ok true, 2 checks, read one tick late) trips 20 s after
navigation's report, and its event-action `safe_on_attitude_lost` enters safe mode: the
payload is shed, sun-pointing is refused (the wheels are gone, which tells the ground what
failed), and comms switches to the low-gain antenna at 2 kbit/s, which closes with 27 dB of
margin (3 dBi, 27 dB below the high-gain's, and 36 dB back from the lower rate). The signal
is back on comms' next tick (`ground.aos`): 20 s of silence, too short for the ground's
staleness rule (60 s) and long before anyone could have commanded anything blind.

The ground plays the gap back from the recorder, which shows the chain in the spacecraft's
own words, raises the low-gain rate to 64 kbit/s (12 dB of margin, kept wide because the
drifting attitude swings the low-gain antenna's pattern) and holds the orbiter in safe mode
for half an orbit. Then the wheels come back: the emulator has no wheel-level command, so
the bench clears the fault where the ground would reset the wheel drive electronics.
Attitude control resumes nadir pointing, the monitor clears on board, and the ground brings
the orbiter back to mapping step by step, each command verified a round trip after it left:
high-gain antenna, 8 Mbit/s, out of safe mode, payload on, the three instruments to their
mapping modes. The link never drops on the way.
"""

from itertools import pairwise

from procedures.checks import require
from procedures.comms import set_downlink_rate

from ground.testkit import at_least, is_not, less_than

MISSION = "lunar_orbiter"

DRIFT_DEG_S = 0.1
HK_S = 10.0  # navigation, comms and FDIR all tick and report every 10 s
TICK_S = 1.0  # the executive's tick: commands are taken in, truth goes to the ground
# Navigation's report of the drift to FDIR's event: two checks of it, one tick late.
MONITOR_S = 2 * HK_S
INSTRUMENTS = {"camera": "imaging", "spectrometer": "science", "altimeter": "ranging"}
SCIENCE_MB_S = (2.0e6 + 1.0e5 + 3.0e4) / 8e6


def run(hil):
    with hil.step("Nadir-pointed, mapping, 8 Mbit/s on the high-gain antenna"):
        hil.advance(1203)  # a whole second off the 10-s report grid
        hil.check("navigation.attitude_mode == 'nadir'")
        hil.check("navigation.attitude_control_ok == True")
        hil.check("fdir.attitude_lost_status == 'nominal'")
        hil.check("comms.antenna == 'high_gain'")
        hil.check("comms.link_margin_db > 17.5")
        require(hil.ground_status().channel.signal, "no signal before the fault")
        hil.assert_no_alarms()

    with hil.step("Reaction wheels fail: navigation reports attitude control lost"):
        fault_s = hil.inject_fault("navigation", "wheel_failure", drift_rate_deg_s=DRIFT_DEG_S)
        one_way_s = hil.ground_status().one_way_light_time_s
        # Navigation's next report, one light time away.
        hil.await_alarm("attitude_control", severity="distress", within=HK_S + one_way_s)
        drift = hil.assert_telemetry("navigation.attitude_control_ok", False, since=fault_s)
        hil.check("navigation.attitude_mode == 'drift'")

    with hil.step("The high-gain beam leaves Earth: the station loses the signal"):
        # Comms takes navigation's report on its next tick.
        los = hil.await_event("ground.los", within=HK_S + one_way_s)
        require(not hil.ground_status().channel.signal, "ground.los, yet a signal")
        hil.note(f"loss of signal {los.time_s - fault_s:.0f} s after the failure")

    with hil.step("FDIR: attitude_lost trips, safe mode puts the low-gain antenna on the air"):
        # The monitor's second check of the drift report, then comms' next tick (and the
        # truth of that tick, which reaches the ground channel on the 1-s tick).
        aos_by_s = drift.time_s + MONITOR_S + HK_S + TICK_S
        aos = hil.await_event("ground.aos", within=aos_by_s - hil.now_s)
        require(hil.ground_status().channel.signal, "ground.aos, yet no signal")
        hil.note(f"signal back after {aos.time_s - los.time_s:.0f} s of silence")
        require(not hil.commands(), f"the ground commanded: {hil.commands()}")
        # The first report back shows the safe mode.
        hil.wait_check("fdir.mode == 'safe'", within=HK_S + one_way_s)
        hil.check("fdir.attitude_lost_status == 'unexpected'")
        hil.check("fdir.safe_mode_entries == 1")
        hil.check("comms.antenna == 'low_gain'")
        hil.check("comms.downlink_rate_bps == 2000")
        hil.check("comms.link_up == True")
        hil.check("comms.link_margin_db > 25")  # 18.2 - 27 + 36.1 = 27.3 dB
        hil.check("power.payload_switch_on == False")
        # Too short a silence for the ground's staleness rule (60 s).
        silent = hil.alarm_log(since=fault_s, name="flight_software_silent")
        require(not silent, f"the ground thought the spacecraft dead: {silent}")

    with hil.step("Play the gap back: the onboard chain in the spacecraft's own words"):
        before_gap = hil.history("executive.ticks", since=fault_s, until=los.time_s)[-1]
        after_gap = hil.find_telemetry("executive.ticks", at_least(0), since=aos.time_s)
        hil.note(f"gap in housekeeping: {before_gap.time_s:.0f} .. {after_gap.time_s:.0f} s")
        hil.dump_recorder(before_gap.time_s, after_gap.time_s, within=60)
        filled = hil.history("executive.ticks", since=before_gap.time_s, until=after_gap.time_s)
        gaps_s = [b.time_s - a.time_s for a, b in pairwise(filled)]
        require(gaps_s and max(gaps_s) <= HK_S, f"gaps after the playback: {max(gaps_s or [0])} s")
        status = hil.ground_status()
        missing = status.ingest.frames_missing
        recovered = status.playback.recovered
        hil.note(f"{missing} frames missed live, {recovered} recovered from the recorder")
        require(missing > 0 and recovered == missing, f"{missing} missing, {recovered} back")
        chain = hil.assert_event_sequence(
            [
                "comms.loss_of_signal",
                "fdir.attitude_lost",
                "fdir.event_action",
                "fdir.safe_mode_entered",
                "comms.acquisition_of_signal",
            ],
            since=fault_s,
        )
        lost, monitor, action, safe, _ = chain
        require(lost.params.get("reason") == "link margin below zero", lost.message)
        require(monitor.severity == 4, f"monitor event at severity {monitor.severity}")
        require(monitor.time_s - drift.time_s <= MONITOR_S, f"monitor late: {monitor.message}")
        require(action.params.get("action") == "safe_on_attitude_lost", action.message)
        require(safe.time_s == monitor.time_s, "safe mode not on the monitor's own tick")
        require(safe.params.get("reason") == "attitude control lost", safe.message)
        refused = hil.assert_event(
            "executive.onboard_command",
            since=monitor.time_s,
            where=lambda e: "set_attitude_mode" in e.message and "failed" in e.message,
        )
        hil.note(refused.message)
        for command in ("power.load_off", "comms.antenna_select", "comms.set_rate"):
            hil.assert_event(
                "executive.onboard_command",
                since=monitor.time_s,
                where=lambda e, c=command: c in e.message and e.message.endswith("done"),
            )
        # Every report from the loss of signal to its return has the budget below zero: the
        # side lobe, until the switch to the low-gain antenna took effect.
        deaf = dict(since=los.time_s, until=aos.time_s - TICK_S)
        hil.assert_telemetry_count("comms.link_margin_db", 0, at_least(0.0), **deaf)
        hil.assert_telemetry("comms.link_margin_db", less_than(-20.0), **deaf)
        # The report of the tick at which safe mode switched antennas was made before the
        # switch (commands run after the tick's reports): none after it is below zero.
        after_switch_s = aos.time_s + TICK_S
        hil.assert_telemetry_count("comms.link_margin_db", 0, less_than(0.0), since=after_switch_s)

    with hil.step("Diagnosis: sun-pointing was refused, the attitude drifts, the array keeps up"):
        hil.check("navigation.attitude_control_ok == False")
        hil.check("navigation.attitude_mode == 'drift'")
        hil.check("power.solar_power_w > 1700")  # the array drive keeps up with the drift
        hil.assert_alarm("spacecraft_mode", severity="distress", since=fault_s)
        hil.assert_alarm("onboard_monitors", severity="warning", since=fault_s)

    with hil.step("Ground raises the low-gain rate to 64 kbit/s and holds the orbiter safe"):
        set_downlink_rate(hil, 64000, within=10, report_within=HK_S + one_way_s)
        hil.check("comms.link_margin_db > 10")  # 27.3 - 15.1 = 12.3 dB
        for name in ("attitude_control", "spacecraft_mode", "onboard_monitors"):
            hil.acknowledge(name, "wheels failed; FDIR safe mode until attitude control is back")
        # Nominal-mode rules, judged once on the first report back: comms' report of the
        # switch to the low-gain antenna comes down ahead of FDIR's that says safe mode.
        for alarm in hil.alarms():
            if alarm.name in ("eirp", "high_gain_selected"):
                hil.acknowledge(alarm.name, "low-gain antenna by safe mode")
        require(
            not [a for a in hil.alarms() if not a.acknowledged],
            f"alarms nobody has answered: {[str(a) for a in hil.alarms()]}",
        )
        since_s = hil.now_s
        hil.advance(3600)  # an orbit's half: the drift keeps turning, the link must hold
        hil.assert_telemetry_count("comms.link_up", 0, False, since=since_s)
        hil.assert_no_event("ground.los", since=aos.time_s)
        hil.assert_telemetry_count("power.battery_soc", 0, less_than(0.8), since=since_s)
        hil.check("fdir.mode == 'safe'")

    with hil.step("The wheels are back: attitude control resumes nadir, the monitor clears"):
        # No wheel-level command in the emulator: the bench stands in for the ground's reset
        # of the wheel drive electronics.
        back_s = hil.clear_fault("navigation", "wheel_failure")
        hil.await_telemetry("navigation.attitude_control_ok", True, within=HK_S + one_way_s)
        hil.check("navigation.attitude_mode == 'nadir'")  # sun-pointing was never accepted
        hil.await_event("fdir.attitude_lost_cleared", within=MONITOR_S + one_way_s)
        hil.wait_check("fdir.monitors_violated == 0", within=HK_S + one_way_s)
        hil.check("fdir.mode == 'safe'")  # leaving safe mode is the ground's decision

    with hil.step("Ground returns to mapping: high-gain, 8 Mbit/s, out of safe mode, payload on"):
        recovery_s = hil.now_s
        # The high-gain antenna first, at 64 kbit/s (39 dB of margin), then the full rate.
        hil.send_and_await_completion("comms.antenna_select", {"antenna": "high_gain"}, within=10)
        hil.send_and_await_completion("comms.set_rate", {"rate_bps": "8192000"}, within=10)
        hil.send_and_await_completion("fdir.leave_safe_mode", within=10)
        hil.send_and_await_completion("power.load_on", {"consumer": "payload"}, within=10)
        # Power's status reaches the payload on its next tick after the switch.
        hil.wait_check("power.payload_switch_on == True", within=HK_S + one_way_s)
        hil.wait_check("payload.payload_powered == True", within=2 * HK_S + one_way_s)
        for instrument, mode in INSTRUMENTS.items():  # they boot into standby
            hil.send_and_await_completion(
                "payload.set_mode", {"instrument": instrument, "mode": mode}, within=10
            )
        hil.wait_check("payload.total_power_w == 125", within=HK_S + one_way_s)
        hil.check("fdir.mode == 'nominal'")
        hil.check("comms.antenna == 'high_gain'")
        hil.check("comms.downlink_rate_bps == 8192000")
        hil.check("comms.link_margin_db > 17.5")
        for instrument, mode in INSTRUMENTS.items():
            hil.check(f"payload.{instrument}_mode == '{mode}'")

    with hil.step("Mapping again: science at the instruments' rate, the link never dropped"):
        before = hil.tlm_sample("payload.data_produced_mb")
        hil.advance(600)
        after = hil.tlm_sample("payload.data_produced_mb")
        rate_mb_s = (after.value - before.value) / (after.time_s - before.time_s)
        require(
            abs(rate_mb_s - SCIENCE_MB_S) <= 0.01 * SCIENCE_MB_S,
            f"science at {rate_mb_s:.4f} MB/s, expected {SCIENCE_MB_S:.4f}",
        )
        hil.assert_no_event("ground.los", since=back_s)
        hil.assert_telemetry_count("comms.link_up", 0, False, since=recovery_s)
        hil.assert_telemetry_count("navigation.attitude_mode", 0, is_not("nadir"), since=recovery_s)
        # The acknowledged alarms cleared as their parameters came back.
        for name in ("attitude_control", "onboard_monitors", "spacecraft_mode"):
            kinds = [entry.kind for entry in hil.alarm_log(since=back_s, name=name)]
            require(kinds == ["cleared"], f"{name} alarm went {kinds} after the repair")
        hil.assert_no_alarms()
