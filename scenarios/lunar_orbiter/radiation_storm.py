"""Solar particle event: dose-rate alarm, instruments safed by the ground, back to mapping after.

Around the Moon there is no magnetosphere: the dose is the galactic cosmic-ray background,
about 13 uSv/h with the Moon hiding a third of the sky. A large solar particle event
multiplies it by a thousand (13 mSv/h; the big events of 1972 and 1989 went well beyond),
so the 10 mSv mark of the accumulated dose is passed about 45 min in.

Detection: the environment monitor reports `radiation_storm_start` (HIGH) on its next
10-s tick and the dosimeter channel of the sensor array reads the same; the ground
rule `dose_rate` goes red (critical, > 1000 uSv/h for 2 samples: 20 s plus the 1.28 s of
light time). Onboard response: none. configs/lunar_orbiter.toml gives FDIR no monitor on the
dose rate, so the spacecraft stays in nominal mode with its instruments on; protecting the
detectors (the camera's CCD, the spectrometer, the altimeter's laser) is the ground's job:
all three go to standby, each command verified a round trip (2.6 s) after it left.

The storm is flown for two hours, then ends: `radiation_storm_end`, the dose rate falls back
to the background, the alarm returns to normal and is acknowledged, and the ground brings the
instruments back to their mapping modes; science data flows again at 2.13 Mbit/s.
"""

from ground.testkit.api import HilFailure
from ground.testkit.predicates import at_least, at_most, greater_than, is_not, within_range

MISSION = "lunar_orbiter"

GCR_USV_H = (12.0, 15.0)  # 20 uSv/h of free-space GCR, a third hidden by the Moon: 13.25
STORM_MULTIPLIER = 1000.0
STORM_S = 2 * 3600.0  # the proton flux of a large event stays high for hours
DOSE_MARK_MSV = 10.0  # the first of dose_thresholds_msv
INSTRUMENTS = {"camera": "imaging", "spectrometer": "science", "altimeter": "ranging"}
STANDBY_W = 10.0 + 5.0 + 8.0  # the three instruments' standby draw
MAPPING_W = 60.0 + 30.0 + 35.0
SCIENCE_MB_S = (2.0e6 + 1.0e5 + 3.0e4) / 8e6


def run(hil):
    with hil.step("Quiet Sun: cosmic-ray background, mapping with all three instruments"):
        hil.advance(900)
        hil.check(f"environment.dose_rate_usv_h > {GCR_USV_H[0]}")
        hil.check(f"environment.dose_rate_usv_h < {GCR_USV_H[1]}")
        hil.check("environment.storm_active == False")
        for instrument, mode in INSTRUMENTS.items():
            hil.check(f"payload.{instrument}_mode == '{mode}'")
        hil.check(f"payload.total_power_w == {MAPPING_W:g}")
        hil.assert_no_alarms()

    with hil.step("A solar particle event multiplies the dose rate by a thousand"):
        onset_s = hil.inject_fault("environment", "radiation_storm", multiplier=STORM_MULTIPLIER)

    with hil.step("Detected: storm event on board, dosimeter high, dose-rate alarm red"):
        alarm = hil.await_alarm("dose_rate", severity="critical", within=60)
        hil.note(f"alarm on the sample of {alarm.time_s:.0f} s, {alarm.time_s - onset_s:.0f} s in")
        start = hil.assert_event("environment.radiation_storm_start", since=onset_s)
        if start.severity != 4:
            raise HilFailure(f"storm reported at severity {start.severity}, not high")
        hil.check("environment.dose_rate_usv_h > 10000")  # 13 250 uSv/h
        hil.check("sensors.dose_rate_usv_h > 10000")  # the sensor array's dosimeter agrees
        hil.check("environment.storm_active == True")

    with hil.step("No onboard response is configured: the spacecraft stays nominal, mapping"):
        hil.check("fdir.mode == 'nominal'")
        hil.check("fdir.actions_fired == 0")
        hil.check("payload.camera_mode == 'imaging'")

    with hil.step("Ground safes the instruments: all three to standby, each verified"):
        safed_s = hil.now_s
        for instrument in INSTRUMENTS:
            hil.send_and_await_completion(
                "payload.set_mode", {"instrument": instrument, "mode": "standby"}, within=10
            )
        hil.assert_event_count(
            "payload.instrument_mode",
            3,
            since=safed_s,
            where=lambda e: e.params["mode"] == "standby",
        )
        hil.wait_check(f"payload.total_power_w == {STANDBY_W:g}", within=20)
        for instrument in INSTRUMENTS:
            hil.check(f"payload.{instrument}_mode == 'standby'")
            hil.check(f"payload.{instrument}_status == 'ok'")
        quiet = hil.tlm_sample("payload.data_produced_mb")

    with hil.step("The storm goes on; the dose passes 10 mSv; no data is taken"):
        # 13.25 mSv/h: 10 mSv about 45 min after onset.
        hil.await_event("environment.dose_threshold_crossed", within=3600)
        hil.check(f"environment.accumulated_dose_msv >= {DOSE_MARK_MSV:g}")
        hil.advance(onset_s + STORM_S - hil.now_s)
        hil.assert_telemetry_count(
            "payload.data_produced_mb", 0, greater_than(quiet.value), since=quiet.time_s
        )
        hil.assert_telemetry_count(
            "environment.dose_rate_usv_h", 0, at_most(1000.0), since=alarm.time_s
        )
        hil.check("fdir.mode == 'nominal'")

    with hil.step("The storm ends: dose rate back to the background, alarm returns to normal"):
        end_s = hil.clear_fault("environment", "radiation_storm")
        hil.await_event("environment.radiation_storm_end", within=30)
        hil.wait_check(f"environment.dose_rate_usv_h < {GCR_USV_H[1]}", within=30)
        hil.wait_check(f"sensors.dose_rate_usv_h < {GCR_USV_H[1] + 5}", within=30)  # 1 uSv/h noise
        steps = [entry.kind for entry in hil.alarm_log(since=onset_s, name="dose_rate")]
        if steps != ["triggered", "returned"]:
            raise HilFailure(f"dose_rate alarm went {steps}, not triggered then returned")
        hil.acknowledge("dose_rate", "solar particle event over; instruments to be restored")
        hil.assert_no_alarms()

    with hil.step("Ground returns the instruments to mapping, each verified"):
        for instrument, mode in INSTRUMENTS.items():
            hil.send_and_await_completion(
                "payload.set_mode", {"instrument": instrument, "mode": mode}, within=10
            )
        hil.wait_check(f"payload.total_power_w == {MAPPING_W:g}", within=20)
        for instrument, mode in INSTRUMENTS.items():
            hil.check(f"payload.{instrument}_mode == '{mode}'")

    with hil.step("Science flows again at the instruments' rate; all quiet"):
        before = hil.tlm_sample("payload.data_produced_mb")
        hil.advance(600)
        after = hil.tlm_sample("payload.data_produced_mb")
        rate_mb_s = (after.value - before.value) / (after.time_s - before.time_s)
        if abs(rate_mb_s - SCIENCE_MB_S) > 0.01 * SCIENCE_MB_S:
            raise HilFailure(f"science at {rate_mb_s:.4f} MB/s, expected {SCIENCE_MB_S:.4f}")
        hil.assert_telemetry_count(
            "environment.dose_rate_usv_h", 0, is_not(within_range(*GCR_USV_H)), since=end_s + 20
        )
        hil.assert_telemetry("environment.accumulated_dose_msv", at_least(DOSE_MARK_MSV))
        hil.assert_telemetry_count("fdir.mode", 0, is_not("nominal"), since=onset_s)
        hil.note(f"{hil.tlm('environment.accumulated_dose_msv'):.1f} mSv taken in the event")
        hil.assert_no_alarms()
