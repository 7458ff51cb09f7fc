"""Waits count what is still on its way down: news to the ground is news, whatever its on-board
time (the lunar orbiter is 1.28 light seconds away)."""

from __future__ import annotations

import pytest

from ground.testkit.api import HilApi
from ground.testkit.predicates import anything

pytestmark = [pytest.mark.integration, pytest.mark.mission("lunar_orbiter")]


def test_an_event_raised_before_the_wait_but_still_in_flight_is_awaited(hil_shared: HilApi) -> None:
    hil = hil_shared
    hil.advance(100)
    hil.send_command("propulsion.arm")
    hil.advance(2)  # the command ran on board at T+101.3; its event lands at T+102.6
    assert "armed" not in [e.name for e in hil.events(since=100)]  # not on the ground yet
    event = hil.await_event("propulsion.armed", within=10)
    assert 101.0 < event.time_s < 102.0 < event.received_s


def test_a_sample_taken_before_the_wait_but_still_in_flight_counts_as_new(
    hil_shared: HilApi,
) -> None:
    hil = hil_shared
    hil.advance(100.5)  # the T+100 report is on its way down until T+101.3
    latest_s = hil.tlm_sample("power.battery_soc").time_s
    found = hil.await_telemetry_count("power.battery_soc", 1, anything(), within=10)
    assert latest_s == 90.0 and found[0].time_s == 100.0
