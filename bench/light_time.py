"""Light time as the operator sees it in realtime: pings' round trips on the wall clock.

The lunar orbiter flies at rate 1 (one mission second a wall second); the ground sends pings
one after another and watches its own live feed for each ping's `sent` and `completed` stages.
On the wall clock their distance must be twice the one-way light time, as the archive's stamps
say it was: the ground's clock runs between the spacecraft's truth messages, a command is
stamped with the time it leaves and a frame is released at its due time.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import zmq

from flightsw.clock import wall_time_s
from ground.api import CommandStaged, GetCommand, GetStatus, SendPing, decode_event, subscribe
from ground.cli.launcher import Mission, launch
from ground.vocabulary import CommandStatus

LUNAR = Path(__file__).resolve().parents[1] / "configs" / "lunar_orbiter.toml"
FEED_WAIT_MS = 30_000  # a bound on failure: a round trip is under 3 s


@dataclass(frozen=True, slots=True)
class RoundTrip:
    """One ping: its round trip on the wall clock and in the archive, and the light time."""

    wall_s: float  # from the feed's `sent` to its `completed`, as the operator saw them
    archived_s: float  # completed_s - sent_s, the stamps the archive keeps
    two_way_light_s: float  # twice the one-way light time the ground applied


def ping_round_trips(pings: int) -> list[RoundTrip]:
    """Fly the lunar orbiter at rate 1 and time `pings` pings, one after another."""
    with tempfile.TemporaryDirectory() as tmp:
        mission = launch(
            LUNAR, Path(tmp), "light-time", clock="realtime", rate=1.0, log_level="WARNING"
        )
        context: zmq.Context[Any] = zmq.Context()
        topic = CommandStaged.topic().encode()
        feed = subscribe(context, mission.endpoints.feed, mission.client.credentials, (topic,))
        try:
            mission.client.call(GetStatus())  # the subscription has settled
            return [_one_ping(mission, feed) for _ in range(pings)]
        finally:
            feed.close(linger=0)
            context.term()
            mission.stop()


def _one_ping(mission: Mission, feed: zmq.Socket[Any]) -> RoundTrip:
    client = mission.client
    one_way_s = client.call(GetStatus()).status.one_way_light_time_s
    ping = client.call(SendPing()).command
    seen: dict[str, float] = {}
    while "completed" not in seen:
        if not feed.poll(FEED_WAIT_MS):
            raise RuntimeError(f"ping {ping.id} was not completed within {FEED_WAIT_MS} ms")
        _topic, body = feed.recv_multipart()
        arrived_s = wall_time_s()
        event = decode_event(body)
        if isinstance(event, CommandStaged) and event.command.id == ping.id:
            seen[event.stage.value] = arrived_s
    if "sent" not in seen:
        raise RuntimeError(f"the live feed never showed ping {ping.id} sent")
    stages = client.call(GetCommand(ping.id)).command.stages
    archived_s = stages[CommandStatus.COMPLETED] - stages[CommandStatus.SENT]
    return RoundTrip(seen["completed"] - seen["sent"], archived_s, 2 * one_way_s)
