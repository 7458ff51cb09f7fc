"""A replay on sockets: the control API (read-only) and the live feed, so consoles can follow it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import msgspec
import zmq

from flightsw.clock import wall_time_s
from flightsw.icd import Endpoints, simport
from ground.api import (
    AddBlackout,
    ClearFault,
    Crash,
    DeleteScheduled,
    DumpRecorder,
    GetStatus,
    GetTruth,
    GroundStatus,
    InjectFault,
    Pause,
    ReplayStatus,
    Request,
    RequestSchedule,
    RequestStoreStatus,
    Resume,
    SendCommand,
    SendPing,
    SetQueue,
    SetRate,
    StatusReply,
    Step,
)
from ground.process.control import ControlApi, OnSimReply, immediate, refusing
from ground.process.runtime import FLUSH_EVERY_S
from ground.process.sockets import bind_all, publish_on, serve_control
from ground.replay.engine import Replay, ReplaySummary
from ground.replay.pacing import Pacer

log = logging.getLogger(__name__)

RANGE_PARAMETER = "navigation.station_range_km"
IDLE_POLL_S = 0.2  # longest single wait, so `stopped` and the idle hook are seen often
FLUSH_EVERY_WALL_S = FLUSH_EVERY_S  # commits for outside readers, whatever the replay speed

# Requests that need a spacecraft, and what the refusal says there is no spacecraft to do.
NO_SPACECRAFT: dict[type[Request[Any]], str] = {
    SendCommand: "command",
    SendPing: "ping",
    InjectFault: "inject a fault into",
    ClearFault: "clear a fault on",
    Crash: "crash",
    Step: "step",
    Pause: "pause",
    Resume: "resume",
    SetRate: "set the clock rate of",
    GetTruth: "ask the truth of",
    RequestSchedule: "report its schedule",
    DeleteScheduled: "delete a scheduled activity on",
    DumpRecorder: "dump its store",
    RequestStoreStatus: "report its store",
    AddBlackout: "black out the link to",
    SetQueue: "queue commands for",
}


class ReplaySockets:
    """The control ROUTER and live-feed PUB of a replay, made and used on one thread."""

    def __init__(self, endpoints: Endpoints) -> None:
        self.context: zmq.Context[Any] = zmq.Context()
        self.control = self.context.socket(zmq.ROUTER)
        self.feed = self.context.socket(zmq.PUB)
        for socket in (self.control, self.feed):
            socket.setsockopt(zmq.LINGER, 0)
        self.feed.setsockopt(zmq.SNDHWM, 100_000)
        try:
            bind_all(
                (self.control, endpoints.control, "control API"),
                (self.feed, endpoints.feed, "live feed"),
            )
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        self.control.close(linger=0)
        self.feed.close(linger=0)
        self.context.term()


class ReplayRuntime:
    """Run a Replay on its sockets: paced waits poll the control socket, alarms go on the feed."""

    def __init__(
        self,
        sockets: ReplaySockets,
        replay: Replay,
        wall_s: Callable[[], float] = wall_time_s,
    ) -> None:
        self.sockets = sockets
        self.replay = replay
        self.service = replay.service
        self.running = True
        self._wall_s = wall_s
        self._on_idle: Callable[[float], None] | None = None
        self._last_flush_wall_s = wall_s()
        self._poller = zmq.Poller()
        self._poller.register(sockets.control, zmq.POLLIN)
        self.service.publish = lambda event: publish_on(sockets.feed, event)
        self.control = ControlApi(self.service, self._no_spacecraft, self._no_step, self.stop)
        for kind, what in NO_SPACECRAFT.items():
            self.control.handlers[kind] = refusing(_no_spacecraft(what))
        self.control.handlers[GetStatus] = immediate(
            lambda request: StatusReply(status=self.status())
        )
        self.speed = 0.0

    def stop(self) -> None:
        self.running = False

    def status(self) -> GroundStatus:
        """The ground's status, what is being replayed, and the range as last reported."""
        status = self.service.status()
        range_m = status.range_m
        if range_m is None:  # live it comes from the truth feed, which is not recorded
            latest = self.service.archive.latest(RANGE_PARAMETER)
            if latest is not None and isinstance(latest[1], int | float):
                range_m = float(latest[1]) * 1000.0
        replay = ReplayStatus(
            of=str(self.replay.source_path),
            archive=str(self.replay.archive.path),
            speed=self.speed,
            frames=self.replay.frames,
        )
        return msgspec.structs.replace(status, range_m=range_m, replay=replay)

    def run(self, speed: float, on_idle: Callable[[float], None] | None = None) -> ReplaySummary:
        """Replay at `speed`; `on_idle(time_s)` is called whenever the replay waits or ticks."""
        self._on_idle = on_idle
        self.speed = speed
        return self.replay.run(Pacer(speed, self._wall_s), self._wait, lambda: not self.running)

    def serve(self, timeout_s: float) -> None:
        """Answer control requests for up to `timeout_s` wall seconds (after the replay, too)."""
        if self._poller.poll(int(timeout_s * 1000)):
            serve_control(self.sockets.control, self.control, access=None)

    def close(self) -> None:
        self.replay.close()

    def _wait(self, timeout_s: float) -> None:
        self.serve(min(timeout_s, IDLE_POLL_S))
        if self._wall_s() - self._last_flush_wall_s >= FLUSH_EVERY_WALL_S:
            self.service.archive.flush()  # outside readers (a console's plots) see the replay
            self._last_flush_wall_s = self._wall_s()
        if self._on_idle is not None:
            self._on_idle(self.service.now_s)

    @staticmethod
    def _no_spacecraft(request: simport.SimRequest, on_reply: OnSimReply) -> None:
        on_reply(simport.refused(_no_spacecraft(request.op)))

    @staticmethod
    def _no_step(seconds: float, on_reply: OnSimReply) -> None:
        on_reply(simport.refused(_no_spacecraft("step")))


def _no_spacecraft(what: str) -> str:
    return f"replay: there is no spacecraft to {what}; a replay only re-reads its archive"
