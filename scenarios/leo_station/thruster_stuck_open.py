"""Thruster stuck open in a reboost: the time-tagged safe closes the latch valve, loss bounded.

A 105 s reboost (1200 N, Isp 300 s: 0.408 kg/s, 42.8 kg, 0.50 m/s on the 252.5 t station) is
uplinked the usual way: `arm`, `burn_duration`, and a `safe` time-tagged (TC[11,4]) for 5 s
after the planned cut-off, so the onboard schedule closes the latch valve whatever happens to
the link or the thruster. Half-way through, a thruster valve sticks open. The burn ends on
time but thrust goes on:

- propulsion reports `uncommanded_thrust` (high severity) the tick after the cut-off;
- the time-tagged `safe` closes the latch valve (event `safed`, `armed` false): thrust stops,
  the extra propellant is at most the 5 s margin and a 1 s tick, 6 x 0.408 = 2.5 kg;
- the ground's `propellant_falling` alarm (acknowledged as expected during the burn) returns
  to normal and clears once the tank level holds.

The station's FDIR has no event-action on `propulsion.uncommanded_thrust` (configs/
leo_station.toml), so the onboard safing here is the schedule's, not an FDIR monitor's.
The ground keeps propulsion safe while the valve reads stuck; only once it is cleared does it
re-arm, watch a minute with no thrust and no propellant loss, and safe it again.
"""

from ground.testkit.predicates import close_to, less_than

MISSION = "leo_station"

FIRST_HK_S = 60.0
COMMAND_S = 30.0  # 0.5 s relay round trip and the next 10 s report
HK_S = 10.0
FLOW_KG_S = 1200.0 / (300.0 * 9.80665)  # F / (Isp g0), at the regulated 1700 kPa
BURN_S = 105.0  # 0.50 m/s on 252.5 t
SAFE_MARGIN_S = 5.0  # the time-tagged safe follows the planned cut-off by this much
PROPULSION_TICK_S = 1.0
ALARM_PERSISTENCE_S = 40.0  # 3 samples of 10 s, and one in flight


def run(hil):
    start_s = hil.now_s

    with hil.step("Propulsion safe, tank full at regulated pressure, station nominal"):
        hil.wait_check("propulsion.armed == false", within=FIRST_HK_S)
        hil.check("propulsion.thrusting == false")
        hil.check("propulsion.thruster_stuck_open == false")
        full_kg = hil.check("propulsion.propellant_kg > 2499")
        hil.check("propulsion.tank_pressure_kpa > 1690")
        hil.wait_check("fdir.mode == nominal", within=FIRST_HK_S)
        hil.assert_no_alarms()

    with hil.step("Reboost uplinked: arm, a 105 s prograde burn, a time-tagged safe after it"):
        hil.send_and_await_completion("propulsion.arm", within=COMMAND_S)
        hil.send_and_await_completion(
            "propulsion.burn_duration",
            {"duration_s": BURN_S, "direction": "prograde"},
            within=COMMAND_S,
            confirm=True,  # a hazardous command
        )
        started = hil.assert_event("propulsion.burn_started", since=start_s)
        hil.note(f"burn started: {started.message}")
        cutoff_s = started.time_s + BURN_S
        safe_cmd = hil.send_command("propulsion.safe", release_s=cutoff_s + SAFE_MARGIN_S)
        hil.await_telemetry("propulsion.thrusting", True, within=2 * HK_S)
        # Expected during a reboost: propellant falls 0.41 kg/s against the 0.5 g/s rule.
        hil.await_alarm("propellant_falling", within=ALARM_PERSISTENCE_S)
        hil.acknowledge("propellant_falling", "commanded reboost")

    with hil.step("Half-way through, a thruster valve sticks open"):
        hil.advance(cutoff_s - BURN_S / 2 - hil.now_s)
        stuck_s = hil.inject_fault("propulsion", "thruster_stuck_open")
        hil.await_telemetry("propulsion.thruster_stuck_open", True, within=2 * HK_S)
        # While the burn runs a stuck valve looks like the burn itself: no event yet.
        hil.assert_no_event("propulsion.uncommanded_thrust", since=start_s)

    with hil.step("The burn ends on time but thrust goes on: uncommanded thrust reported"):
        event = hil.await_event("propulsion.uncommanded_thrust", within=BURN_S / 2 + HK_S)
        # Reported the tick after the burn's own cut-off, not before.
        hil.assert_event_sequence(
            ["propulsion.burn_completed", "propulsion.uncommanded_thrust"], since=stuck_s
        )
        hil.note(f"uncommanded thrust at {event.time_s - cutoff_s:+.1f} s from the planned cut-off")
        hil.await_telemetry("propulsion.burn_active", False, within=2 * HK_S)

    with hil.step("The time-tagged safe closes the latch valve: thrust stops"):
        done = hil.await_command(safe_cmd, "completed", within=SAFE_MARGIN_S + HK_S)
        hil.note(f"safe executed {done.stages['completed'] - cutoff_s:+.1f} s after cut-off")
        hil.assert_event("propulsion.safed", since=stuck_s)
        hil.await_telemetry("propulsion.armed", False, within=2 * HK_S)
        hil.await_telemetry("propulsion.thrusting", False, within=2 * HK_S)
        hil.await_telemetry("propulsion.thrust_n", close_to(0.0, 1e-6), within=2 * HK_S)

    with hil.step("Ground confirms: propellant holds, the loss is bounded by the safing margin"):
        held_kg = hil.tlm("propulsion.propellant_kg")
        hil.advance(6 * HK_S)
        hil.check(f"propulsion.propellant_kg > {held_kg - 1e-6}")
        used_kg = full_kg - hil.tlm("propulsion.propellant_kg")
        planned_kg = FLOW_KG_S * BURN_S
        extra_kg = used_kg - planned_kg
        hil.note(f"burned {used_kg:.2f} kg, {extra_kg:.2f} kg beyond the planned {planned_kg:.2f}")
        # Thrust went on past the cut-off until the safe: the margin, give or take a 1 s tick.
        least_kg = FLOW_KG_S * (SAFE_MARGIN_S - PROPULSION_TICK_S)
        most_kg = FLOW_KG_S * (SAFE_MARGIN_S + PROPULSION_TICK_S)
        hil.check(f"propulsion.propellant_kg <= {full_kg - planned_kg - least_kg:.3f}")
        hil.check(f"propulsion.propellant_kg >= {full_kg - planned_kg - most_kg:.3f}")
        # The propellant alarm, acknowledged, clears once the level holds for 3 samples.
        hil.assert_no_alarms()
        hil.check("fdir.mode == nominal")

    with hil.step("Ground keeps propulsion safe while the valve reads stuck open"):
        hil.check("propulsion.thruster_stuck_open == true")
        hil.check("propulsion.armed == false")
        hil.advance(6 * HK_S)
        hil.assert_telemetry_count("propulsion.thrusting", 0, True, since=hil.now_s - 5 * HK_S)

    with hil.step("Valve isolated and cleared; only then re-armed: no thrust, no loss"):
        hil.clear_fault("propulsion", "thruster_stuck_open")
        hil.await_telemetry("propulsion.thruster_stuck_open", False, within=2 * HK_S)
        level_kg = hil.tlm("propulsion.propellant_kg")
        hil.send_and_await_completion("propulsion.arm", within=COMMAND_S)
        armed_s = hil.now_s
        hil.await_telemetry("propulsion.armed", True, within=2 * HK_S)
        hil.advance(6 * HK_S)  # a minute armed and idle
        hil.assert_telemetry_count("propulsion.thrusting", 0, True, since=armed_s)
        hil.assert_telemetry_count(
            "propulsion.propellant_kg", 0, less_than(level_kg - 1e-6), since=armed_s
        )
        hil.assert_event_count("propulsion.uncommanded_thrust", 1, since=start_s)
        hil.send_and_await_completion("propulsion.safe", within=COMMAND_S)
        hil.await_telemetry("propulsion.armed", False, within=2 * HK_S)
        hil.assert_no_alarms()
        hil.check("navigation.total_dv_m_s > 0.45")
