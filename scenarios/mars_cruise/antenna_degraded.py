"""RF path failure half a day out: EIRP collapses, link margin falls below 3 dB, the ground lowers the downlink rate and the margin comes back.

Twelve hours out (127,000 km, one-way light time 0.42 s) the high-gain link at 2 Mbit/s has
about 65 dB of margin. Then a waveguide switch in the RF path shared by both antennas sticks
between its ports and 63 dB of the transmitter's power never reaches the dish: a near-total
loss that the short range still survives. What must follow:
- the ground's eirp rule sees the EIRP fall from 65 dBW to about 2 dBW, and link_margin sees
  the margin fall to about 2 dB, below its 3 dB yellow limit (both after 2 samples of 60 s);
- the ground tells where the loss is: the path loss is what the range says and attitude control
  is fine, so it is on board, in the RF chain, and the low-gain antenna shares it;
- there is no onboard response (FDIR has no monitor on the link), so the ground lowers the rate
  16-fold to 128 kbit/s: Eb/N0 rises 10 log10(16) = 12 dB, margin about 14 dB, which the growing
  range (20 log10 of it) eats only over days; 128 kbit/s still carries the 25 kbit/s the
  instruments produce;
- the margin alarm returns to normal and clears once acknowledged; the EIRP alarm stays, rightly,
  acknowledged, until the RF path is repaired.
"""

import math

from procedures.comms import set_downlink_rate

from ground.testkit import HilFailure, less_than

MISSION = "mars_cruise"

HK_S = 60.0
LOSS_DB = 63.0
SPEED_OF_LIGHT_M_S = 299_792_458.0
FREQUENCY_HZ = 8.4e9


def run(hil):
    with hil.step("Half a day out: high-gain link at 2 Mbit/s with some 65 dB of margin"):
        hil.advance(12 * 3600.0)
        hil.check("comms.antenna == 'high_gain'")
        hil.check("comms.downlink_rate_bps == 2048000")
        hil.check("comms.eirp_dbw > 64")
        margin_before = hil.check("comms.link_margin_db > 60")
        hil.assert_no_alarms()

    with hil.step("A waveguide switch sticks between ports: 63 dB lost in the RF path"):
        fault_s = hil.inject_fault("comms", "antenna_degraded", loss_db=LOSS_DB)

    with hil.step("Ground rules: EIRP far below its limit, margin below 3 dB"):
        # Two 60 s samples each, after the next comms report.
        hil.await_alarm("link_margin", within=3 * HK_S)
        # Both rules take two samples of the same reports: they fire together.
        margin = hil.assert_alarm_active("link_margin")
        eirp = hil.assert_alarm_active("eirp")
        if eirp.severity != "distress" or margin.severity != "warning":
            raise HilFailure(f"expected a red EIRP and a yellow margin: {eirp}, {margin}")
        low = hil.check("comms.link_margin_db < 3")
        hil.check("comms.link_margin_db > 0")
        hil.check("comms.link_up == True")  # degraded, not lost: telemetry still flows
        hil.note(f"margin {margin_before:.1f} dB -> {low:.1f} dB")

    with hil.step("Ground diagnosis: the loss is on board, in the RF chain"):
        eirp_dbw = hil.check("comms.eirp_dbw < 5")
        if abs((65.0 - eirp_dbw) - LOSS_DB) > 0.5:
            raise HilFailure(f"EIRP {eirp_dbw:.1f} dBW: not a {LOSS_DB:g} dB loss")
        # Path loss is what the range says: 20 log10(4 pi d / lambda). Not the geometry.
        range_m = hil.tlm("comms.range_km") * 1e3
        expected_db = 20 * math.log10(4 * math.pi * range_m * FREQUENCY_HZ / SPEED_OF_LIGHT_M_S)
        path_db = hil.check("comms.path_loss_db > 0")
        if abs(path_db - expected_db) > 0.1:
            raise HilFailure(f"path loss {path_db:.2f} dB, the range gives {expected_db:.2f} dB")
        # Not pointing either: attitude control is fine and the arrays face the Sun.
        hil.check("navigation.attitude_control_ok == True")
        hil.check("navigation.attitude_mode == 'sun'")
        hil.check("fdir.mode == 'nominal'")  # no onboard monitor watches the link

    with hil.step("Ground lowers the downlink rate 16-fold, to 128 kbit/s"):
        light_s = hil.ground_status().one_way_light_time_s
        hil.note(f"one-way light time {light_s:.2f} s")
        set_downlink_rate(hil, 128000, within=60, report_within=2 * HK_S)

    with hil.step("Margin back: 12 dB more, the margin alarm returns and clears"):
        after = hil.wait_check("comms.link_margin_db > 12", within=2 * HK_S)
        gain_db = (
            after.value - hil.history("comms.link_margin_db", until=after.time_s - 1)[-1].value
        )
        # 10 log10(2048000 / 128000) = 12.04 dB, less a minute's range growth.
        if not 11.9 < gain_db < 12.1:
            raise HilFailure(f"margin rose {gain_db:.2f} dB, expected 12.04")
        hil.note(f"margin {after.value:.1f} dB at 128 kbit/s")
        hil.acknowledge("link_margin", "rate lowered to 128 kbit/s")
        hil.acknowledge("eirp", "RF path degraded 63 dB; operating at 128 kbit/s")
        # The rule goes back to green on the reports that follow; acknowledged, the alarm clears.
        hil.advance(2 * HK_S)
        if any(a.name == "link_margin" for a in hil.alarms()):
            raise HilFailure("link_margin alarm still active with the margin back above 12 dB")

    with hil.step("An hour later: link holding, only the acknowledged EIRP alarm left"):
        hil.advance(3600.0)
        hil.assert_telemetry_count("comms.link_margin_db", 0, less_than(12.0), since=after.time_s)
        hil.assert_telemetry_count("comms.link_up", 0, False, since=fault_s)
        left = hil.alarms()
        if [a.name for a in left] != ["eirp"] or not left[0].acknowledged:
            raise HilFailure(
                "expected only the acknowledged eirp alarm:\n" + "\n".join(map(str, left))
            )
