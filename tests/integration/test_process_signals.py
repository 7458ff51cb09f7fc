"""`flightsw` and `ground` on their own: a signal stops each cleanly, even with its peer gone."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
import zmq
from flying import LEO
from processes import STOP_WITHIN_S

from ground.api import Step, encode
from ground.cli.launcher import launch
from ground.console.watch import Feed

pytestmark = pytest.mark.integration

# A stepped spacecraft whose ground has gone must still stop on SIGTERM: it used to wait 10 s
# on every frame of the step under way, and never got to stop at all.
STOPS_WITHIN_S = 20.0


def test_a_stepped_spacecraft_whose_ground_died_mid_step_stops_on_sigterm(tmp_path: Path) -> None:
    mission = launch("leo_station", tmp_path, "orphan-step", clock="stepped")
    feed = Feed(mission.endpoints.feed, mission.client.credentials)
    context = zmq.Context()
    asker = context.socket(zmq.DEALER)
    asker.setsockopt(zmq.LINGER, 0)
    try:
        # A day's step, its reply never awaited: the spacecraft is flying it (its telemetry is
        # on the feed) when its ground dies.
        mission.secure_to_ground(asker)
        asker.connect(mission.endpoints.control)
        asker.send_multipart([b"", encode(Step(86_400.0))])
        assert feed.wait(int(STOP_WITHIN_S * 1000)), "the step did not start"
        mission.ground.kill()
        mission.ground.wait(STOP_WITHIN_S)
        mission.flight.send_signal(signal.SIGTERM)
        assert mission.flight.wait(STOPS_WITHIN_S) == 0
    finally:
        asker.close()
        context.term()
        feed.close()
        mission.stop()
    log = (tmp_path / "orphan-step.flightsw.log").read_text()
    assert "SIGTERM: stopping cleanly" in log and "stopped at mission time" in log


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_the_ground_stops_cleanly_on_a_signal_and_keeps_its_archive(
    tmp_path: Path, signum: signal.Signals
) -> None:
    mission = launch(LEO, tmp_path, "ground-alone", clock="stepped")
    try:
        mission.client.call(Step(120.0))
        mission.ground.send_signal(signum)
        assert mission.ground.wait(STOP_WITHIN_S) == 0
    finally:
        mission.stop()
    log = (tmp_path / "ground-alone.ground.log").read_text()
    assert f"{signum.name}: stopping cleanly" in log
    assert "ground-alone.sqlite closed at mission time 120.0 s" in log
