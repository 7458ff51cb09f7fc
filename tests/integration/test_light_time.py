"""Light time from the true range: the lunar orbiter is about 1.28 light-seconds away."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from flightsw.physics.constants import SPEED_OF_LIGHT_M_S
from ground.api import GetCommand, GetStatus, SendPing, Step
from ground.cli.launcher import Mission, launch

pytestmark = pytest.mark.integration

LUNAR = Path(__file__).resolve().parents[2] / "configs" / "lunar_orbiter.toml"
CUC_RESOLUTION_S = 2**-16


@pytest.fixture
def lunar(tmp_path: Path) -> Iterator[Mission]:
    flying = launch(LUNAR, tmp_path, "lunar", clock="stepped")
    try:
        yield flying
    finally:
        flying.stop()


def test_the_light_time_follows_the_true_range_to_the_moon(lunar: Mission) -> None:
    client = lunar.client
    client.call(Step(seconds=60.0))
    status = client.call(GetStatus()).status
    # docs/references.md#orbits-and-light-time: the Moon's one-way light time is 1.21-1.35 s
    # (mean 1.282 s at 384 400 km).
    assert status.one_way_light_time_s == pytest.approx(1.28, abs=0.07)
    assert status.one_way_light_time_s == pytest.approx(status.range_m / SPEED_OF_LIGHT_M_S)


def test_a_ping_to_the_moon_comes_back_after_the_round_trip_from_the_range(lunar: Mission) -> None:
    client = lunar.client
    client.call(Step(seconds=60.0))
    one_way_s = client.call(GetStatus()).status.one_way_light_time_s
    sent = client.call(SendPing()).command
    client.call(Step(seconds=5.0))
    command = client.call(GetCommand(id=sent.id)).command
    assert command.status == "completed"
    round_trip_s = command.stages["completed"] - sent.sent_s
    # The range changes by a few km while the ping is on its way: a few tens of microseconds.
    assert round_trip_s == pytest.approx(2 * one_way_s, abs=1e-3)
