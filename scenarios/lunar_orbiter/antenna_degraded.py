"""RF path loses 20 dB: downlink lost, ground blind-commands a lower rate, gap played back.

The X-band link closes with 18.2 dB of margin at 8.192 Mbit/s on the high-gain antenna
(20 W, 30 dBi, a 34 m dish, 384 000 km). A fault in the RF path shared by both antennas
(feed, diplexer, cable) adds 20 dB of loss: the margin falls to -1.8 dB and the ground
station loses lock. The low-gain antenna is no way out (27 dB less gain behind the same
path), but every halving of the data rate buys 3 dB: at 64 kbit/s the link has 21 dB more.

What the spacecraft does: comms reports `loss_of_signal` ("link margin below zero") on its
next 10-s tick and the onboard recorder keeps every frame. What the ground sees: nothing, so
the staleness rules fire: `flight_software_silent` (critical) after 60 s, the battery's after
120 s. The uplink still works (the station's 20 kW transmitter closes it with a wide margin),
so after confirming its own chain is healthy the ground commands the spacecraft blind, down to
64 kbit/s. The downlink comes back with the completion of that very command, one round trip
(2.6 s) after it left; the EIRP reads 20 dB low (the `eirp` alarm), which places the fault in
the RF path. The ground settles on the fastest rate that keeps a 3 dB margin, 2 Mbit/s, plays
the gap back from the recorder, and the archive holds every frame again.

A stand-in for the radio channel. The emulator's comms model computes the link budget but
does not gate the downlink on it (telemetry reaches the ground whatever the margin; see
`_downlink_lost`), so this scenario closes the channel itself, with blackouts, for every
frame that leaves the spacecraft while its margin is below zero; the frames played back
afterwards show the onboard margin below zero for exactly that span, so the stand-in is
checked against the spacecraft's own budget.
"""

from itertools import pairwise

from ground.testkit.api import HilFailure
from ground.testkit.predicates import at_least, is_not, less_than

MISSION = "lunar_orbiter"

LOSS_DB = 20.0  # 18.2 dB of margin at 8 Mbit/s: the link fails, 64 kbit/s still closes
STATION_CHECK_S = 300.0  # LOS to blind commanding: alarm at 60 s, then the station's own checks
HK_S = 10.0


def run(hil):
    with hil.step("Link nominal: 8 Mbit/s on the high-gain antenna, 18 dB of margin"):
        hil.advance(1203)  # mapping under way; a whole second off the 10-s report grid
        hil.check("comms.link_up == True")
        hil.check("comms.downlink_rate_bps == 8192000")
        hil.check("comms.eirp_dbw > 41.5")  # 13 dBW + 30 dBi - 1 dB of line loss = 42 dBW
        hil.check("comms.link_margin_db > 17.5")
        hil.assert_no_alarms()

    with hil.step("The RF path loses 20 dB: the margin goes below zero, the station loses lock"):
        fault_s = hil.inject_fault("comms", "antenna_degraded", loss_db=LOSS_DB)
        # The channel stays closed until the blind command (below) takes effect on board,
        # one light time after it leaves the ground at blind_s.
        blind_s = fault_s + STATION_CHECK_S
        one_way_s = hil.ground_status()["one_way_light_time_s"]
        _downlink_lost(hil, fault_s, blind_s + one_way_s, uplink_at_s=blind_s)

    with hil.step("Ground: loss of signal, telemetry goes stale"):
        hil.await_alarm("flight_software_silent", severity="critical", within=90)
        last = hil.tlm_sample("executive.ticks")
        hil.note(f"last housekeeping from {last.time_s:.0f} s; fault at {fault_s:.0f} s")
        hil.advance(blind_s - hil.now_s)
        hil.check(f"executive.ticks == {last.value}")  # nothing new has come down
        hil.assert_alarm("battery_soc", severity="warning", since=fault_s)  # stale after 120 s
        # Until the link comes back the ground cannot know what comms said about it.
        hil.assert_no_event("comms.loss_of_signal", since=fault_s)

    with hil.step("Blind command: 64 kbit/s; its completion is the first frame back"):
        rate = hil.send_and_await_completion("comms.set_rate", {"rate_bps": "64000"}, within=10)
        if rate.stages["sent"] != blind_s:
            raise HilFailure(f"blind command sent at {rate.stages['sent']}, not {blind_s}")
        hil.wait_check(f"executive.ticks > {last.value}", within=HK_S + 5)
        hil.wait_check("comms.link_up == True", within=HK_S + 5)
        margin_db = hil.check("comms.link_margin_db > 15")  # 18.2 + 21.1 - 20 = 19.3 dB

    with hil.step("Diagnosis: the EIRP reads 20 dB low, so the loss is in the RF path"):
        # Raised on the second report back (persistence 2): after this await has started.
        hil.await_alarm("eirp", severity="distress", within=30)
        eirp_dbw = hil.check("comms.eirp_dbw < 23")  # 42 - 20 = 22 dBW
        hil.note(f"EIRP {eirp_dbw:.1f} dBW, margin {margin_db:.1f} dB at 64 kbit/s")
        # The fastest standard rate with a 3 dB margin: 2 Mbit/s gives 19.3 - 15.1 = 4.2 dB.
        hil.send_and_await_completion("comms.set_rate", {"rate_bps": "2048000"}, within=10)
        hil.wait_check("comms.downlink_rate_bps == 2048000", within=HK_S + 5)
        hil.check("comms.link_margin_db > 3")
        hil.check("comms.link_up == True")

    with hil.step("Play the gap back from the onboard recorder"):
        before_gap = hil.find_telemetry("executive.ticks", last.value)
        after_gap = hil.find_telemetry("executive.ticks", at_least(0), since=blind_s)
        hil.note(f"gap in housekeeping: {before_gap.time_s:.0f} .. {after_gap.time_s:.0f} s")
        hil.assert_telemetry_count(
            "executive.ticks",
            0,
            at_least(0),
            since=before_gap.time_s + 1,
            until=after_gap.time_s - 1,
        )
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

    with hil.step("The played-back frames show the spacecraft's side of the outage"):
        loss = hil.assert_event("comms.loss_of_signal", since=fault_s)
        if loss.params.get("reason") != "link margin below zero":
            raise HilFailure(f"loss of signal for another reason: {loss.message}")
        hil.assert_event_sequence(
            ["comms.loss_of_signal", "comms.acquisition_of_signal"], since=fault_s
        )
        # The budget was below zero for every report in the gap, and only there.
        span = dict(since=fault_s + HK_S, until=after_gap.time_s - HK_S)
        hil.assert_telemetry_count("comms.link_margin_db", 0, at_least(0.0), **span)
        hil.assert_telemetry_count("comms.link_up", 0, True, **span)
        hil.assert_telemetry("comms.link_margin_db", less_than(0.0), **span)
        hil.assert_telemetry_count(
            "comms.link_margin_db", 0, less_than(0.0), since=after_gap.time_s
        )
        hil.assert_telemetry_count("fdir.mode", 0, is_not("nominal"), since=fault_s)

    with hil.step("Staleness alarms acknowledged; the RF-path alarms stay as known conditions"):
        for name in ("flight_software_silent", "battery_soc", "power_trouble"):
            hil.acknowledge(name, "loss of signal: RF path lost 20 dB; recovered at 2 Mbit/s")
        hil.acknowledge("eirp", "RF path 20 dB down; flying at 2 Mbit/s")
        hil.await_alarm("link_margin", severity="warning", within=60)  # 4.2 dB < 14 dB yellow
        hil.acknowledge("link_margin", "4.2 dB at 2 Mbit/s by choice")
        active = {alarm.name: alarm for alarm in hil.alarms()}
        if set(active) != {"eirp", "link_margin"} or not all(
            alarm.acknowledged for alarm in active.values()
        ):
            raise HilFailure(f"unexpected alarms: {[str(a) for a in active.values()]}")
        hil.advance(600)
        hil.assert_telemetry_count("comms.link_up", 0, False, since=after_gap.time_s)
        hil.check("payload.camera_mode == 'imaging'")
        hil.check("fdir.mode == 'nominal'")


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
