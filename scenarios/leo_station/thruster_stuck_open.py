"""Thruster stuck open during a reboost: FDIR safes propulsion on board, the loss is bounded.

A 105 s reboost (1200 N, Isp 300 s: ṁ = F/(Isp g0) = 0.408 kg/s at the regulated 1700 kPa,
42.8 kg, 0.50 m/s on the 252.5 t station) is armed and commanded by the ground. Half-way
through, a thruster valve sticks open. While the burn runs that looks like the burn itself;
at the planned cut-off the thrust goes on:

- propulsion (1 s ticks) ends the burn on time, and at the next tick sees thrust with no burn:
  the high-severity event `uncommanded_thrust`;
- FDIR's event-action `safe_thrusters_on_uncommanded_thrust` (configs/leo_station.toml) sends
  `propulsion.safe` on board at FDIR's next step, which closes the latch valve (`armed` false,
  event `safed`): that stops even a stuck valve. FDIR steps every 10 s and reads only events
  published before its step, so it acts 2 to 11 s after the end of the tick in which the burn
  ended (the burn started, and so ends, a quarter into a tick: add those 0.75 s), and the stuck
  thruster burns 2.75 x 0.408 = 1.1 kg to 11.75 x 0.408 = 4.8 kg beyond the planned 42.8 kg;
- propellant then holds, though the valve still reads stuck, and the ground's
  `propellant_falling` alarm (acknowledged as expected during the burn) clears.

The ground sent no `safe` of its own: the only one came from FDIR. Once the valve is cleared,
and only then, the ground re-arms, fires a 10 s checkout burn that must stop on time (4.08 kg,
nothing after the cut-off), and safes propulsion again.
"""

import math

from procedures.propulsion import (
    await_fdir_safing,
    clear_stuck_valve,
    confirm_fdir_action,
    confirm_safing_came_from_on_board,
    mass_flow_kg_s,
    safe_propulsion_again,
)

from ground.testkit import HilFailure, close_to, less_than

MISSION = "leo_station"

FIRST_HK_S = 60.0
COMMAND_S = 30.0  # 0.5 s relay round trip and the next 10 s report
HK_S = 10.0
FLOW_KG_S = mass_flow_kg_s(1200.0, 300.0)  # at the regulated 1700 kPa
BURN_S = 105.0  # 0.50 m/s on 252.5 t
CHECKOUT_BURN_S = 10.0
PROPULSION_TICK_S = 1.0
FDIR_STEP_S = 10.0  # [subsystems.fdir] tick_period_s
LIGHT_S = 0.25  # one way
ALARM_PERSISTENCE_S = 40.0  # 3 samples of 10 s, and one in flight
# Propellant accounting is exact to float rounding; a gram is far below one tick (408 g).
ACCOUNT_TOL_KG = 1e-3
SAFE_ACTION = "safe_thrusters_on_uncommanded_thrust"


def run(hil):
    start_s = hil.now_s

    with hil.step("Propulsion safe, tank full at regulated pressure, station nominal"):
        hil.wait_check("propulsion.armed == false", within=FIRST_HK_S)
        hil.check("propulsion.thrusting == false")
        hil.check("propulsion.thruster_stuck_open == false")
        full_kg = hil.check("propulsion.propellant_kg > 2499")
        hil.check("propulsion.tank_pressure_kpa > 1690")
        hil.wait_check("fdir.mode == nominal", within=FIRST_HK_S)
        hil.check("fdir.actions_fired == 0")
        onboard_before = hil.tlm("executive.onboard_commands")
        hil.assert_no_alarms()

    with hil.step("Reboost commanded: arm, then a 105 s prograde burn"):
        hil.send_and_await_completion("propulsion.arm", within=COMMAND_S)
        hil.await_telemetry("propulsion.armed", True, within=2 * HK_S)
        hil.send_and_await_completion(
            "propulsion.burn_duration",
            {"duration_s": BURN_S, "direction": "prograde"},
            within=COMMAND_S,
            confirm=True,  # a hazardous command
        )
        started = hil.assert_event("propulsion.burn_started", since=start_s)
        hil.note(f"burn started: {started.message}")
        cutoff_s = started.time_s + BURN_S
        hil.await_telemetry("propulsion.thrusting", True, within=2 * HK_S)
        hil.await_telemetry("propulsion.burn_active", True, within=2 * HK_S)
        # Expected during a reboost: propellant falls 0.41 kg/s against the 0.5 g/s rule.
        hil.await_alarm("propellant_falling", within=ALARM_PERSISTENCE_S)
        hil.acknowledge("propellant_falling", "commanded reboost")

    with hil.step("Half-way through the burn, a thruster valve sticks open"):
        hil.advance(cutoff_s - BURN_S / 2 - hil.now_s)
        stuck_s = hil.inject_fault("propulsion", "thruster_stuck_open")
        hil.await_telemetry("propulsion.thruster_stuck_open", True, within=2 * HK_S)
        # While the burn runs a stuck valve looks like the burn itself: nothing to detect yet.
        hil.check("propulsion.burn_active == true")
        hil.assert_no_event("propulsion.uncommanded_thrust", since=start_s)
        hil.assert_no_event("fdir.event_action", since=start_s)

    with hil.step("The burn ends on time but thrust goes on: uncommanded thrust reported"):
        uncommanded = hil.await_event(
            "propulsion.uncommanded_thrust", within=BURN_S / 2 + 2 * PROPULSION_TICK_S + HK_S
        )
        done = hil.assert_event("propulsion.burn_completed", since=stuck_s)
        # The burn itself was not cut short or stretched: 105 s of firing from the moment the
        # command ran, reported at the end of the 1 s tick in which it ended.
        if (
            done.params["duration_s"] != BURN_S
            or not 0 <= done.time_s - cutoff_s < PROPULSION_TICK_S
        ):
            raise HilFailure(f"burn did not end on time at {cutoff_s:.1f} s: {done} {done.params}")
        # Flagged by propulsion at the first tick with thrust and no burn.
        if uncommanded.severity != 4 or uncommanded.time_s - done.time_s != PROPULSION_TICK_S:
            raise HilFailure(
                f"expected a high-severity event a tick after the cut-off: {uncommanded}"
            )
        hil.note(f"uncommanded thrust {uncommanded.time_s - done.time_s:.1f} s after the cut-off")

    with hil.step("FDIR's event-action safes propulsion on board: the latch valve closes"):
        # FDIR sees the event at its first 10 s step after it, plus the light time to hear it.
        _, safed = await_fdir_safing(
            hil,
            SAFE_ACTION,
            uncommanded,
            fdir_step_s=FDIR_STEP_S,
            within=FDIR_STEP_S + LIGHT_S + HK_S,
            since=uncommanded.time_s,
        )
        # The report of the safing tick was made before the safe ran: the next one shows it.
        quiet_s = hil.await_telemetry("propulsion.armed", False, within=2 * HK_S).time_s
        hil.await_telemetry("propulsion.thrusting", False, within=2 * HK_S)
        hil.await_telemetry("propulsion.thrust_n", close_to(0.0, 1e-6), within=2 * HK_S)
        confirm_fdir_action(hil, SAFE_ACTION, within=2 * HK_S)
        # The valve is still stuck: the closed latch valve is what stops the thrust.
        hil.check("propulsion.thruster_stuck_open == true")

    with hil.step("Ground confirms the safing came from on board, not from the ground"):
        # The ground's commands so far are the reboost's two: no safe, time-tagged or not.
        confirm_safing_came_from_on_board(
            hil,
            SAFE_ACTION,
            ground_commands=["propulsion.arm", "propulsion.burn_duration"],
            onboard_before=onboard_before,
            since=start_s,
            within=2 * HK_S,
        )

    with hil.step("Propellant holds with the valve still stuck; the extra loss is bounded"):
        # Six reports (60 s): 60 propulsion ticks and 6 FDIR steps, in any of which a stuck
        # valve behind an open latch would take 0.41 kg; twice the alarm's 3-sample persistence.
        held_kg = hil.tlm("propulsion.propellant_kg")
        hil.advance(6 * HK_S)
        hil.assert_telemetry_count("propulsion.propellant_kg", 0, less_than(held_kg), since=quiet_s)
        hil.assert_telemetry_count("propulsion.thrusting", 0, True, since=quiet_s)
        hil.check("propulsion.thruster_stuck_open == true")
        used_kg = full_kg - hil.tlm("propulsion.propellant_kg")
        planned_kg = FLOW_KG_S * BURN_S
        extra_kg = used_kg - planned_kg
        fired_s = safed.time_s - cutoff_s  # the stuck valve fired from cut-off to safing
        hil.note(
            f"burned {used_kg:.2f} kg, {extra_kg:.2f} kg beyond the planned {planned_kg:.2f}: "
            f"{fired_s:.2f} s of uncommanded thrust"
        )
        # Every gram beyond the plan left at 0.408 kg/s between the cut-off and the safe.
        if abs(extra_kg - FLOW_KG_S * fired_s) > ACCOUNT_TOL_KG:
            raise HilFailure(f"{extra_kg:.3f} kg extra for {fired_s:.2f} s of thrust")
        # The rest of the tick in which the burn ended, the event's tick after it, then FDIR's
        # next step, at least a tick and at most 10 s later (it never sees an event of its own
        # tick): from that rest + 2 s to that rest + 11 s of thrust.
        rest_s = math.ceil(cutoff_s) - cutoff_s
        least_kg = FLOW_KG_S * (rest_s + 2 * PROPULSION_TICK_S)
        most_kg = FLOW_KG_S * (rest_s + PROPULSION_TICK_S + FDIR_STEP_S)
        if not least_kg - ACCOUNT_TOL_KG <= extra_kg <= most_kg + ACCOUNT_TOL_KG:
            raise HilFailure(
                f"{extra_kg:.3f} kg beyond the plan, outside {least_kg:.3f}..{most_kg:.3f} kg"
            )
        # The propellant alarm, acknowledged, clears once the level holds for 3 samples.
        hil.assert_no_alarms()
        hil.check("fdir.mode == nominal")

    with hil.step("Valve cleared; only then re-armed, and a 10 s checkout burn stops on time"):
        cleared_s = clear_stuck_valve(hil, kept_safe_since=quiet_s, within=2 * HK_S)
        level_kg = hil.tlm("propulsion.propellant_kg")
        hil.send_and_await_completion("propulsion.arm", within=COMMAND_S)
        hil.await_telemetry("propulsion.armed", True, within=2 * HK_S)
        hil.send_and_await_completion(
            "propulsion.burn_duration",
            {"duration_s": CHECKOUT_BURN_S, "direction": "prograde"},
            within=COMMAND_S,
            confirm=True,
        )
        checkout = hil.await_event(
            "propulsion.burn_completed", within=CHECKOUT_BURN_S + HK_S, since=cleared_s
        )
        hil.await_telemetry("propulsion.burn_active", False, within=2 * HK_S)
        # A minute armed after the cut-off: a valve that still stuck would fire every tick.
        hil.advance(6 * HK_S)
        after_s = checkout.time_s + PROPULSION_TICK_S  # reports from the tick after the cut-off
        hil.assert_telemetry_count("propulsion.thrusting", 0, True, since=after_s)
        hil.assert_no_event("propulsion.uncommanded_thrust", since=cleared_s)
        checkout_kg = level_kg - hil.tlm("propulsion.propellant_kg")
        hil.note(f"checkout burn used {checkout_kg:.3f} kg")
        if abs(checkout_kg - FLOW_KG_S * CHECKOUT_BURN_S) > ACCOUNT_TOL_KG:
            raise HilFailure(
                f"checkout burn used {checkout_kg:.3f} kg, "
                f"{FLOW_KG_S * CHECKOUT_BURN_S:.3f} expected for {CHECKOUT_BURN_S:g} s"
            )

    with hil.step("Ground safes propulsion again: station nominal"):
        safe_propulsion_again(hil, since=start_s, within=COMMAND_S, report_within=2 * HK_S)
        hil.check("navigation.total_dv_m_s > 0.5")
