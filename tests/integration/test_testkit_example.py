"""The first test of docs/testing.md, exactly as the documentation shows it."""

import pytest

from ground.testkit.predicates import at_most, changed

ORBIT_S = 5700.0


@pytest.mark.integration
@pytest.mark.mission("leo_smallsat")
def test_a_cell_failure_ends_in_safe_mode_and_the_ground_recovers(hil):  # type: ignore[no-untyped-def]
    hil.wait_check("power.battery_soc > 0.9", within=600)
    hil.inject_fault("power", "cell_failure", capacity_loss_fraction=0.72)
    hil.await_telemetry("power.battery_soc", at_most(0.4), within=2 * ORBIT_S)  # an eclipse
    hil.await_event("fdir.safe_mode_entered", within=600)
    hil.wait_check("fdir.mode == safe", within=60)
    hil.wait_check("power.battery_soc > 0.9", within=ORBIT_S)  # refilled in sunlight
    hil.send_and_await_completion("fdir.leave_safe_mode")
    hil.wait_check("fdir.mode == nominal", within=60)
    hil.assert_telemetry_count("fdir.mode", 1, changed(to="safe"))


@pytest.mark.integration
@pytest.mark.timeout(300)  # eight mission hours of the crewed station
@pytest.mark.mission("leo_station")
def test_a_failed_scrubber_raises_the_co2_alarm(hil_shared):  # type: ignore[no-untyped-def]
    """The example of the README, exactly."""
    hil_shared.send_and_await_completion("life_support.crew_activity", {"mode": "nominal"})
    hil_shared.inject_fault("life_support", "co2_scrubber_failure")
    hil_shared.await_alarm("co2", severity="warning", within=8 * 3600)
    hil_shared.check("life_support.co2_ppm > 3000")
