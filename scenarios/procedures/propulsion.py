"""Propulsion procedures: FDIR safing a thruster fault or a leak, and the ground's recovery.

Every spacecraft with a latch valve upstream of its thrusters answers an onboard propulsion
event the same way: an FDIR event-action sends `propulsion.safe`, which closes the latch valve
(`armed` false) within one FDIR step of the event. These functions check that chain and the
ground's part after it; the figures (FDIR's step, report periods, budgets) are the mission's.
"""

import math

from flightsw.physics.constants import STANDARD_GRAVITY_M_S2
from ground.testkit import HilFailure


def mass_flow_kg_s(thrust_n, isp_s):
    """Propellant flow of a thruster, F / (Isp g0)."""
    return thrust_n / (isp_s * STANDARD_GRAVITY_M_S2)


def rocket_dv_m_s(isp_s, initial_kg, final_kg):
    """Δv from burning a mass down from `initial_kg` to `final_kg`: Isp g0 ln(m0 / m1)."""
    return isp_s * STANDARD_GRAVITY_M_S2 * math.log(initial_kg / final_kg)


def is_action(name):
    """A `where=` test for the FDIR event-action called `name`."""

    def matches(event):
        return event.params.get("action") == name

    return matches


def await_fdir_safing(hil, action, cause, *, fdir_step_s, within, since):
    """FDIR's event-action `action` answers the onboard event `cause` and safes propulsion.

    Waits up to `within` for the event-action (events from `since`), notes how long after
    `cause` it came (it must be within one FDIR step), and finds `propulsion.safed` at the same
    instant. Returns both events.
    """
    acted = hil.await_event(
        "fdir.event_action", within=within, where=is_action(action), since=since
    )
    hil.note(f"event-action {acted.time_s - cause.time_s:.1f} s after the event")
    if not 0 < acted.time_s - cause.time_s <= fdir_step_s:
        raise HilFailure(f"FDIR acted outside its {fdir_step_s:g} s step after the event: {acted}")
    safed = hil.assert_event("propulsion.safed", since=cause.time_s)
    if safed.time_s != acted.time_s:
        raise HilFailure(f"propulsion safed at {safed} but FDIR acted at {acted}")
    return acted, safed


def confirm_fdir_action(hil, action, *, within):
    """FDIR's housekeeping counts one action fired, and names `action` as the last one."""
    hil.wait_check("fdir.actions_fired == 1", within=within)
    last = hil.tlm("fdir.last_action")
    if action not in last:
        raise HilFailure(f"fdir.last_action is {last!r}, expected the {action} action")


def confirm_safing_came_from_on_board(
    hil, action, *, ground_commands, onboard_before, since, within
):
    """The ground sent only `ground_commands`; the one safe came from on board, from `action`.

    The executive counts commands raised on board: FDIR's safe is the one more since
    `onboard_before`; FDIR fired `action` once since `since`.
    """
    sent = [command.name for command in hil.commands()]
    if sent != list(ground_commands):
        raise HilFailure(f"expected only {', '.join(ground_commands)} from the ground: {sent}")
    hil.wait_check(f"executive.onboard_commands == {onboard_before + 1}", within=within)
    hil.assert_event_count("fdir.event_action", 1, since=since, where=is_action(action))


def await_unexplained_loss(hil, *, leak_s, tick_s):
    """Propulsion's high-severity `propellant_loss_unexplained` within one tick of a leak."""
    # Propulsion compares each tick's mass change with what the thruster used.
    loss = hil.await_event("propulsion.propellant_loss_unexplained", within=2 * tick_s)
    if not leak_s < loss.time_s <= leak_s + tick_s or loss.severity != 4:
        raise HilFailure(f"expected a high-severity event within one tick, got {loss}")
    return loss


def clear_stuck_valve(hil, *, kept_safe_since, within):
    """Clear the stuck valve once the closed latch valve has kept propulsion safe; its time.

    Propulsion stays safe until the ground re-arms it: no report since `kept_safe_since` shows
    it armed, and it is still safe once the valve reads free again (within `within`).
    """
    hil.assert_telemetry_count("propulsion.armed", 0, True, since=kept_safe_since)
    cleared_s = hil.clear_fault("propulsion", "thruster_stuck_open")
    hil.await_telemetry("propulsion.thruster_stuck_open", False, within=within)
    hil.check("propulsion.armed == false")
    return cleared_s


def safe_propulsion_again(hil, *, since, within, report_within):
    """The ground safes propulsion after its checkout; FDIR acted only once; all nominal."""
    hil.send_and_await_completion("propulsion.safe", within=within)
    hil.await_telemetry("propulsion.armed", False, within=report_within)
    hil.assert_event_count("fdir.event_action", 1, since=since)
    hil.assert_no_alarms()
    hil.check("fdir.mode == nominal")
