"""Reaction wheels fail: the high-gain antenna loses Earth; blind safe mode talks on the low-gain.

The wheels fail and the attitude drifts (0.1 deg/s). The high-gain antenna's gimbal needs a
controlled attitude to keep its 30 dBi beam on Earth; off it, only a -10 dBi side lobe
reaches the ground and the margin at 8 Mbit/s falls from 18.2 to -21.8 dB. The solar array
keeps its output: its two-axis drive (180 deg of travel) follows the Sun whatever the drift.
This orbiter's FDIR watches no attitude parameter (configs/lunar_orbiter.toml), so nothing
happens on board but comms' `loss_of_signal`; the ground only sees the spacecraft go silent.

The standard answer to a silent spacecraft whose uplink still works is a blind
`fdir.enter_safe_mode`: it sheds the payload, tries to sun-point (refused: the wheels are
gone, which tells the ground what failed), and switches to the low-gain antenna at 2 kbit/s,
which closes with 27 dB of margin (3 dBi, 27 dB below the high-gain's, and 36 dB back from
the lower rate). The downlink returns with that command's completion, one round trip after it
left; the recorder's frames fill the gap. The ground then raises the rate to 64 kbit/s (12 dB
of margin, kept wide because the drifting attitude swings the low-gain antenna's pattern)
and leaves the orbiter in safe mode: the emulator models no spare wheel or thruster control,
so there is nothing to command the attitude back with.

The radio channel is stood in for as in antenna_degraded.py: the emulator computes the link
budget but does not gate the downlink on it, so the scenario drops, with blackouts, every
frame that leaves the spacecraft between the failure and the safe mode's switch to the
low-gain antenna; the frames played back show the onboard margin below zero over that span.
"""

from itertools import pairwise

from ground.testkit.api import HilFailure
from ground.testkit.predicates import at_least, is_not, less_than

MISSION = "lunar_orbiter"

DRIFT_DEG_S = 0.1
STATION_CHECK_S = 300.0  # LOS to blind commanding: alarm at 60 s, then the station's own checks
HK_S = 10.0


def run(hil):
    with hil.step("Nadir-pointed, mapping, 8 Mbit/s on the high-gain antenna"):
        hil.advance(1203)  # a whole second off the 10-s report grid
        hil.check("navigation.attitude_mode == 'nadir'")
        hil.check("navigation.attitude_control_ok == True")
        hil.check("comms.antenna == 'high_gain'")
        hil.check("comms.link_margin_db > 17.5")
        hil.assert_no_alarms()

    with hil.step("Reaction wheels fail: the attitude drifts, the high-gain beam leaves Earth"):
        fault_s = hil.inject_fault("navigation", "wheel_failure", drift_rate_deg_s=DRIFT_DEG_S)
        blind_s = fault_s + STATION_CHECK_S
        one_way_s = hil.ground_status()["one_way_light_time_s"]
        # Nothing gets down until the blind safe mode (below) takes effect on board.
        _downlink_lost(hil, fault_s, blind_s + one_way_s, uplink_at_s=blind_s)

    with hil.step("Ground: loss of signal, telemetry goes stale; no clue to the cause"):
        hil.await_alarm("flight_software_silent", severity="critical", within=90)
        last = hil.tlm_sample("executive.ticks")
        hil.advance(blind_s - hil.now_s)
        hil.check(f"executive.ticks == {last.value}")
        hil.check("navigation.attitude_control_ok == True")  # the last report said all was well
        hil.assert_no_event("comms.loss_of_signal", since=fault_s)

    with hil.step("Blind safe mode: the low-gain antenna at 2 kbit/s closes the link"):
        safe = hil.send_and_await_completion(
            "fdir.enter_safe_mode", {"reason": "blind: loss of signal"}, within=10
        )
        if safe.stages["sent"] != blind_s:
            raise HilFailure(f"blind command sent at {safe.stages['sent']}, not {blind_s}")
        hil.assert_event("fdir.safe_mode_entered", since=blind_s)
        # The first housekeeping back (awaited before it can be sampled: an await only sees
        # alarms raised after it starts) shows attitude control lost.
        hil.await_alarm("attitude_control", severity="distress", within=HK_S + 5)
        hil.check("comms.antenna == 'low_gain'")
        hil.check("comms.downlink_rate_bps == 2000")
        hil.check("comms.link_up == True")
        hil.check("comms.link_margin_db > 25")  # 18.2 - 27 + 36.1 = 27.3 dB
        hil.check("fdir.mode == 'safe'")
        hil.check("power.payload_switch_on == False")

    with hil.step("Diagnosis: sun-pointing was refused, attitude control is lost"):
        refused = hil.assert_event(
            "executive.onboard_command",
            since=blind_s,
            where=lambda e: "set_attitude_mode" in e.message and "failed" in e.message,
        )
        hil.note(refused.message)
        hil.check("navigation.attitude_control_ok == False")
        hil.check("navigation.attitude_mode == 'drift'")
        hil.check("power.solar_power_w > 1700")  # the array drive keeps up with the drift
        hil.assert_alarm("spacecraft_mode", severity="distress", since=blind_s)

    with hil.step("Play the gap back from the onboard recorder"):
        before_gap = hil.find_telemetry("executive.ticks", last.value)
        after_gap = hil.find_telemetry("executive.ticks", at_least(0), since=blind_s)
        hil.dump_recorder(before_gap.time_s, after_gap.time_s, within=60)
        filled = hil.history("executive.ticks", since=before_gap.time_s, until=after_gap.time_s)
        gaps_s = [b.time_s - a.time_s for a, b in pairwise(filled)]
        if not gaps_s or max(gaps_s) > HK_S:
            raise HilFailure(
                f"housekeeping still has gaps after the playback: {max(gaps_s or [0])} s"
            )
        status = hil.ground_status()
        missing = status["ingest"]["frames_missing"]
        recovered = status["playback"]["recovered"]
        hil.note(f"{missing} frames missed live, {recovered} recovered from the recorder")
        if missing == 0 or recovered != missing:
            raise HilFailure(f"{missing} frames missing, {recovered} played back")

    with hil.step("The played-back frames: drift from the failure on, margin below zero"):
        hil.assert_telemetry(
            "navigation.attitude_mode", "drift", since=fault_s, until=fault_s + 2 * HK_S
        )
        loss = hil.assert_event("comms.loss_of_signal", since=fault_s)
        if loss.params.get("reason") != "link margin below zero":
            raise HilFailure(f"loss of signal for another reason: {loss.message}")
        # Navigation reports the drift on its next tick, comms acts on it the tick after.
        span = dict(since=fault_s + 2 * HK_S, until=after_gap.time_s - HK_S)
        hil.assert_telemetry_count("comms.link_margin_db", 0, at_least(0.0), **span)
        hil.assert_telemetry("comms.link_margin_db", less_than(-20.0), **span)
        hil.assert_telemetry_count(
            "comms.link_margin_db", 0, less_than(0.0), since=after_gap.time_s
        )
        hil.assert_telemetry_count("fdir.mode", 0, is_not("nominal"), since=fault_s, until=blind_s)

    with hil.step("Ground raises the low-gain rate to 64 kbit/s and leaves the orbiter safe"):
        hil.send_and_await_completion("comms.set_rate", {"rate_bps": "64000"}, within=10)
        hil.wait_check("comms.downlink_rate_bps == 64000", within=HK_S + 5)
        hil.check("comms.link_margin_db > 10")  # 27.3 - 15.1 = 12.3 dB
        for name in ("flight_software_silent", "battery_soc", "power_trouble"):
            hil.acknowledge(name, "loss of signal: wheels failed; safe mode on the low-gain")
        for name in ("attitude_control", "spacecraft_mode"):
            hil.acknowledge(name, "wheels failed; safe mode until attitude control is restored")
        # Judged once against the mode of the report before: the comms report of the switch
        # comes down ahead of the one from FDIR that says safe mode.
        hil.acknowledge("high_gain_selected", "low-gain antenna by safe mode")
        since_s = hil.now_s
        hil.advance(3600)  # an orbit's half: the drift keeps turning, the link must hold
        hil.assert_telemetry_count("comms.link_up", 0, False, since=since_s)
        hil.assert_telemetry_count("power.battery_soc", 0, less_than(0.8), since=since_s)
        hil.check("fdir.mode == 'safe'")
        unacknowledged = [str(a) for a in hil.alarms() if not a.acknowledged]
        if unacknowledged:
            raise HilFailure(f"alarms nobody has answered: {unacknowledged}")


def _downlink_lost(hil, left_from_s, left_until_s, uplink_at_s):
    """Nothing that leaves the spacecraft in [left_from_s, left_until_s) reaches the ground.

    A stand-in for the radio channel: the emulator's comms computes the link budget but does
    not stop frames when the margin is below zero, so the scenario drops them with blackouts.
    A blackout drops a frame by its arrival time (departure + light time) and a command by the
    time it leaves the ground, both ways at once; the window is cut in two to let the ground
    transmit at `uplink_at_s` (a whole second: frames leave the spacecraft on whole seconds
    or one light time after a command, so none arrives in the 10 ms left open).
    """
    one_way_s = hil.ground_status()["one_way_light_time_s"]
    arrive_from_s = left_from_s + one_way_s
    # 50 ms early: the frame that leaves with the command's effect must get through.
    arrive_until_s = left_until_s + one_way_s - 0.05
    hil.blackout(arrive_from_s, uplink_at_s)
    hil.blackout(uplink_at_s + 0.01, arrive_until_s)
