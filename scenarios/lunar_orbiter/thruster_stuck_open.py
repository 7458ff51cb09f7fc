"""Thruster stuck open in an orbit-trim burn: FDIR closes the latch valve; loss bounded.

A 2 m/s prograde trim of the 100 km orbit: the four 22 N thrusters (88 N together at the
1600 kPa of the blowdown tank, Isp 220 s) burn 0.041 kg/s, so from 1400 kg the 2 m/s take
1400 x (1 - exp(-2 / (220 x 9.807))) = 1.30 kg in about 32 s. Ten seconds in, a thruster
valve sticks open: the burn still ends when its Δv is reached, but thrust goes on.

Detection is onboard: propulsion reports `uncommanded_thrust` (HIGH) on the first tick of
thrust with no burn. Response is onboard too: FDIR's event-action
`safe_thrusters_on_uncommanded_thrust` (configs/lunar_orbiter.toml) sends `propulsion.safe`,
which closes the latch valve upstream of every thruster valve and so stops even a stuck one.
FDIR steps every 10 s, so the stuck valve fires for at most about 11 s: 0.45 kg at
0.041 kg/s. The ground, 1.28 s away, sees all of it after the fact; waiting for a human and
a round trip would be no faster, which is why the response is on board.

Recovery is the ground's: the latch valve stays closed (arming it would fire the stuck valve
again); the ground checks that the propellant holds and that the overshoot left a safe orbit
(each m/s raises apolune by 4.5 km), acknowledges the alarm, and mapping carries on.
"""

from procedures.propulsion import is_action, mass_flow_kg_s

from ground.testkit import HilFailure, is_not, within_range

MISSION = "lunar_orbiter"

TRIM_DV_M_S = 2.0
FLOW_KG_S = mass_flow_kg_s(88.0, 220.0)  # at the rated 1600 kPa
TRIM_PROPELLANT_KG = 1.30  # m0 (1 - exp(-dv / (Isp g0))) from 1400 kg
BURN_S = TRIM_PROPELLANT_KG / FLOW_KG_S  # about 32 s
FDIR_PERIOD_S = 10.0  # [subsystems.fdir] tick_period_s: the event waits at most this long
# Stuck firing FDIR allows: its period, the tick the event takes to reach it, and the last
# burn tick (a stuck valve is not cut at the Δv target): 12 s, 0.49 kg.
STUCK_BUDGET_S = FDIR_PERIOD_S + 2.0
ORBIT_S = 7080.0
APOLUNE_KM_PER_M_S = 4.0 * 1837.4 / 1633.5  # 4 r / v of the 100 km circular orbit
ACTION = "safe_thrusters_on_uncommanded_thrust"


def run(hil):
    with hil.step("Before the trim: propulsion safed, 300 kg in a 1600 kPa tank, 100 km orbit"):
        hil.advance(900)  # mapping under way
        hil.check("propulsion.armed == False")
        propellant_before_kg = hil.check("propulsion.propellant_kg > 299.9")
        hil.check("propulsion.tank_pressure_kpa > 1590")
        hil.check("navigation.altitude_km > 99.9")
        hil.check("navigation.eccentricity < 0.0001")
        hil.assert_no_alarms()

    with hil.step("Orbit trim: arm, then 2 m/s prograde (hazardous, confirmed)"):
        hil.send_and_await_completion("propulsion.arm", within=10)
        burn = hil.send_command(
            "propulsion.burn_dv",
            {"delta_v_m_s": TRIM_DV_M_S, "direction": "prograde"},
            confirm=True,
        )
        hil.await_command(burn, "completed", within=10)
        burn_started = hil.assert_event("propulsion.burn_started", since=burn.stages["sent"])

    with hil.step("A thruster valve sticks open ten seconds into the burn"):
        hil.advance(round(burn_started.time_s + 10.0 - hil.now_s))  # the clock steps whole seconds
        hil.check("propulsion.thrusting == True")
        hil.check("propulsion.burn_active == True")
        hil.inject_fault("propulsion", "thruster_stuck_open")

    with hil.step("The burn ends at its Δv; thrust goes on; FDIR closes the latch valve"):
        # Await the last link of the chain, from before any of it can have happened on board
        # (the burn has 20 s to go): an await only sees events stamped after it starts.
        action = hil.await_event(
            "fdir.event_action",
            within=BURN_S + STUCK_BUDGET_S,
            where=is_action(ACTION),
        )
        chain = hil.assert_event_sequence(
            [
                "propulsion.burn_completed",
                "propulsion.uncommanded_thrust",
                "fdir.event_action",
                "propulsion.safed",
            ],
            since=burn.stages["sent"],
        )
        done, uncommanded, _, safed = chain
        if done.params["achieved_dv_m_s"] < TRIM_DV_M_S:
            raise HilFailure(f"the trim ended short: {done.message}")
        if uncommanded.severity != 4:
            raise HilFailure(f"uncommanded thrust at severity {uncommanded.severity}, not high")
        hil.note(
            f"{action.message}; latch closed {safed.time_s - done.time_s:.1f} s after the burn"
        )

    with hil.step("The ground sees it a light time later: thrust stopped, latch valve closed"):
        hil.await_telemetry("propulsion.thrusting", False, within=FDIR_PERIOD_S + 5)
        hil.check("propulsion.armed == False")  # the same report: the propellant is final
        hil.check("propulsion.burn_active == False")
        hil.wait_check("fdir.actions_fired == 1", within=FDIR_PERIOD_S + 5)
        hil.check("fdir.mode == 'nominal'")  # an event-action, not safe mode
        # What the ground saw meanwhile: a report with the burn over and the thruster firing.
        stuck = hil.assert_telemetry("propulsion.thrusting", True, since=done.time_s)
        burn_over = hil.history("propulsion.burn_active", since=stuck.time_s, until=stuck.time_s)
        if [s.value for s in burn_over] != [False]:
            raise HilFailure(f"at {stuck.time_s:.0f} s the burn was still active: {burn_over}")

    with hil.step("Propellant loss bounded: under half a kilogram beyond the trim's own"):
        used_kg = propellant_before_kg - hil.tlm("propulsion.propellant_kg")
        extra_kg = used_kg - TRIM_PROPELLANT_KG
        budget_kg = FLOW_KG_S * STUCK_BUDGET_S
        hil.note(f"used {used_kg:.3f} kg; {extra_kg:.3f} kg more than the trim's")
        if not 0.0 < extra_kg <= budget_kg:
            raise HilFailure(f"{extra_kg:.3f} kg lost to the stuck valve, budget {budget_kg:.2f}")
        # The extra Δv is the lost propellant's: under 1400 kg, 0.5 kg gives 0.77 m/s.
        hil.check("propulsion.delta_v_total_m_s > 2.0")
        hil.check("propulsion.delta_v_total_m_s < 2.8")

    with hil.step("Latch valve holds: no propellant leaves for ten minutes"):
        held_since_s = hil.now_s
        held_kg = hil.tlm("propulsion.propellant_kg")
        hil.advance(600)
        hil.assert_telemetry_count(
            "propulsion.propellant_kg",
            0,
            is_not(within_range(held_kg - 0.001, held_kg)),
            since=held_since_s,
        )
        hil.assert_telemetry_count("propulsion.thrusting", 0, True, since=held_since_s)
        hil.assert_no_event("propulsion.propellant_loss_unexplained", since=held_since_s)

    with hil.step("Ground recovery: orbit safe after the overshoot, alarm acknowledged"):
        # A prograde Δv at a circular orbit raises apolune by 4 r dv / v: 4.5 km per m/s here
        # (r = 1837.4 km, v = 1633 m/s). The mapping band is 50..150 km.
        dv_m_s = hil.tlm("propulsion.delta_v_total_m_s")
        apolune_km = 100.0 + APOLUNE_KM_PER_M_S * dv_m_s
        since_s = hil.now_s
        hil.advance(ORBIT_S)
        highest_km = max(s.value for s in hil.history("navigation.altitude_km", since=since_s))
        hil.note(f"apolune {highest_km:.1f} km for {dv_m_s:.2f} m/s (expected {apolune_km:.1f})")
        if abs(highest_km - apolune_km) > 1.5:
            raise HilFailure(f"apolune {highest_km:.1f} km, expected {apolune_km:.1f} km")
        hil.assert_telemetry_count(
            "navigation.altitude_km", 0, is_not(within_range(99.0, 125.0)), since=since_s
        )
        # The burn itself raised propellant_falling (the rule cannot tell a burn from a leak).
        hil.acknowledge("propellant_falling", "stuck valve; FDIR closed the latch, keep it closed")
        hil.check("propulsion.armed == False")
        hil.check("payload.camera_mode == 'imaging'")
        hil.assert_telemetry_count("fdir.mode", 0, is_not("nominal"), since=since_s)
        hil.assert_no_alarms()
