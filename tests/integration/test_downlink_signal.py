"""A failed transmitter silences the downlink: the ground loses the signal, the recorder keeps
everything, and a dump after the repair leaves no gap."""

from __future__ import annotations

import itertools

import pytest

from ground.testkit.api import HilApi

pytestmark = [pytest.mark.integration, pytest.mark.mission("lunar_orbiter")]

HK_S = 10.0


def test_a_failed_transmitter_is_a_loss_of_signal_and_the_recorder_fills_the_gap(
    hil_shared: HilApi,
) -> None:
    hil = hil_shared
    hil.advance(120)
    failed_s = hil.inject_fault("comms", "transmitter_failure")
    hil.await_event("ground.los", within=2 * HK_S)
    assert hil.ground_status().channel.signal is False
    hil.advance(HK_S)  # what was sent before the carrier dropped is still coming (1.3 s away)
    last_heard = hil.tlm_sample("power.battery_soc").time_s
    hil.advance(600)
    assert hil.tlm_sample("power.battery_soc").time_s == last_heard  # nothing got through

    repaired_s = hil.clear_fault("comms", "transmitter_failure")
    hil.await_event("ground.aos", within=2 * HK_S)
    hil.await_telemetry("power.battery_soc", within=3 * HK_S)
    gap = hil.history("power.battery_soc", since=failed_s, until=repaired_s)
    assert len(gap) <= 2  # at most the reports already on their way when the carrier dropped

    hil.dump_recorder(failed_s, repaired_s)
    recovered = hil.history("power.battery_soc", since=failed_s, until=repaired_s)
    times = [sample.time_s for sample in recovered]
    assert len(times) >= (repaired_s - failed_s) / HK_S - 1
    assert max(b - a for a, b in itertools.pairwise(times)) <= HK_S
