"""Thruster stuck open during a trajectory correction: FDIR safes propulsion on board within a step.

An hour out, the ground arms propulsion and commands a 5 m/s prograde correction: 88 N on
1250 kg is 0.070 m/s2, so about 71 s of firing and 2.8 kg of hydrazine (ṁ = F/(Isp g0) =
88/(225 x 9.807) = 0.0399 kg/s). Half-way through, the thruster valve sticks open. What must
follow:
- the burn still reaches its target, but a stuck valve is not cut off inside a 10 s tick, so
  it ends up to one tick of thrust (0.70 m/s, 0.40 kg) long;
- with the burn over and the latch valve still open the thruster keeps firing: propulsion
  raises the high-severity event `uncommanded_thrust` at the next tick;
- FDIR's event-action `safe_thrusters_on_uncommanded_thrust` (configs/mars_cruise.toml) sends
  `propulsion.safe` on board at FDIR's next 10 s step: the latch valve closes (`armed` false),
  which stops even a stuck valve. FDIR reads only events published before its step, so the
  thruster fires the event's tick and one FDIR step past the cut-off: 10 + 10 = 20 s, 0.80 kg
  and 1.4 m/s; a 60 s FDIR step would have allowed 70 s, 2.8 kg and 4.9 m/s;
- the ground sent no safe (the light time is 0.04 s this early, but it did not need to): the
  only one came from FDIR. Propellant and velocity then hold, though the valve still reads
  stuck, and every gram spent is accounted for by the flow rate and the rocket equation;
- recovery: once the valve is cleared, and only then, the ground re-arms and trims the
  overshoot with a retrograde burn, which a healthy valve cuts off inside its tick, on target
  (a stuck one would run the whole tick); then it safes propulsion again.
"""

import math

from procedures.propulsion import (
    await_fdir_safing,
    clear_stuck_valve,
    confirm_fdir_action,
    confirm_safing_came_from_on_board,
    mass_flow_kg_s,
    rocket_dv_m_s,
    safe_propulsion_again,
)

from ground.testkit import HilFailure, is_true, less_than

MISSION = "mars_cruise"

TICK_S = 10.0  # propulsion's rate group
FDIR_STEP_S = 10.0  # [subsystems.fdir] tick_period_s
HK_S = 60.0
COMMAND_S = 60.0  # a round trip of 0.1 s, then the verification reports
DV_M_S = 5.0
DRY_MASS_KG = 1000.0
PROPELLANT_KG = 250.0
THRUST_N = 88.0
ISP_S = 225.0
FLOW_KG_S = mass_flow_kg_s(THRUST_N, ISP_S)  # 0.0399 kg/s at the regulated 1500 kPa
TICK_DV_M_S = THRUST_N / (DRY_MASS_KG + PROPELLANT_KG) * TICK_S  # 0.70 m/s in one full tick
# Propellant accounting is exact to float rounding; a gram is a fortieth of one tick's 0.4 kg.
ACCOUNT_TOL_KG = 1e-3
# 60 propulsion ticks and FDIR steps, 10 reports: a stuck valve would take 2.4 kg between two.
HOLD_S = 600.0
SAFE_ACTION = "safe_thrusters_on_uncommanded_thrust"


def run(hil):
    with hil.step("An hour out, propulsion ready for the correction"):
        hil.advance(3600.0)
        hil.check("propulsion.propellant_kg == 250.0")
        hil.check("propulsion.tank_pressure_kpa > 1490")
        hil.check("propulsion.armed == False")
        hil.check("propulsion.thruster_stuck_open == False")
        hil.check("navigation.total_dv_m_s == 0")
        hil.check("fdir.actions_fired == 0")
        onboard_before = hil.tlm("executive.onboard_commands")
        hil.assert_no_alarms()
        start_s = hil.now_s

    with hil.step("Arm and start a 5 m/s prograde correction"):
        hil.send_and_await_completion("propulsion.arm", within=COMMAND_S)
        hil.send_and_await_completion(
            "propulsion.burn_dv",
            {"delta_v_m_s": DV_M_S, "direction": "prograde"},
            within=COMMAND_S,
            confirm=True,
        )
        started = hil.assert_event("propulsion.burn_started", since=start_s)
        planned_s = started.params["planned_s"]
        # m * dv / F for a burn this small against the mass: 1250 kg x 5 m/s / 88 N = 71 s.
        if not math.isclose(planned_s, 1250.0 * DV_M_S / THRUST_N, rel_tol=0.01):
            raise HilFailure(f"burn planned for {planned_s:.1f} s, expected about 71 s")

    with hil.step("Half-way through the burn, the thruster valve sticks open"):
        hil.advance(started.time_s + planned_s / 2 - hil.now_s)
        hil.assert_no_event("propulsion.burn_completed", since=start_s)  # still burning
        stuck_s = hil.inject_fault("propulsion", "thruster_stuck_open")
        # The next report (60 s) falls inside the burn: thrusting, with the valve stuck. While
        # the burn runs a stuck valve looks like the burn itself: the wait for that report
        # steps past the cut-off, so the next step checks the event came only after it.
        report = hil.await_telemetry("propulsion.thruster_stuck_open", True, within=HK_S)
        then = {"since": report.time_s, "until": report.time_s}
        hil.assert_telemetry("propulsion.burn_active", True, **then)
        hil.assert_telemetry("propulsion.thrusting", True, **then)

    with hil.step("The burn reaches its target, but the thruster keeps firing after it"):
        # The rest of the 71 s burn, a tick of overshoot, then the event's tick.
        uncommanded = hil.await_event(
            "propulsion.uncommanded_thrust", within=planned_s, since=stuck_s
        )
        done = hil.assert_event("propulsion.burn_completed", since=stuck_s)
        hil.assert_event_count("propulsion.uncommanded_thrust", 1, since=start_s)
        achieved = done.params["achieved_dv_m_s"]
        # A stuck valve is not cut off inside a tick: at most one tick long.
        if not DV_M_S <= achieved <= DV_M_S + TICK_DV_M_S:
            raise HilFailure(f"burn ended at {achieved:.3f} m/s for a {DV_M_S} m/s target")
        hil.note(f"burn ended at {achieved:.3f} m/s, {achieved - DV_M_S:.3f} m/s over its target")
        # Flagged at the first tick with thrust and no burn: the one after the burn ended.
        if uncommanded.severity != 4 or uncommanded.time_s - done.time_s != TICK_S:
            raise HilFailure(
                f"expected a high-severity event the tick after the burn, got {uncommanded}"
            )

    with hil.step("FDIR's event-action safes propulsion on board: the latch valve closes"):
        # FDIR acts at its first step after the event; the event reaches the ground in 0.04 s.
        _, safed = await_fdir_safing(
            hil,
            SAFE_ACTION,
            uncommanded,
            fdir_step_s=FDIR_STEP_S,
            within=2 * FDIR_STEP_S,
            since=stuck_s,
        )
        quiet_s = hil.await_telemetry("propulsion.armed", False, within=2 * HK_S).time_s
        hil.await_telemetry("propulsion.thrusting", False, within=2 * HK_S)
        confirm_fdir_action(hil, SAFE_ACTION, within=2 * HK_S)
        # The valve is still stuck: the closed latch valve is what stops the thrust.
        hil.check("propulsion.thruster_stuck_open == true")

    with hil.step("Ground confirms the safing came from on board, not from the ground"):
        # The ground's commands so far are the correction's two: no safe.
        confirm_safing_came_from_on_board(
            hil,
            SAFE_ACTION,
            ground_commands=["propulsion.arm", "propulsion.burn_dv"],
            onboard_before=onboard_before,
            since=start_s,
            within=2 * HK_S,
        )

    with hil.step("Propellant and velocity hold with the valve still stuck"):
        held_kg = hil.tlm("propulsion.propellant_kg")
        hil.advance(HOLD_S)
        hil.assert_telemetry_count("propulsion.thrusting", 0, is_true(), since=quiet_s)
        hil.assert_telemetry_count("propulsion.propellant_kg", 0, less_than(held_kg), since=quiet_s)
        for name in ("propulsion.delta_v_total_m_s", "navigation.total_dv_m_s"):
            values = {s.value for s in hil.history(name, since=quiet_s)}
            if len(values) != 1:
                raise HilFailure(f"{name} still changing after the safe: {sorted(values)}")
        hil.check("propulsion.thruster_stuck_open == True")

    with hil.step(
        "Ground assessment: propellant by the flow rate, velocity by the rocket equation"
    ):
        left_kg = hil.tlm("propulsion.propellant_kg")
        used_kg = PROPELLANT_KG - left_kg
        # The burn fired for its duration; the stuck valve, from the cut-off to the safe.
        burn_kg = FLOW_KG_S * done.params["duration_s"]
        after_kg = used_kg - burn_kg
        fired_s = safed.time_s - done.time_s
        hil.note(f"{used_kg:.3f} kg spent: {after_kg:.3f} kg in {fired_s:.0f} s after the cut-off")
        if abs(after_kg - FLOW_KG_S * fired_s) > ACCOUNT_TOL_KG:
            raise HilFailure(f"{after_kg:.3f} kg after the cut-off for {fired_s:.0f} s of thrust")
        # The event's tick, then FDIR's step after it (it never sees an event of its own tick).
        least_kg = FLOW_KG_S * (TICK_S + min(TICK_S, FDIR_STEP_S))
        most_kg = FLOW_KG_S * (TICK_S + FDIR_STEP_S)
        if not least_kg - ACCOUNT_TOL_KG <= after_kg <= most_kg + ACCOUNT_TOL_KG:
            raise HilFailure(
                f"{after_kg:.3f} kg after the cut-off, outside {least_kg:.3f}..{most_kg:.3f} kg"
            )
        dv = hil.tlm("propulsion.delta_v_total_m_s")
        nav_dv = hil.tlm("navigation.total_dv_m_s")
        if not math.isclose(dv, nav_dv, rel_tol=1e-6):
            raise HilFailure(
                f"propulsion delivered {dv:.4f} m/s, navigation applied {nav_dv:.4f} m/s"
            )
        # dv = Isp g0 ln(m0 / m1): every gram that left went through the thruster.
        expected_dv = rocket_dv_m_s(ISP_S, DRY_MASS_KG + PROPELLANT_KG, DRY_MASS_KG + left_kg)
        if not math.isclose(dv, expected_dv, rel_tol=1e-3):
            raise HilFailure(
                f"{dv:.3f} m/s for {used_kg:.3f} kg, the rocket equation gives {expected_dv:.3f}"
            )
        # A tick of overshoot and two after the cut-off, at most.
        if not DV_M_S < dv <= DV_M_S + 3 * TICK_DV_M_S:
            raise HilFailure(f"{dv:.3f} m/s delivered: the stuck thruster was not stopped in time")
        hil.note(f"{dv:.3f} m/s delivered for {DV_M_S} m/s planned")

    with hil.step("Valve cleared; only then re-armed, and a retrograde trim stops on target"):
        cleared_s = clear_stuck_valve(hil, kept_safe_since=quiet_s, within=HK_S)
        # Prograde barely turns in an hour of heliocentric cruise: a retrograde burn of the
        # overshoot brings the net change back to the planned 5 m/s.
        trim_m_s = dv - DV_M_S
        hil.send_and_await_completion("propulsion.arm", within=COMMAND_S)
        hil.send_and_await_completion(
            "propulsion.burn_dv",
            {"delta_v_m_s": round(trim_m_s, 3), "direction": "retrograde"},
            within=COMMAND_S,
            confirm=True,
        )
        # m dv / F of firing (29 s for 2 m/s), ended at the next whole tick, and a tick to hear.
        trim_s = (DRY_MASS_KG + left_kg) * trim_m_s / THRUST_N
        trim = hil.await_event(
            "propulsion.burn_completed", within=trim_s + 2 * TICK_S, since=cleared_s
        )
        # A healthy valve closes inside its tick, on the target; a stuck one would run the tick.
        if abs(trim.params["achieved_dv_m_s"] - round(trim_m_s, 3)) > 1e-3:
            raise HilFailure(f"trim ended at {trim.params['achieved_dv_m_s']:.4f} m/s: {trim}")
        hil.note(f"trim: {trim.message}")
        # Ten minutes armed after the trim: a valve still stuck would fire every tick.
        hil.advance(HOLD_S)
        hil.assert_telemetry_count("propulsion.thrusting", 0, is_true(), since=trim.time_s + TICK_S)
        hil.assert_no_event("propulsion.uncommanded_thrust", since=cleared_s)
        trim_kg = left_kg - hil.tlm("propulsion.propellant_kg")
        trim_dv = hil.tlm("propulsion.delta_v_total_m_s") - dv
        if abs(trim_kg - FLOW_KG_S * trim.params["duration_s"]) > ACCOUNT_TOL_KG:
            raise HilFailure(f"trim used {trim_kg:.4f} kg in {trim.params['duration_s']:.1f} s")
        if abs(trim_dv - round(trim_m_s, 3)) > 1e-3:
            raise HilFailure(f"trim delivered {trim_dv:.4f} m/s for {trim_m_s:.3f}")

    with hil.step("Ground safes propulsion again: spacecraft nominal"):
        safe_propulsion_again(hil, since=start_s, within=COMMAND_S, report_within=2 * HK_S)
