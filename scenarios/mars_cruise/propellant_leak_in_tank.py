"""Propellant leak from the tank: FDIR closes the latch valve, the loss goes on, the ground finds why.

Two hours out, with the latch valve closed as it is all cruise between corrections, hydrazine
starts leaking from the tank side of the propulsion system at 1 g/s: a crack of 0.03 mm² at
the 1500 kPa tank pressure by the orifice law ṁ = Cd·A·√(2ρΔP) (Cd 0.6, ρ 1004 kg/m³); 3.6 kg
an hour, five times the 0.2 g/s the ground's propellant_falling rule allows: the 250 kg would
be gone in 69 hours. What must follow:
- on board, propulsion sees the tank lose mass with the thruster idle and raises the high
  severity event propellant_loss_unexplained at its next 10 s tick;
- FDIR's event-action safe_thrusters_on_propellant_loss (configs/mars_cruise.toml) sends
  propulsion.safe at its next 10 s step. FDIR cannot tell a tank leak from a feed leak: it
  closes the latch valve on any unexplained loss. Here the valve was already closed, so the
  safe changes nothing and the loss goes on;
- on the ground, propellant_falling fires after three 60 s samples, and resources' propellant
  forecast (a 6 h moving rate) drops below its 90-day threshold after about 12 minutes;
- the ground locates the leak: the thrusters are idle and the latch valve was closed before
  the leak began and after FDIR's safe, yet the mass falls at 1 g/s, so the leak is upstream
  of the valve (a feed leak stops when it closes, see propellant_leak_in_feed.py). The
  regulator holds the tank at 1500 kPa while the pressurant bottle falls 2.2 kPa a minute
  (1500 kPa x 1 mL/s / 40 L): gas replaces liquid that leaves, so it is a liquid-side leak.
  No valve on board can isolate it; the ground sends nothing (FDIR's safe already closed the
  one valve there is, and re-opening it would not help) and watches;
- the leak stops (in the simulator the fault is cleared: a seat that reseats, or the crack
  freezing over, since nothing can be repaired in flight), and the ground confirms it: the
  mass holds still and the alarm returns to normal; the loss adds up to the rate times the
  time the leak ran, and the Δv left follows by the rocket equation. FDIR stays in nominal
  mode throughout: an event-action, not safe mode.
"""

import math

from procedures.propulsion import (
    await_fdir_safing,
    await_unexplained_loss,
    confirm_fdir_action,
    rocket_dv_m_s,
)

from ground.testkit import HilFailure, Predicate, is_true, not_equal_to, outside_range

MISSION = "mars_cruise"

TICK_S = 10.0  # propulsion's rate group
FDIR_STEP_S = 10.0  # [subsystems.fdir] tick_period_s
HK_S = 60.0  # housekeeping period of propulsion, fdir and resources
LEAK_KG_S = 0.001
PROPELLANT_KG = 250.0
DRY_MASS_KG = 1000.0
ISP_S = 225.0
TICK_KG = LEAK_KG_S * TICK_S  # the leak is counted in whole propulsion ticks
SAFE_ACTION = "safe_thrusters_on_propellant_loss"


def rate_kg_s(samples):
    """Mass flow out of the tank between the first and the last sample, kg/s."""
    first, last = samples[0], samples[-1]
    return (first.value - last.value) / (last.time_s - first.time_s)


def run(hil):
    with hil.step("Propulsion quiet two hours out: tank full, regulated, latch valve closed"):
        hil.advance(2 * 3600.0)
        hil.check(f"propulsion.propellant_kg == {PROPELLANT_KG}")
        hil.check("propulsion.tank_pressure_kpa > 1490")
        hil.check("propulsion.tank_pressure_kpa < 1510")
        hil.check("propulsion.armed == False")
        hil.check("propulsion.thrusting == False")
        hil.check("fdir.actions_fired == 0")
        hil.assert_no_alarms()
        start_s = hil.now_s
        bottle_before = hil.tlm_sample("propulsion.bottle_pressure_kpa")

    with hil.step("A leak opens on the tank side: 1 g/s of hydrazine overboard"):
        leak_s = hil.inject_fault("propulsion", "leak", rate_kg_per_s=LEAK_KG_S, location="tank")

    with hil.step("Onboard detection: propulsion flags a loss with the thruster idle"):
        loss = await_unexplained_loss(hil, leak_s=leak_s, tick_s=TICK_S)

    with hil.step("FDIR's event-action safes propulsion: the latch valve, already shut, stays so"):
        _, safed = await_fdir_safing(
            hil, SAFE_ACTION, loss, fdir_step_s=FDIR_STEP_S, within=2 * FDIR_STEP_S, since=leak_s
        )
        confirm_fdir_action(hil, SAFE_ACTION, within=2 * HK_S)

    with hil.step("Ground detection: propellant_falling fires on the mass trend"):
        # Three 60 s samples in a row each more than 0.2 g/s down: 3 minutes, one more of slack.
        alarm = hil.await_alarm("propellant_falling", within=4 * HK_S, since=leak_s)
        if alarm.severity != "warning":
            raise HilFailure(f"propellant_falling should be a warning, is {alarm.severity}")
        hil.assert_alarm_active("propellant_falling", "warning")
        hil.acknowledge("propellant_falling", "leak suspected: thrusters idle, mass falling")

    with hil.step("The forecast follows: propellant lasts under 90 days at the new rate"):
        # The 6 h moving rate passes 250 kg / 90 d = 2.8 kg/day about 12 minutes into the leak.
        hil.await_event("resources.propellant_low", within=30 * 60, since=leak_s)
        hil.check("resources.propellant_days_remaining < 90")

    with hil.step("Ground diagnosis: the loss goes on behind the closed valve, on the liquid side"):
        hil.advance(10 * 60)
        # From the first report after FDIR's safe: the loss did not stop when it came.
        masses = hil.history("propulsion.propellant_kg", since=safed.time_s)
        rate = rate_kg_s(masses)
        if not math.isclose(rate, LEAK_KG_S, rel_tol=0.03):
            raise HilFailure(f"after FDIR's safe the mass falls at {rate * 1e3:.3f} g/s, not 1")
        hil.note(f"propellant falls at {rate * 1e3:.3f} g/s over {len(masses)} samples")
        # Not a thruster: idle, no flow, the latch valve closed since before the leak.
        hil.assert_telemetry_count("propulsion.thrusting", 0, is_true(), since=start_s)
        hil.assert_telemetry_count("propulsion.armed", 0, is_true(), since=start_s)
        hil.assert_telemetry_count("propulsion.mass_flow_kg_s", 0, not_equal_to(0.0), since=start_s)
        # The regulator keeps the feed pressure; the bottle pays for the lost volume.
        hil.assert_telemetry_count(
            "propulsion.tank_pressure_kpa", 0, outside_range(1490, 1510), since=leak_s
        )
        bottle = hil.tlm_sample("propulsion.bottle_pressure_kpa")
        drop_kpa_min = (bottle_before.value - bottle.value) / (bottle.time_s - leak_s) * 60
        if not 1.8 < drop_kpa_min < 2.6:
            raise HilFailure(f"bottle falls {drop_kpa_min:.2f} kPa/min, expected about 2.2")
        hil.note(
            f"tank held at 1500 kPa, bottle down {drop_kpa_min:.2f} kPa/min: "
            "pressurant fills the lost volume"
        )
        hil.note("upstream of the latch valve: nothing on board can isolate this leak")
        # FDIR acted once (the loss is reported once per fault) and left the spacecraft nominal.
        hil.assert_event_count("fdir.event_action", 1, since=start_s)
        hil.check("fdir.mode == 'nominal'")
        # The ground has sent nothing: FDIR closed the one valve there is.
        if hil.commands():
            raise HilFailure(f"the ground should not have commanded: {hil.commands()}")

    with hil.step("The ground watches; the leak stops: the fault cleared, for a seat reseating"):
        hil.advance(30 * 60)
        hil.assert_alarm_active("propellant_falling", "warning")  # still falling all along
        stop_s = hil.clear_fault("propulsion", "leak")

    with hil.step("Ground confirms: mass steady, alarm back to normal, the loss adds up"):
        hil.advance(10 * HK_S)
        # Allow one sample for the tick the fault was cleared in.
        steady = hil.history("propulsion.propellant_kg", since=stop_s + HK_S)
        if len(steady) < 5 or len({s.value for s in steady}) != 1:
            raise HilFailure(f"propellant still moving after the leak stopped: {steady}")
        left_kg = steady[-1].value
        lost_kg = PROPELLANT_KG - left_kg
        expected_kg = LEAK_KG_S * (stop_s - leak_s)
        if abs(lost_kg - expected_kg) > TICK_KG + 1e-9:
            raise HilFailure(f"{lost_kg:.3f} kg lost, expected {expected_kg:.3f} kg")
        hil.note(
            f"{lost_kg:.2f} kg lost in {(stop_s - leak_s) / 60:.0f} min; {left_kg:.2f} kg left"
        )
        # The rocket equation on what is left: capability falls with the lost mass.
        capability = rocket_dv_m_s(ISP_S, DRY_MASS_KG + left_kg, DRY_MASS_KG)
        full = rocket_dv_m_s(ISP_S, DRY_MASS_KG + PROPELLANT_KG, DRY_MASS_KG)
        hil.await_telemetry(
            "propulsion.delta_v_capability_m_s",
            Predicate(lambda v: math.isclose(v, capability, rel_tol=1e-6), f"{capability:.2f}"),
            within=HK_S,
        )
        hil.note(f"Δv capability {capability:.1f} m/s, {full - capability:.1f} m/s lost")
        hil.assert_event_count("fdir.event_action", 1, since=start_s)
        # An event-action all along, never safe mode: the rest of the spacecraft carried on.
        hil.assert_telemetry_count("fdir.mode", 0, not_equal_to("nominal"), since=start_s)
        # Back in limits, the acknowledged alarm has cleared by itself.
        hil.assert_no_alarms()
        cleared = [e for e in hil.alarm_log(since=stop_s, name="propellant_falling")]
        if not any(e.kind == "cleared" for e in cleared):
            raise HilFailure(f"propellant_falling did not clear: {cleared}")
