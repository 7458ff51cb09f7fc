"""Thruster stuck open during a trajectory correction: uncommanded thrust flagged, propulsion safed, the thrust stops, the ground accounts for it.

An hour out, the ground arms propulsion and commands a 5 m/s prograde correction: 88 N on
1250 kg is 0.070 m/s2, so about 71 s of firing (7 ticks) and 2.8 kg of hydrazine. A tick in,
the thruster valve sticks open. What must follow:
- the burn still reaches its target, but a stuck valve is not cut off inside a tick, so it ends
  up to one tick of thrust (0.7 m/s) long;
- with the burn over and the latch valve still open the thruster keeps firing, 0.04 kg/s and
  0.7 m/s every tick: propulsion raises the high-severity event uncommanded_thrust at the next
  tick;
- propulsion must be made safe. mars_cruise's FDIR has no event-action on uncommanded_thrust, so
  the ground, watching the burn live, sends propulsion.safe as soon as the event arrives (the
  light time is 0.04 s this early): the latch valve closes, which stops even a stuck valve;
- the thrust stops at once and for good: no more propellant goes, no more velocity changes;
- the ground accounts for the damage: the velocity change delivered (propulsion and navigation
  agree) and the propellant spent obey the rocket equation, and propulsion stays safed (a
  stuck valve fires again the moment the latch valve opens).
"""

import math

from ground.testkit.failures import HilFailure
from ground.testkit.predicates import is_true

MISSION = "mars_cruise"

TICK_S = 10.0
HK_S = 60.0
DV_M_S = 5.0
DRY_MASS_KG = 1000.0
PROPELLANT_KG = 250.0
THRUST_N = 88.0
ISP_S = 225.0
G0_M_S2 = 9.80665
TICK_DV_M_S = THRUST_N / (DRY_MASS_KG + PROPELLANT_KG) * TICK_S  # 0.70 m/s in one full tick


def run(hil):
    with hil.step("An hour out, propulsion ready for the correction"):
        hil.advance(3600.0)
        hil.check("propulsion.propellant_kg == 250.0")
        hil.check("propulsion.tank_pressure_kpa > 1490")
        hil.check("propulsion.armed == False")
        hil.check("navigation.total_dv_m_s == 0")
        hil.assert_no_alarms()
        start_s = hil.now_s

    with hil.step("Arm and start a 5 m/s prograde correction"):
        hil.send_and_await_completion("propulsion.arm", within=60)
        hil.send_and_await_completion(
            "propulsion.burn_dv",
            {"delta_v_m_s": DV_M_S, "direction": "prograde"},
            within=60,
            confirm=True,
        )
        started = hil.assert_event("propulsion.burn_started", since=start_s)
        planned_s = started.params["planned_s"]
        # m * dv / F for a burn this small against the mass: 1250 kg x 5 m/s / 88 N = 71 s.
        if not math.isclose(planned_s, 1250.0 * DV_M_S / THRUST_N, rel_tol=0.01):
            raise HilFailure(f"burn planned for {planned_s:.1f} s, expected about 71 s")

    with hil.step("The thruster valve sticks open a tick into the burn"):
        hil.advance(TICK_S)
        hil.assert_no_event("propulsion.burn_completed", since=start_s)  # still burning
        stuck_s = hil.inject_fault("propulsion", "thruster_stuck_open")

    with hil.step("The burn reaches its target, but the thruster keeps firing after it"):
        # 71 s of burn from its start, then one tick: two minutes is ample.
        uncommanded = hil.await_event("propulsion.uncommanded_thrust", within=120)
        done = hil.assert_event("propulsion.burn_completed", since=stuck_s)
        achieved = done.params["achieved_dv_m_s"]
        # A stuck valve is not cut off inside a tick: at most one tick long.
        if not DV_M_S <= achieved <= DV_M_S + TICK_DV_M_S:
            raise HilFailure(f"burn ended at {achieved:.3f} m/s for a {DV_M_S} m/s target")
        hil.note(f"burn ended at {achieved:.3f} m/s, {achieved - DV_M_S:.3f} m/s over its target")
        # Flagged at the first tick with thrust and no burn: the one after the burn ended.
        if uncommanded.severity != 4 or not 0 < uncommanded.time_s - done.time_s <= TICK_S:
            raise HilFailure(
                f"expected a high-severity event the tick after the burn, got {uncommanded}"
            )

    with hil.step("No onboard response is configured: the ground safes propulsion on the event"):
        safed = hil.send_and_await_completion("propulsion.safe", within=60)
        hil.assert_event("propulsion.safed", since=uncommanded.time_s)
        reaction_s = safed.stages["completed"] - uncommanded.time_s
        hil.note(f"latch valve closed {reaction_s:.1f} s after the uncommanded thrust began")

    with hil.step("The thrust stops at once and for good"):
        hil.wait_check("propulsion.armed == False", within=2 * HK_S)
        hil.wait_check("propulsion.thrusting == False", within=2 * HK_S)
        hil.advance(30 * 60)
        # From the first report after the safe command, not one more gram or mm/s.
        quiet_s = safed.stages["completed"] + HK_S
        hil.assert_telemetry_count("propulsion.thrusting", 0, is_true(), since=quiet_s)
        for name in (
            "propulsion.propellant_kg",
            "propulsion.delta_v_total_m_s",
            "navigation.total_dv_m_s",
        ):
            values = {s.value for s in hil.history(name, since=quiet_s)}
            if len(values) != 1:
                raise HilFailure(f"{name} still changing after the safe command: {sorted(values)}")

    with hil.step(
        "Ground assessment: the velocity change and propellant spent, by the rocket equation"
    ):
        dv = hil.tlm("propulsion.delta_v_total_m_s")
        nav_dv = hil.tlm("navigation.total_dv_m_s")
        if not math.isclose(dv, nav_dv, rel_tol=1e-6):
            raise HilFailure(
                f"propulsion delivered {dv:.4f} m/s, navigation applied {nav_dv:.4f} m/s"
            )
        left_kg = hil.tlm("propulsion.propellant_kg")
        used_kg = PROPELLANT_KG - left_kg
        # dv = Isp g0 ln(m0 / m1): every gram that left went through the thruster.
        expected_dv = (
            ISP_S * G0_M_S2 * math.log((DRY_MASS_KG + PROPELLANT_KG) / (DRY_MASS_KG + left_kg))
        )
        if not math.isclose(dv, expected_dv, rel_tol=1e-3):
            raise HilFailure(
                f"{dv:.3f} m/s for {used_kg:.3f} kg, the rocket equation gives {expected_dv:.3f}"
            )
        # Overshoot plus the ticks it fired uncommanded before the latch valve closed.
        if not DV_M_S < dv <= DV_M_S + 4 * TICK_DV_M_S:
            raise HilFailure(f"{dv:.3f} m/s delivered: the stuck thruster was not stopped in time")
        hil.note(
            f"{dv:.3f} m/s delivered for {DV_M_S} m/s planned, {used_kg:.2f} kg of propellant spent"
        )

    with hil.step("Recovery: propulsion stays safed, spacecraft nominal, alarms acknowledged"):
        hil.check("propulsion.armed == False")
        hil.check("fdir.mode == 'nominal'")
        for alarm in hil.alarms():
            # The burn itself trips propellant_falling (expected while one runs); nothing else may.
            if alarm.name != "propellant_falling":
                raise HilFailure(f"unexpected alarm {alarm}")
            hil.acknowledge(alarm.name, "stuck-open thruster, propulsion safed")
        hil.assert_no_alarms()
