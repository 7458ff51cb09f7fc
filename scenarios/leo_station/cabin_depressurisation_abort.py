"""Cabin depressurisation during an approach: the visitor held, alarms, an irrevocable crew abort.

A visiting vehicle is on its transfer from 2 km when a 200 mm2 hole (a 16 mm puncture) opens
in the pressure shell. Choked flow through it empties the 450 m3 cabin with a time constant
tau = V / (Cd A sqrt(gamma R T) (2/(gamma+1))^3) = 450 / (0.62 x 2e-4 x 344 x 0.579) = 5.1 h:
the pressure falls 0.33 kPa/min at first and reaches 97 kPa (tau ln(101.3/97)) 13 min later.

- On board: life support raises `depress_detected` (faster than 0.1 kPa/min). Below 97 kPa
  the FDIR monitor `cabin_pressure_low` trips.
- The approach procedure arms the event-action `hold_approach_on_depress`
  (depress_detected -> docking.hold): FDIR stops the visitor where it is, with no ground action.
- On the ground: `cabin_pressure_falling` goes red within 30 s; below 99.5 kPa (5.5 min)
  `cabin_pressure` goes yellow and, with the falling rate, `cabin_leak` (severe): crew to the
  return vehicle; below 97 kPa, red.
- The crew's decision, sent as the hazardous `fdir.start_abort`: the abort sequence sends the
  visitor away, safes the thrusters, sheds the payload and holds the O2 supply on. It cannot
  be undone: leaving it, replacing it by safe mode or starting it again are refused.
"""

from ground.testkit import HilFailure, less_than

MISSION = "leo_station"

FIRST_HK_S = 60.0
COMMAND_S = 30.0  # 0.5 s relay round trip and the next 10 s report
HK_S = 10.0
HOLE_MM2 = 200.0
TO_99_5_KPA_S = 327.0  # tau ln(101.3 / 99.5) with tau = 18 230 s (see above)
TO_97_KPA_S = 791.0  # tau ln(101.3 / 97)
ALARM_PERSISTENCE_S = 40.0  # 3 samples of 10 s, and one in flight
MONITOR_S = 40.0  # the onboard monitor's 3 repetitions at 10 s, read one tick late
ABORT_SEQUENCE = (
    "docking.abort_approach",
    "propulsion.safe",
    "power.load_off",
    "life_support.o2_supply",
)


def assert_refused(hil, name, args=None, confirm=False):
    """`name` reaches the station and is refused there with NOT_ALLOWED."""
    sent = hil.send_command(name, args, confirm=confirm)
    hil.advance(COMMAND_S)
    answer = hil.command(sent)
    if (answer.status, answer.error) != ("failed", "NOT_ALLOWED"):
        raise HilFailure(f"{name} should be refused on board with NOT_ALLOWED: {answer}")
    hil.note(f"{name} refused: {answer.reason}")


def run(hil):
    start_s = hil.now_s

    with hil.step("Visitor cleared for its approach"):
        hil.wait_check("fdir.mode == nominal", within=FIRST_HK_S)
        hil.wait_check("docking.phase == far", within=FIRST_HK_S)
        hil.check("life_support.cabin_pressure_kpa > 101.0")
        hil.assert_no_alarms()
        hil.send_and_await_completion(
            "fdir.enable_action",
            {"action": "hold_approach_on_depress", "enabled": True},
            within=COMMAND_S,
        )
        hil.send_and_await_completion("docking.start_approach", within=COMMAND_S)
        hil.await_telemetry("docking.phase", "approach", within=COMMAND_S)
        hil.advance(600.0)  # ten minutes into the 40-min transfer
        hil.check("docking.range_m > 500")

    with hil.step("A 200 mm2 hole opens: life support detects the depressurisation"):
        hole_s = hil.inject_fault("life_support", "cabin_depressurisation", hole_area_mm2=HOLE_MM2)
        # The rate is taken over each 10 s life-support tick: the next tick sees it.
        hil.await_event("life_support.depress_detected", within=2 * HK_S + 5.0)
        hil.await_telemetry("life_support.pressure_rate_kpa_min", less_than(-0.3), within=2 * HK_S)

    with hil.step("FDIR holds the visitor; the ground sees the pressure falling"):
        # FDIR steps every 10 s and acts on the events raised since its last step.
        hil.await_event(
            "fdir.event_action",
            within=2 * HK_S,
            where=lambda e: e.params.get("action") == "hold_approach_on_depress",
        )
        # Red below -0.1 kPa/min for 3 samples of 10 s.
        hil.await_alarm("cabin_pressure_falling", severity="critical", within=ALARM_PERSISTENCE_S)
        held_s = hil.await_telemetry("docking.phase", "hold", within=2 * HK_S).time_s
        # Where the hold caught it: it steers back to that point and keeps station there.
        held_m = hil.await_telemetry("docking.range_m", within=2 * HK_S).value

    with hil.step("Below 99.5 kPa and still falling: ground cabin_leak (severe)"):
        # tau ln(101.3 / 99.5) = 330 s after the hole; 3 samples for the rule to go yellow.
        hil.await_alarm("cabin_leak", severity="severe", within=1.2 * TO_99_5_KPA_S)
        hil.assert_alarm_active("cabin_pressure", "distress")
        hil.check("life_support.cabin_pressure_kpa < 99.5")

    with hil.step("Below 97 kPa: ground cabin_pressure red, onboard monitor cabin_pressure_low"):
        # 13 min from 101.3 kPa to 97 kPa; 20 % margin on the hole's discharge coefficient.
        hil.await_telemetry(
            "life_support.cabin_pressure_kpa", less_than(97.0), within=1.2 * TO_97_KPA_S
        )
        hil.await_alarm("cabin_pressure", severity="critical", within=ALARM_PERSISTENCE_S)
        hil.await_event("fdir.cabin_pressure_low", within=MONITOR_S)
        hil.note(f"cabin at 97 kPa {(hil.now_s - hole_s) / 60:.1f} min after the hole opened")
        hil.check("fdir.mode == nominal")  # no onboard logic starts an abort: the crew decide
        hil.assert_no_event("fdir.abort_started", since=start_s)
        hil.check("docking.phase == hold")
        # Held: never closer than where the hold caught it, give or take a guidance period.
        hil.assert_telemetry_count("docking.range_m", 0, less_than(held_m - 10.0), since=held_s)
        hil.note(f"visitor held at {held_m:.0f} m, now {hil.tlm('docking.range_m'):.0f} m")

    with hil.step("The crew decide to leave: the abort sequence runs"):
        hil.send_and_await_completion("fdir.start_abort", within=COMMAND_S, confirm=True)
        abort_s = hil.assert_event("fdir.abort_started", since=hole_s).time_s
        # The next FDIR report shows the abort count step: the ground's severe alarm.
        hil.await_alarm("abort_started", severity="severe", within=2 * HK_S)
        hil.await_telemetry("fdir.mode", "abort", within=2 * HK_S)
        for command in ABORT_SEQUENCE:
            hil.assert_event(
                "executive.onboard_command",
                since=abort_s,
                where=lambda e, c=command: e.params.get("command") == c and e.params.get("ok"),
            )
        hil.note(f"abort sequence done on board: {', '.join(ABORT_SEQUENCE)}")
        # Each step shows in its subsystem: visitor leaving, latch valve closed, payload off,
        # O2 supply (already on) confirmed at 21.3 kPa.
        hil.assert_event("docking.approach_aborted", since=abort_s)
        hil.await_telemetry("docking.phase", "aborted", within=2 * HK_S)
        hil.assert_event("propulsion.safed", since=abort_s)
        hil.await_telemetry("propulsion.armed", False, within=2 * HK_S)
        hil.assert_event("power.load_switched", since=abort_s)
        hil.await_telemetry("power.payload_switch_on", False, within=2 * HK_S)
        hil.assert_event("life_support.o2_supply_switched", since=abort_s)
        hil.check("life_support.o2_supply_enabled == true")
        hil.check("life_support.o2_set_point_kpa == 21.3")
        hil.check("fdir.aborts == 1")

    with hil.step("The abort cannot be undone"):
        assert_refused(hil, "fdir.leave_safe_mode")
        assert_refused(hil, "fdir.enter_safe_mode", {"reason": "replace the abort"})
        assert_refused(hil, "fdir.start_abort", confirm=True)
        hil.check("fdir.mode == abort")
        hil.check("fdir.aborts == 1")
        # The hole is still there: the crew leave a cabin that goes on emptying.
        hil.check("life_support.pressure_rate_kpa_min < -0.1")
