"""Propellant leak in cruise: flagged on board and on the ground, located upstream of the latch valve, watched until it stops.

Two hours out, hydrazine starts leaking from the tank side of the propulsion system at 1 g/s
(3.6 kg an hour, five times the 0.2 g/s the ground's propellant_falling rule allows; the 250 kg
would be gone in 69 hours). What must follow:
- on board, propulsion sees the tank lose mass with the thruster idle and raises the high
  severity event propellant_loss_unexplained at its next 10 s tick;
- on the ground, propellant_falling fires after three 60 s samples, and resources' propellant
  forecast (a 6 h moving rate) drops below its 90-day threshold after about 12 minutes;
- the trend tells the ground where the leak is: the regulator holds the tank at 1500 kPa while
  the pressurant bottle falls 2.2 kPa a minute (1500 kPa x 1 mL/s / 40 L): gas replaces liquid
  that leaves, so it is a liquid-side leak, and the thrusters are idle and the latch valve
  closed, so it is not a thruster;
- the ground closes the latch valve again (propulsion.safe, verified) and sees the loss go on:
  the leak is upstream of the latch valve, where no valve on board can isolate it;
- the leak stops (in the simulator the fault is cleared: a seat that reseats), and the ground
  confirms it: the mass holds still, the alarm returns to normal, and the loss adds up to the
  rate times the duration.
mars_cruise's FDIR has no event-action on propellant_loss_unexplained, so there is no onboard
isolation to check; the scenario checks that FDIR leaves the spacecraft in nominal mode, which a
leak alone does not justify leaving.
"""

import math

from ground.testkit.failures import HilFailure
from ground.testkit.predicates import Predicate, is_true, not_equal_to, outside_range

MISSION = "mars_cruise"

HK_S = 60.0  # housekeeping period of propulsion and resources
LEAK_KG_S = 0.001
DRY_MASS_KG = 1000.0
ISP_S = 225.0
G0_M_S2 = 9.80665


def rate_kg_s(samples):
    """Mass flow out of the tank between the first and the last sample, kg/s."""
    first, last = samples[0], samples[-1]
    return (first.value - last.value) / (last.time_s - first.time_s)


def run(hil):
    with hil.step("Propulsion quiet two hours out: tank full, regulated, latch valve closed"):
        hil.advance(2 * 3600.0)
        hil.check("propulsion.propellant_kg == 250.0")
        hil.check("propulsion.tank_pressure_kpa > 1490")
        hil.check("propulsion.tank_pressure_kpa < 1510")
        hil.check("propulsion.armed == False")
        hil.check("propulsion.thrusting == False")
        hil.assert_no_alarms()
        bottle_before = hil.tlm_sample("propulsion.bottle_pressure_kpa")

    with hil.step("A leak opens on the tank side: 1 g/s of hydrazine overboard"):
        leak_s = hil.inject_fault("propulsion", "leak", rate_kg_per_s=LEAK_KG_S)

    with hil.step("Onboard detection: propulsion flags a loss with the thruster idle"):
        # Propulsion compares each 10 s tick's mass change with what the thruster used.
        loss = hil.await_event("propulsion.propellant_loss_unexplained", within=60)
        if not leak_s < loss.time_s <= leak_s + 10.0 or loss.severity != 4:
            raise HilFailure(f"expected a high-severity event within one tick, got {loss}")

    with hil.step("Ground detection: propellant_falling fires on the mass trend"):
        # Three 60 s samples in a row each more than 0.2 g/s down: 3 minutes, one more of slack.
        alarm = hil.await_alarm("propellant_falling", within=4 * HK_S)
        if alarm.severity != "warning":
            raise HilFailure(f"propellant_falling should be a warning, is {alarm.severity}")
        hil.acknowledge("propellant_falling", "leak suspected: thrusters idle, mass falling")

    with hil.step("The forecast follows: propellant lasts under 90 days at the new rate"):
        # The 6 h moving rate passes 250 kg / 90 d = 2.8 kg/day about 12 minutes into the leak.
        hil.await_event("resources.propellant_low", within=30 * 60)
        hil.check("resources.propellant_days_remaining < 90")

    with hil.step("Ground diagnosis: a liquid-side leak, not a thruster"):
        hil.advance(10 * 60)
        masses = hil.history("propulsion.propellant_kg", since=leak_s + HK_S)
        rate = rate_kg_s(masses)
        if not math.isclose(rate, LEAK_KG_S, rel_tol=0.03):
            raise HilFailure(f"mass falls at {rate * 1e3:.3f} g/s, expected 1 g/s")
        hil.note(f"propellant falls at {rate * 1e3:.3f} g/s over {len(masses)} samples")
        # The thrusters have nothing to do with it: idle, no flow, latch valve closed.
        hil.assert_telemetry_count("propulsion.thrusting", 0, is_true(), since=leak_s)
        hil.assert_telemetry_count("propulsion.armed", 0, is_true(), since=leak_s)
        hil.assert_telemetry_count("propulsion.mass_flow_kg_s", 0, not_equal_to(0.0), since=leak_s)
        # The regulator keeps the feed pressure; the bottle pays for the lost volume.
        hil.assert_telemetry_count(
            "propulsion.tank_pressure_kpa", 0, outside_range(1490, 1510), since=leak_s
        )
        bottle = hil.tlm_sample("propulsion.bottle_pressure_kpa")
        drop_kpa_min = (bottle_before.value - bottle.value) / (bottle.time_s - leak_s) * 60
        if not 1.8 < drop_kpa_min < 2.6:
            raise HilFailure(f"bottle falls {drop_kpa_min:.2f} kPa/min, expected about 2.2")
        hil.note(
            f"tank held at 1500 kPa, bottle down {drop_kpa_min:.2f} kPa/min: pressurant fills the lost volume"
        )
        hil.check("fdir.mode == 'nominal'")  # a leak is no cause to leave nominal mode

    with hil.step("Ground closes the latch valve; the loss goes on: the leak is upstream of it"):
        safed = hil.send_and_await_completion("propulsion.safe", within=60)
        hil.assert_event("propulsion.safed", since=safed.stages["sent"])
        hil.advance(10 * 60)
        after = hil.history("propulsion.propellant_kg", since=safed.stages["completed"])
        rate = rate_kg_s(after)
        if not math.isclose(rate, LEAK_KG_S, rel_tol=0.03):
            raise HilFailure(f"with the latch valve closed the mass falls at {rate * 1e3:.3f} g/s")
        hil.note("upstream of the latch valve: nothing on board can isolate this leak")

    with hil.step("The leak stops"):
        hil.advance(30 * 60)
        stop_s = hil.clear_fault("propulsion", "leak")
        lost_kg = LEAK_KG_S * (stop_s - leak_s)

    with hil.step("Ground confirms: mass steady, alarm back to normal, the loss adds up"):
        hil.advance(10 * HK_S)
        # Allow one sample for the tick the fault was cleared in.
        steady = hil.history("propulsion.propellant_kg", since=stop_s + HK_S)
        if len(steady) < 5 or len({s.value for s in steady}) != 1:
            raise HilFailure(f"propellant still moving after the leak stopped: {steady}")
        left_kg = steady[-1].value
        if not math.isclose(250.0 - left_kg, lost_kg, rel_tol=0.01):
            raise HilFailure(f"{250.0 - left_kg:.3f} kg lost, expected {lost_kg:.3f} kg")
        hil.note(
            f"{250.0 - left_kg:.2f} kg lost in {(stop_s - leak_s) / 60:.0f} min; {left_kg:.2f} kg left"
        )
        # The rocket equation on what is left: capability falls with the lost mass.
        capability = ISP_S * G0_M_S2 * math.log((DRY_MASS_KG + left_kg) / DRY_MASS_KG)
        hil.await_telemetry(
            "propulsion.delta_v_capability_m_s",
            Predicate(
                lambda v: math.isclose(v, capability, rel_tol=1e-3), f"about {capability:.1f}"
            ),
            within=HK_S,
        )
        hil.wait_check("fdir.mode == 'nominal'", within=HK_S)
        # Back in limits, the acknowledged alarm has cleared by itself.
        hil.assert_no_alarms()
