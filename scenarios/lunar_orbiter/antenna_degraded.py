"""RF path loses 20 dB: loss of signal, ground blind-commands a lower rate, gap played back.

The X-band link closes with 18.2 dB of margin at 8.192 Mbit/s on the high-gain antenna
(20 W, 30 dBi, a 34 m dish, 384 000 km). A fault in the RF path shared by both antennas
(feed, diplexer, cable) adds 20 dB of loss: the margin falls to -1.8 dB and the ground
station loses lock. The low-gain antenna is no way out (27 dB less gain behind the same
path), but every halving of the data rate buys 3 dB: at 64 kbit/s the link has 21 dB more.

What the spacecraft does: comms works out the new budget on its next 10-s tick, reports
`loss_of_signal` ("link margin below zero"), and from then on its signal no longer reaches
the station: the ground archives `ground.los` and its channel reports no signal, while the
onboard recorder keeps every frame. Nothing on board reacts (FDIR watches no link parameter:
the spacecraft cannot tell a lost link from a quiet ground). What the ground sees: nothing,
so the staleness rules fire: `flight_software_silent` (critical) after 60 s, the battery's
after 120 s. The uplink still works (the station's 20 kW transmitter closes it with a wide
margin), so after checking its own chain the ground commands the spacecraft blind, down to
64 kbit/s. The command lands one light time (1.28 s) later; the radio changes rate at once, so
its signal reaches the station again (`ground.aos` at the next 1-s tick) and the command's own
TM[1] reports, sent on the new signal, verify it to completion a round trip after sending.
Comms itself notes the acquisition on its next 10-s tick. The EIRP reads 20 dB low (the `eirp` alarm), which
places the fault in the RF path. The ground settles on the fastest rate that keeps a 3 dB
margin, 2 Mbit/s, plays the gap back from the recorder, and the archive holds every frame
again: the played-back budget is below zero exactly where the ground heard nothing.
"""

from itertools import pairwise

from procedures.checks import require
from procedures.comms import set_downlink_rate

from ground.testkit import at_least, is_not, less_than

MISSION = "lunar_orbiter"

LOSS_DB = 20.0  # 18.2 dB of margin at 8 Mbit/s: the link fails, 64 kbit/s still closes
STATION_CHECK_S = 300.0  # LOS to blind commanding: alarm at 60 s, then the station's own checks
HK_S = 10.0  # comms' tick and every subsystem's report period
TICK_S = 1.0  # the executive takes a command in on its next 1-s tick


def run(hil):
    with hil.step("Link nominal: 8 Mbit/s on the high-gain antenna, 18 dB of margin"):
        hil.advance(1203)  # mapping under way; a whole second off the 10-s report grid
        hil.check("comms.link_up == True")
        hil.check("comms.downlink_rate_bps == 8192000")
        hil.check("comms.eirp_dbw > 41.5")  # 13 dBW + 30 dBi - 1 dB of line loss = 42 dBW
        hil.check("comms.link_margin_db > 17.5")
        require(hil.ground_status().channel.signal, "no signal before the fault")
        hil.assert_no_alarms()

    with hil.step("The RF path loses 20 dB: the margin goes below zero, the station loses lock"):
        fault_s = hil.inject_fault("comms", "antenna_degraded", loss_db=LOSS_DB)
        # Comms works the budget out again on its next tick, at most 10 s on.
        los = hil.await_event("ground.los", within=HK_S)
        require(not hil.ground_status().channel.signal, "ground.los, yet a signal")
        hil.note(f"loss of signal {los.time_s - fault_s:.0f} s after the fault")
        blind_s = fault_s + STATION_CHECK_S
        one_way_s = hil.ground_status().one_way_light_time_s

    with hil.step("Ground: no signal, telemetry goes stale"):
        # The last frames on their way when the signal went are in within a light time.
        hil.await_alarm("flight_software_silent", severity="critical", within=60 + HK_S)
        last = hil.tlm_sample("executive.ticks")
        hil.note(f"last housekeeping from {last.time_s:.0f} s; fault at {fault_s:.0f} s")
        hil.advance(blind_s - hil.now_s)
        hil.check(f"executive.ticks == {last.value}")  # nothing new has come down
        hil.assert_telemetry_count("executive.ticks", 0, since=last.time_s + 1)
        hil.assert_alarm("battery_soc", severity="warning", since=fault_s)  # stale after 120 s
        hil.assert_no_event("ground.aos", since=los.time_s)
        require(not hil.ground_status().channel.signal, "the signal came back by itself")

    with hil.step("Blind command: 64 kbit/s; the signal is back at once, the command verified"):
        blind = hil.send_command("comms.set_rate", {"rate_bps": "64000"})
        require(blind.stages["sent"] == blind_s, f"blind command sent at {blind.stages}")
        arrival_s = blind_s + one_way_s
        # Up one light time; the rate changes as the command runs, the next tick says so.
        aos = hil.await_event("ground.aos", within=one_way_s + TICK_S)
        require(arrival_s <= aos.time_s, f"signal back at {aos.time_s}, before the command")
        require(aos.time_s - arrival_s <= TICK_S, f"signal back only at {aos.time_s}")
        require(hil.ground_status().channel.signal, "ground.aos, yet no signal")
        # Its TM[1] reports went out on the new signal: verified a round trip after sending.
        done = hil.await_command(blind, "completed", within=2 * one_way_s + TICK_S)
        require(done.stages["completed"] >= arrival_s, f"completed before it arrived: {done}")
        hil.wait_check(f"executive.ticks > {last.value}", within=HK_S + TICK_S + one_way_s)
        hil.check("comms.downlink_rate_bps == 64000")
        hil.check("comms.link_up == True")
        margin_db = hil.check("comms.link_margin_db > 15")  # 18.2 + 21.1 - 20 = 19.3 dB

    with hil.step("Diagnosis: the EIRP reads 20 dB low, so the loss is in the RF path"):
        # Persistence 2: the last report before the loss and the first after it.
        hil.await_alarm("eirp", severity="distress", within=HK_S, since=fault_s)
        eirp_dbw = hil.check("comms.eirp_dbw < 23")  # 42 - 20 = 22 dBW
        hil.note(f"EIRP {eirp_dbw:.1f} dBW, margin {margin_db:.1f} dB at 64 kbit/s")
        # The fastest standard rate with a 3 dB margin: 2 Mbit/s gives 19.3 - 15.1 = 4.2 dB.
        # The link is up now, so this command is verified to completion, a round trip away.
        set_downlink_rate(hil, 2048000, within=10, report_within=HK_S + 5)
        hil.check("comms.link_margin_db > 3")
        hil.check("comms.link_up == True")

    with hil.step("Play the gap back from the onboard recorder"):
        before_gap = hil.find_telemetry("executive.ticks", last.value)
        after_gap = hil.find_telemetry("executive.ticks", at_least(0), since=blind_s)
        hil.note(f"gap in housekeeping: {before_gap.time_s:.0f} .. {after_gap.time_s:.0f} s")
        hil.dump_recorder(before_gap.time_s, after_gap.time_s, within=60)
        filled = hil.history("executive.ticks", since=before_gap.time_s, until=after_gap.time_s)
        gaps_s = [b.time_s - a.time_s for a, b in pairwise(filled)]
        require(
            gaps_s and max(gaps_s) <= HK_S,
            f"housekeeping still has gaps after the playback: {max(gaps_s or [0])} s",
        )
        status = hil.ground_status()
        missing = status.ingest.frames_missing
        recovered = status.playback.recovered
        hil.note(f"{missing} frames missed live, {recovered} recovered from the recorder")
        require(missing > 0 and recovered == missing, f"{missing} missing, {recovered} back")

    with hil.step("The played-back frames: margin below zero exactly while the ground was deaf"):
        loss = hil.assert_event("comms.loss_of_signal", since=fault_s)
        require(loss.params.get("reason") == "link margin below zero", loss.message)
        hil.assert_event_sequence(
            ["comms.loss_of_signal", "comms.acquisition_of_signal"], since=fault_s
        )
        # Every report from the loss of signal to its return has the budget below zero, and
        # none after it.
        deaf = dict(since=los.time_s, until=aos.time_s - TICK_S)
        hil.assert_telemetry_count("comms.link_margin_db", 0, at_least(0.0), **deaf)
        hil.assert_telemetry_count("comms.link_up", 0, True, **deaf)
        hil.assert_telemetry("comms.link_margin_db", less_than(0.0), **deaf)
        hil.assert_telemetry_count("comms.link_margin_db", 0, less_than(0.0), since=aos.time_s)
        # The blind command's effect on board: 8 Mbit/s in every report before it arrived,
        # 64 kbit/s in the first one after (comms reports every 10 s).
        hil.assert_telemetry_count(
            "comms.downlink_rate_bps", 0, is_not(8192000), since=fault_s, until=arrival_s
        )
        switched = hil.find_telemetry("comms.downlink_rate_bps", at_least(0), since=arrival_s)
        require(switched.value == 64000, f"first report after the command: {switched}")
        require(switched.time_s - arrival_s <= HK_S, f"64 kbit/s reported at {switched.time_s}")
        hil.assert_telemetry_count("fdir.mode", 0, is_not("nominal"), since=fault_s)

    with hil.step("Staleness alarms acknowledged; the RF-path alarms stay as known conditions"):
        for name in ("flight_software_silent", "battery_soc", "power_trouble"):
            hil.acknowledge(name, "loss of signal: RF path lost 20 dB; recovered at 2 Mbit/s")
        hil.acknowledge("eirp", "RF path 20 dB down; flying at 2 Mbit/s")
        hil.await_alarm("link_margin", severity="warning", within=60)  # 4.2 dB < 14 dB yellow
        hil.acknowledge("link_margin", "4.2 dB at 2 Mbit/s by choice")
        active = {alarm.name: alarm for alarm in hil.alarms()}
        require(
            set(active) == {"eirp", "link_margin"}
            and all(alarm.acknowledged for alarm in active.values()),
            f"unexpected alarms: {[str(a) for a in active.values()]}",
        )
        since_s = hil.now_s
        hil.advance(600)
        hil.assert_telemetry_count("comms.link_up", 0, False, since=since_s)
        hil.assert_no_event("ground.los", since=aos.time_s)
        hil.check("payload.camera_mode == 'imaging'")
        hil.check("fdir.mode == 'nominal'")
