"""Propellant leak in the thruster feed: FDIR closes the latch valve on board and the loss stops.

An hour out the ground opens the latch valve (`propulsion.arm`) ahead of a trajectory
correction, and a fitting in the feed line downstream of it starts to weep hydrazine at 1 g/s:
at the 1500 kPa feed pressure the orifice law ṁ = Cd·A·√(2ρΔP) (Cd 0.6, ρ 1004 kg/m³) gives
that through a crack of 0.03 mm², five times the 0.2 g/s the ground's `propellant_falling` rule
tolerates. What must follow:
- on board, propulsion sees the tank lose mass with the thruster idle and raises the
  high-severity event `propellant_loss_unexplained` at its next 10 s tick (10 g lost);
- FDIR's event-action `safe_thrusters_on_propellant_loss` (configs/mars_cruise.toml) sends
  `propulsion.safe` at its next 10 s step: the latch valve closes and isolates the feed. FDIR
  reads only events published before its step, so the leak runs the event's tick and one FDIR
  step: 10-20 s, 10-20 g. The ground sent no safe: the only one came from FDIR;
- the loss stops: propellant and the pressurant bottle hold for ten minutes;
- on the ground no rule fires: `propellant_falling` wants three 60 s samples in a row falling,
  and only one did. The ground learns of the leak from the events, and the telemetry tells it
  where: the mass fell only while the latch valve was open and holds with it closed, so the
  leak is downstream of the valve (a tank leak, see propellant_leak_in_tank.py, goes on);
- the ground postpones the correction and checks the leak is still there before planning
  around it: it opens the latch valve again, with a safe time-tagged on board one minute
  later as a backstop that depends on neither the link nor the onboard detection. The loss
  resumes at 1 g/s; propulsion reports it again (a tick with nothing lost re-armed the
  report) and FDIR closes the valve again within 10-20 s, before the backstop, which then
  finds it closed: a feed leak, still active, and the onboard response repeats. The ground
  keeps the latch valve closed;
- five hours later the leak stops (in the simulator the fault is cleared; it stands in for
  the leak freezing over, as hydrazine evaporating into vacuum at a crack can, since nothing
  can be repaired in flight); with the valve closed nothing shows it;
- before the correction the ground checks the feed out: ten minutes with the latch valve
  open, and the mass holds exactly. The propellant lost adds up to the rate times the
  time the valve was open, the Δv capability follows by the rocket equation, and the valve
  is closed again for cruise with no alarm and FDIR in nominal mode.
"""

import math

from procedures.propulsion import (
    await_fdir_safing,
    await_unexplained_loss,
    confirm_fdir_action,
    confirm_safing_came_from_on_board,
    is_action,
    rocket_dv_m_s,
)

from ground.testkit import HilFailure, Predicate, is_true, not_equal_to

MISSION = "mars_cruise"

TICK_S = 10.0  # propulsion's rate group
FDIR_STEP_S = 10.0  # [subsystems.fdir] tick_period_s
HK_S = 60.0  # housekeeping period of propulsion, fdir and resources
COMMAND_S = 60.0  # a round trip of 0.1 s this early, then the verification reports
LEAK_KG_S = 0.001
PROPELLANT_KG = 250.0
DRY_MASS_KG = 1000.0
ISP_S = 225.0
# The leak is counted in whole propulsion ticks: what the valve let through is known to a tick.
TICK_KG = LEAK_KG_S * TICK_S
# Ten reports, 60 propulsion ticks and FDIR steps; a leak still open would take 0.6 kg.
HOLD_S = 600.0
TEST_OPEN_S = 60.0  # the re-arm test: one report's worth of leak, 60 g
SAFE_ACTION = "safe_thrusters_on_propellant_loss"


def held(hil, name, since):
    """The one value `name` has kept since `since`; fail if it moved or too few reports came."""
    samples = hil.history(name, since=since)
    values = {s.value for s in samples}
    if len(samples) < HOLD_S / HK_S - 1 or len(values) != 1:
        raise HilFailure(f"{name} did not hold after {since:.0f} s: {samples}")
    return samples[-1].value


def run(hil):
    with hil.step("An hour out: propulsion quiet, latch valve closed, nothing alarming"):
        hil.advance(3600.0)
        hil.check(f"propulsion.propellant_kg == {PROPELLANT_KG}")
        hil.check("propulsion.tank_pressure_kpa > 1490")
        hil.check("propulsion.armed == False")
        hil.check("fdir.actions_fired == 0")
        hil.check("fdir.mode == 'nominal'")
        onboard_before = hil.tlm("executive.onboard_commands")
        hil.assert_no_alarms()
        start_s = hil.now_s

    with hil.step("Ground opens the latch valve ahead of a trajectory correction"):
        hil.send_and_await_completion("propulsion.arm", within=COMMAND_S)
        hil.await_telemetry("propulsion.armed", True, within=2 * HK_S)

    with hil.step("A fitting in the feed line, downstream of the valve, weeps 1 g/s"):
        leak_s = hil.inject_fault("propulsion", "leak", rate_kg_per_s=LEAK_KG_S, location="feed")

    with hil.step("Onboard detection: propulsion flags a loss with the thruster idle"):
        loss = await_unexplained_loss(hil, leak_s=leak_s, tick_s=TICK_S)
        if not math.isclose(loss.params["lost_kg"], TICK_KG, rel_tol=1e-6):
            raise HilFailure(f"first tick lost {loss.params['lost_kg']} kg, expected 10 g")

    with hil.step("FDIR's event-action closes the latch valve on board"):
        _, safed = await_fdir_safing(
            hil, SAFE_ACTION, loss, fdir_step_s=FDIR_STEP_S, within=2 * FDIR_STEP_S, since=leak_s
        )
        hil.note(f"latch valve closed {safed.time_s - leak_s:.1f} s after the leak began")
        closed_s = hil.await_telemetry("propulsion.armed", False, within=2 * HK_S).time_s
        confirm_fdir_action(hil, SAFE_ACTION, within=2 * HK_S)
        # An event-action, not safe mode: the rest of the spacecraft carries on.
        hil.check("fdir.mode == 'nominal'")
        confirm_safing_came_from_on_board(
            hil,
            SAFE_ACTION,
            ground_commands=["propulsion.arm"],
            onboard_before=onboard_before,
            since=start_s,
            within=2 * HK_S,
        )

    with hil.step("The loss stops with the valve closed: propellant and pressurant hold"):
        hil.advance(HOLD_S)
        left_kg = held(hil, "propulsion.propellant_kg", closed_s)
        # With no liquid leaving, the regulator has nothing to replace: the bottle holds too.
        bottle = hil.history("propulsion.bottle_pressure_kpa", since=closed_s)
        drift_kpa = abs(bottle[-1].value - bottle[0].value)
        if drift_kpa > 1.0:  # a leak on would draw it down 2.2 kPa a minute, 22 kPa here
            raise HilFailure(f"the pressurant bottle moved {drift_kpa:.2f} kPa with the valve shut")
        hil.note(f"pressurant bottle within {drift_kpa:.3f} kPa over {HOLD_S / 60:.0f} min")
        lost_kg = PROPELLANT_KG - left_kg
        # The event's tick, then FDIR's step after it (it never sees an event of its own tick).
        least_kg, most_kg = LEAK_KG_S * TICK_S, LEAK_KG_S * (TICK_S + FDIR_STEP_S)
        if not least_kg - 1e-9 <= lost_kg <= most_kg + 1e-9:
            raise HilFailure(f"{lost_kg * 1e3:.2f} g lost before the safe, not {least_kg * 1e3:.0f}-"
                             f"{most_kg * 1e3:.0f} g")  # fmt: skip
        hil.note(f"{lost_kg * 1e3:.1f} g lost before FDIR closed the valve; {left_kg:.3f} kg left")
        hil.assert_telemetry_count("propulsion.thrusting", 0, is_true(), since=start_s)
        hil.assert_telemetry_count("propulsion.mass_flow_kg_s", 0, not_equal_to(0.0), since=start_s)

    with hil.step("Ground: no rule fired, the events tell; the leak is downstream of the valve"):
        # One 60 s sample fell; propellant_falling needs three in a row. Isolated this fast, a
        # feed leak never reaches the ground's trend rule, nor the 6 h propellant forecast.
        triggered = [e for e in hil.alarm_log(since=start_s) if e.kind == "triggered"]
        if triggered:
            raise HilFailure(f"no alarm expected for a leak isolated in 20 s: {triggered}")
        hil.assert_no_alarms()
        hil.assert_no_event("resources.propellant_low", since=start_s)
        hil.assert_event_sequence(
            ["propulsion.armed", "propulsion.propellant_loss_unexplained",
             "fdir.event_action", "propulsion.safed"],
            since=start_s,
        )  # fmt: skip
        hil.note("mass fell only with the latch valve open, holds with it closed: a feed leak")

    with hil.step("Ground re-opens the valve to check; FDIR closes it again before the backstop"):
        # A safe waits on board a minute later: it closes the valve whatever the link or FDIR does.
        arm = hil.send_and_await_completion("propulsion.arm", within=COMMAND_S)
        opened = hil.assert_event("propulsion.armed", since=arm.stages["sent"])
        close = hil.send_command("propulsion.safe", release_s=opened.time_s + TEST_OPEN_S)
        hil.await_command(close, "completed", within=COMMAND_S)
        shut = hil.assert_event("propulsion.safed", since=opened.time_s)
        hil.advance(HOLD_S)
        after_kg = held(hil, "propulsion.propellant_kg", shut.time_s + TICK_S)
        test_kg = left_kg - after_kg
        open_s = shut.time_s - opened.time_s
        hil.note(f"{test_kg * 1e3:.1f} g lost in {open_s:.1f} s with the valve open")
        if abs(test_kg - LEAK_KG_S * open_s) > TICK_KG + 1e-9:
            raise HilFailure(f"{test_kg * 1e3:.1f} g lost in {open_s:.0f} s open, not 1 g/s")
        # The loss was reported again and FDIR acted again, well before the backstop's minute.
        hil.assert_event_count("propulsion.propellant_loss_unexplained", 2, since=start_s)
        hil.assert_event_count("fdir.event_action", 2, since=start_s, where=is_action(SAFE_ACTION))
        if not TICK_S <= open_s <= TICK_S + FDIR_STEP_S + 1e-9:
            raise HilFailure(f"FDIR closed the valve {open_s:.1f} s after it opened")
        hil.check("propulsion.armed == False")
        hil.note("the feed still leaks 1 g/s whenever the valve is open: correction postponed")

    with hil.step("The leak stops: the fault cleared, standing in for the crack freezing over"):
        hil.advance(5 * 3600.0)
        stop_s = hil.clear_fault("propulsion", "leak")
        # With the valve shut nothing on board shows the leak, nor that it stopped.
        if held(hil, "propulsion.propellant_kg", shut.time_s + TICK_S) != after_kg:
            raise HilFailure("propellant moved while the valve was shut")

    with hil.step("Checkout before the correction: ten minutes open, the mass holds"):
        arm = hil.send_and_await_completion("propulsion.arm", within=COMMAND_S)
        checkout = hil.assert_event("propulsion.armed", since=stop_s)
        hil.advance(HOLD_S)
        hil.assert_telemetry_count("propulsion.armed", 0, False, since=checkout.time_s + TICK_S)
        held(hil, "propulsion.propellant_kg", checkout.time_s)
        hil.assert_no_event("propulsion.propellant_loss_unexplained", since=stop_s)
        hil.assert_no_alarms()
        hil.send_and_await_completion("propulsion.safe", within=COMMAND_S)
        hil.await_telemetry("propulsion.armed", False, within=2 * HK_S)

    with hil.step("Ground's accounting: rate times time open, Δv by the rocket equation"):
        final_kg = hil.tlm("propulsion.propellant_kg")
        if final_kg != after_kg:
            raise HilFailure(f"{after_kg - final_kg:.4f} kg lost during the checkout")
        # The valve was open on the leak twice: until FDIR's safe, and for the test.
        leaking_s = (safed.time_s - leak_s) + open_s
        total_kg = PROPELLANT_KG - final_kg
        if abs(total_kg - LEAK_KG_S * leaking_s) > 2 * TICK_KG + 1e-9:
            raise HilFailure(f"{total_kg * 1e3:.1f} g lost in all for {leaking_s:.0f} s leaking")
        hil.note(
            f"{total_kg * 1e3:.1f} g lost in {leaking_s:.0f} s open on the leak; {final_kg:.3f} kg left"
        )
        capability = rocket_dv_m_s(ISP_S, DRY_MASS_KG + final_kg, DRY_MASS_KG)
        hil.await_telemetry(
            "propulsion.delta_v_capability_m_s",
            Predicate(lambda v: math.isclose(v, capability, rel_tol=1e-6), f"{capability:.3f}"),
            within=HK_S,
        )
        hil.assert_event_count("fdir.event_action", 2, since=start_s)  # the leak, the check
        # An event-action all along, never safe mode: the rest of the spacecraft carried on.
        hil.assert_telemetry_count("fdir.mode", 0, not_equal_to("nominal"), since=start_s)
        hil.assert_no_alarms()
