"""Blackout during a pass: telemetry is recorded onboard, and a recorder dump fills the gap exactly.

Over Fairbanks, the first orbit's second pass (about 8 min long), the downlink is lost for
5 min starting two minutes after acquisition of signal (say an antenna servo fault): every
frame sent in that window is lost on the way down, and the window happens to span sunset, so
the eclipse_entry event is among them. The ground sees the executive's housekeeping go stale
(flight_software_silent, critical, after 60 s) and the battery's go stale (battery_soc,
warning, after 120 s). The spacecraft does not notice anything: its recorder keeps every frame.

Once the link is back, the ground dumps the recorder for the blackout window (TC[15]). The
played-back frames go into the archive as history: each subsystem then has exactly 300 s / 10 s
= 30 housekeeping samples in the window and no step between two samples longer than 10 s; the
transfer frames the channel lost are the ones the ground's frame count says it missed, and the
packets the sequence counts say are missing are the ones playback recovers, with no duplicate;
the eclipse entry is in the event log at its onboard time. The alarms, back in limits, are acknowledged.
"""

from itertools import pairwise

import msgspec
from procedures.dictionary import first_parameter

from ground.testkit import HilFailure, changed, greater_than

MISSION = "leo_smallsat"

ORBIT_S = 5700.0  # the Fairbanks pass comes within the first orbit
BLACKOUT_DELAY_S = 115.0  # after AOS; off the 10 s housekeeping grid, so no sample straddles it
BLACKOUT_S = 300.0
HK_PERIOD_S = 10.0
SILENT_S = 60.0  # flight_software_silent: executive.ticks stale for 60 s
SOC_STALE_S = 120.0  # battery_soc: stale_after_s
DUMP_S = 60.0  # 300 s of frames, no downlink rate modelled: the dump runs on the next tick
EXPECTED_ALARMS = {"flight_software_silent", "battery_soc", "power_trouble"}


def run(hil):
    subsystems = [entry["name"] for entry in hil.dictionary["subsystems"]]

    with hil.step("Fairbanks pass: acquisition of signal, telemetry flowing, no alarms"):
        aos = hil.await_event(
            "navigation.station_aos",
            within=ORBIT_S,
            where=lambda e: e.params.get("station") == "Fairbanks",
        )
        hil.check("navigation.station_visible == True")
        hil.assert_no_alarms()
        before = hil.ground_status()
        if before.ingest.frames_missing or before.channel.lost_down:
            raise HilFailure(f"frames already lost before the blackout: {before}")

    start_s = aos.time_s + BLACKOUT_DELAY_S
    end_s = start_s + BLACKOUT_S
    with hil.step("The downlink blacks out for 5 min in mid-pass; the ground sees silence"):
        hil.blackout(start_s, end_s)
        hil.advance(start_s - hil.now_s)
        hil.await_alarm(
            "flight_software_silent", severity="critical", within=SILENT_S + 2 * HK_PERIOD_S
        )
        hil.await_alarm("battery_soc", severity="warning", within=SOC_STALE_S)
        hil.advance(end_s - hil.now_s)
        # Nothing of the window reached the ground live.
        for name in subsystems:
            hil.assert_telemetry_count(first_parameter(hil, name), 0, since=start_s, until=end_s)
        hil.assert_event_count("navigation.eclipse_entry", 0, since=start_s)

    with hil.step("The link is back: live telemetry resumes and the silence ends"):
        hil.await_telemetry("executive.ticks", changed(), within=2 * HK_PERIOD_S)
        after = hil.ground_status()
        lost = after.channel.lost_down
        counted = after.ingest.transfer_frames_lost
        missing = after.ingest.frames_missing
        hil.note(
            f"transfer frames lost on the way down: {lost}, missed by frame count: {counted}; "
            f"packets missing by sequence count: {missing}"
        )
        if not lost or counted != lost or not missing:
            raise HilFailure(f"the ground should miss exactly what was lost: {after}")
        # Sunset came during the blackout: the spacecraft is already in the shadow.
        hil.check("navigation.in_eclipse == True")

    with hil.step("Dump the recorder for the blackout window"):
        dumps_before = hil.tlm("executive.store_dumps")
        hil.dump_recorder(start_s, end_s, within=DUMP_S)
        hil.await_telemetry(
            "executive.store_dumps", greater_than(dumps_before), within=2 * HK_PERIOD_S
        )
        playback = hil.ground_status().playback
        hil.note(f"playback: {msgspec.structs.asdict(playback)}")
        if playback.recovered != missing or playback.duplicates != 0:
            raise HilFailure(
                f"playback recovered {playback}; expected all {missing} missing packets, no "
                "duplicate"
            )

    with hil.step("Nothing is lost: every subsystem has all 30 samples of the window, no gap"):
        expected = int(BLACKOUT_S // HK_PERIOD_S)
        for name in subsystems:
            parameter = first_parameter(hil, name)
            hil.assert_telemetry_count(parameter, expected, since=start_s, until=end_s)
            samples = hil.history(parameter, since=start_s - HK_PERIOD_S, until=end_s + HK_PERIOD_S)
            worst_s = max(b.time_s - a.time_s for a, b in pairwise(samples))
            if worst_s > HK_PERIOD_S:
                raise HilFailure(f"{name}: a {worst_s:g} s gap remains around the blackout")
        # The event raised in the dark is in the log at its onboard time.
        entry = hil.assert_event("navigation.eclipse_entry", since=start_s)
        if not start_s <= entry.time_s <= end_s:
            raise HilFailure(f"eclipse entry at {entry.time_s}, outside the blackout")
        # The recovered history shows what happened at sunset: the array went dark.
        hil.assert_telemetry("power.solar_power_w", 0.0, since=entry.time_s, until=end_s)

    with hil.step("The ground acknowledges the alarms of the blackout, now back in limits"):
        active = hil.alarms()
        names = {alarm.name for alarm in active}
        if "flight_software_silent" not in names or not names <= EXPECTED_ALARMS:
            raise HilFailure(f"alarms {sorted(names)}; expected those of a silent link")
        for alarm in active:
            if alarm.state != "RTN_UNACKNOWLEDGED":
                raise HilFailure(f"{alarm} is still in violation after the blackout")
            hil.acknowledge(alarm.name, "downlink blackout; recorder dumped, no data lost")
        hil.assert_no_alarms()
