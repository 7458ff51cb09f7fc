"""Docking misalignment: the visitor aborts its final approach, retreats to 250 m, docks on retry.

A cargo vehicle parked 2 km behind on the V-bar flies its approach (Clohessy-Wiltshire
guidance): a 2400 s transfer to the 250 m hold, 300 s there, 220 m at 0.2 m/s (1100 s) to the
30 m hold, 300 s there, then the final approach at 0.1 m/s. A few metres into the final, its
docking axis drifts 8 deg off the port's (fault `misalignment`, drifting at 0.1 deg/s). The
port captures only inside 5 deg, so:

- the ground's `docking_alignment` rule goes yellow above 3 deg and red above 5 deg;
- the visitor's own safety logic, at its next 10 s guidance instant past 5 deg, aborts:
  events `alignment_out_of_limits` then `approach_aborted`, phase `aborted`;
- it backs away along the -V-bar at 0.3 m/s to the 250 m abort range (about 750 s from 25 m,
  outside the 200 m keep-out sphere) and keeps station there.

The station is never touched (no contact, its mode, cabin and alarms otherwise nominal). Once
the fault is cleared and the alarm acknowledged, the ground restarts the approach from 250 m
and the visitor docks: 1100 s to 30 m, 300 s hold, 300 s final, capture, 300 s to hard dock.
"""

from ground.testkit import HilFailure, at_least, at_most, close_to, greater_than

MISSION = "leo_station"

FIRST_HK_S = 60.0
COMMAND_S = 30.0  # 0.5 s relay round trip and the next 10 s report
GUIDANCE_S = 10.0  # the visitor's guidance period: legs end and checks run on these instants
TRANSFER_S = 2400.0  # the two-impulse transfer from 2 km to the 250 m hold
HOLD_S = 300.0  # each V-bar hold
TO_NEAR_S = 220.0 / 0.2  # 250 m -> 30 m at 0.2 m/s
FINAL_S = 30.0 / 0.1  # 30 m -> contact at 0.1 m/s
HARD_DOCK_S = 10.0 + 300.0  # capture, then the hard-dock latches
MISALIGNMENT_DEG = 8.0
DRIFT_DEG_S = 0.1  # how fast the visitor's axis drifts to the fault's offset
RETREAT_M_S = 0.3
ABORT_RANGE_M = 250.0
MARGIN = 1.2  # 20 % on every leg for guidance instants and 10 s housekeeping


def run(hil):
    start_s = hil.now_s

    with hil.step("The visitor waits 2 km behind on the V-bar; the station is nominal"):
        hil.wait_check("docking.phase == far", within=FIRST_HK_S)
        hil.await_telemetry("docking.range_m", close_to(2000.0, 1.0), within=FIRST_HK_S)
        hil.check("docking.partner_comms_ok == true")
        hil.check("docking.alignment_error_deg < 1.0")
        hil.wait_check("fdir.mode == nominal", within=FIRST_HK_S)
        hil.assert_no_alarms()

    with hil.step("Ground arms the leak protection for the approach and starts it"):
        # A leak during the approach stops the visitor (config: enabled for approaches only).
        enabled = hil.tlm("fdir.actions_enabled")
        hil.send_and_await_completion(
            "fdir.enable_action",
            {"action": "hold_approach_on_depress", "enabled": True},
            within=COMMAND_S,
        )
        hil.await_telemetry("fdir.actions_enabled", enabled + 1, within=COMMAND_S)
        hil.send_and_await_completion("docking.start_approach", within=COMMAND_S)
        hil.await_telemetry("docking.phase", "approach", within=COMMAND_S)

    with hil.step("Transfer to the 250 m hold, then close to the 30 m hold"):
        hil.await_telemetry("docking.leg", "at_far", within=MARGIN * TRANSFER_S)
        hil.check("docking.range_m < 255")
        hil.await_telemetry("docking.leg", "at_near", within=MARGIN * (HOLD_S + TO_NEAR_S))
        hil.check("docking.range_m < 32")
        hil.check("docking.alignment_error_deg < 1.0")
        hil.assert_no_alarms()

    with hil.step("Final approach at 0.1 m/s; the visitor's docking axis drifts 8 deg off"):
        hil.await_telemetry("docking.phase", "final", within=MARGIN * HOLD_S)
        hil.advance(3 * GUIDANCE_S)  # a few metres into the final
        fault_s = hil.inject_fault("docking", "misalignment", offset_deg=MISALIGNMENT_DEG)
        closest_before_m = hil.tlm("docking.range_m")

    with hil.step("The ground sees the axes part: docking_alignment yellow, then red"):
        # 0.5 -> 3 deg takes 25 s and 5 deg 45 s at 0.1 deg/s; 2 samples of 10 s each.
        hil.await_alarm("docking_alignment", severity="warning", within=60.0)
        hil.await_alarm("docking_alignment", severity="critical", within=60.0)

    with hil.step("The visitor aborts on its own and backs away"):
        # Past 5 deg at the next 10 s guidance instant: about 50 s after the fault.
        limit_s = (5.0 - 0.5) / DRIFT_DEG_S + GUIDANCE_S
        hil.await_telemetry("docking.phase", "aborted", within=limit_s + FIRST_HK_S)
        hil.assert_event_sequence(
            ["docking.alignment_out_of_limits", "docking.approach_aborted"], since=fault_s
        )
        aborted = hil.assert_event(
            "docking.approach_aborted",
            since=fault_s,
            where=lambda e: e.params.get("reason") == "alignment out of limits",
        )
        hil.note(f"aborted at {aborted.params['range_m']:.1f} m from the port")
        hil.assert_no_event("mission_events.docking_contact", since=start_s)
        hil.assert_no_event("docking.contact_failed", since=start_s)
        # Opening, not closing: the range grows from the abort on.
        hil.await_telemetry("docking.range_rate_m_s", greater_than(0.2), within=3 * GUIDANCE_S)

    with hil.step("It retreats at 0.3 m/s to the 250 m abort range and keeps station there"):
        retreat_s = (ABORT_RANGE_M - aborted.params["range_m"]) / RETREAT_M_S
        hil.await_telemetry(
            "docking.range_m", at_least(ABORT_RANGE_M - 1.0), within=MARGIN * retreat_s
        )
        hil.advance(HOLD_S)
        hil.check("docking.phase == aborted")
        hil.check("docking.range_m > 245")
        hil.check("docking.range_m < 255")
        hil.check("docking.closing_speed_m_s < 0.01")

    with hil.step("The station stayed safe: never touched, cabin and mode nominal"):
        closest_m = min(s.value for s in hil.history("docking.range_m", since=fault_s))
        hil.note(f"closest approach {closest_m:.1f} m (at the fault {closest_before_m:.1f} m)")
        hil.assert_telemetry_count("docking.range_m", 0, at_most(5.0), since=start_s)
        hil.assert_telemetry_count("docking.docked", 0, True, since=start_s)
        hil.assert_telemetry_count("fdir.mode", 0, "safe", since=start_s)
        hil.assert_telemetry_count("fdir.mode", 0, "abort", since=start_s)
        hil.check("life_support.cabin_pressure_kpa > 101.0")
        hil.assert_no_event("life_support.depress_detected", since=start_s)
        # The only alarm is the one this fault should raise.
        others = [a for a in hil.alarms() if a.name != "docking_alignment"]
        if others:
            raise HilFailure(f"alarms other than docking_alignment: {others}")
        hil.assert_alarm_active("docking_alignment", "critical")

    with hil.step("The fault is cleared: axes realigned, alarm acknowledged and cleared"):
        hil.clear_fault("docking", "misalignment")
        # Back from 8.5 to 0.5 deg at 0.1 deg/s: 80 s.
        hil.await_telemetry(
            "docking.alignment_error_deg",
            at_most(1.0),
            within=(MISALIGNMENT_DEG / DRIFT_DEG_S) + FIRST_HK_S,
        )
        hil.acknowledge("docking_alignment", "visitor realigned after the abort")
        hil.advance(3 * GUIDANCE_S)  # the rule needs 2 samples back in limits
        hil.assert_no_alarms()

    with hil.step("Second approach from 250 m: the visitor docks"):
        hil.send_and_await_completion("docking.start_approach", within=COMMAND_S)
        hil.await_telemetry("docking.phase", "approach", within=COMMAND_S)
        hil.await_telemetry("docking.phase", "final", within=MARGIN * (TO_NEAR_S + HOLD_S))
        hil.await_telemetry("docking.phase", "hard_docked", within=MARGIN * (FINAL_S + HARD_DOCK_S))
        hil.check("docking.docked == true")
        hil.check("docking.latches_closed == true")
        # A soft contact: 0.1 m/s, inside the 0.15 m/s capture limit (ground yellow at 0.12).
        hil.check("docking.contact_speed_m_s < 0.12")
        hil.assert_event_sequence(
            [
                "mission_events.docking_contact",
                "mission_events.docking_captured",
                "mission_events.hard_docked",
            ],
            since=fault_s,
        )
        hil.assert_no_alarms()
