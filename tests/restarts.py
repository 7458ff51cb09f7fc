"""Killing and starting again one process of a running mission, and reading what it left.

The launcher starts both processes together; these start one of them again on the same
endpoints, as a supervisor (or an operator) would, and hand the new process to the `Mission`
so that its `stop()` still stops everything, whatever the test did.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import zmq

from flightsw.icd import simport
from ground.api import GetStatus, GroundStatus
from ground.cli import children
from ground.cli.launcher import Mission

WAIT_S = 60.0  # a generous bound on anything a test waits for


def kill(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL: no handler runs, nothing is flushed, as in a crash."""
    process.send_signal(signal.SIGKILL)
    process.wait(WAIT_S)


def start_ground(mission: Mission, *extra: str, light_time_s: float | None = None) -> None:
    """Start `ground` again for `mission` on its endpoints (`extra`: e.g. `--resume`)."""
    argv = [*mission.ground_args, "--run-name", mission.run_name, *extra]
    if light_time_s is not None:
        argv += ["--light-time-s", str(light_time_s)]
    mission.ground = children.start(argv, mission.log_path("ground"), mission.env)


def start_flight(mission: Mission, clock: str, extra: tuple[str, ...] = ()) -> None:
    """Start `flightsw` again for `mission` on its endpoints: a new spacecraft, from T+0."""
    argv = [
        sys.executable, "-m", "flightsw", "--config", str(mission.config), "--clock", clock,
        *[f"--{name}={getattr(mission.endpoints, name)}" for name in ("uplink", "downlink", "sim", "truth")],
        "--exit-with-parent", str(os.getpid()), *extra,
    ]  # fmt: skip
    if mission.keys is not None:
        argv += ["--keys", str(mission.keys)]
    if mission.access is not None:
        argv += ["--access", str(mission.access)]
    mission.flight = children.start(argv, mission.log_path("flightsw"), mission.env)


def log_of(mission: Mission, name: str) -> str:
    """Everything the mission's `name` processes wrote (each start appends to one log)."""
    return mission.log_path(name).read_text(errors="replace")


def ground_status(mission: Mission, timeout_s: float = WAIT_S) -> GroundStatus:
    """The ground's status, once it answers (a ground that has just started may take a while)."""
    return mission.client.call(GetStatus(), timeout_s=timeout_s).status


def spacecraft_status(mission: Mission) -> simport.StatusReply:
    """What the spacecraft itself says (its sim port, asked directly)."""
    context: zmq.Context[Any] = zmq.Context()
    socket = context.socket(zmq.DEALER)
    socket.setsockopt(zmq.LINGER, 0)
    try:
        mission.secure_to_spacecraft(socket)
        socket.connect(mission.endpoints.sim)
        request = simport.StatusRequest()
        socket.send_multipart([b"", simport.encode(request)])
        assert socket.poll(int(WAIT_S * 1000)), "the spacecraft did not answer its status"
        reply = simport.decode_reply(request, socket.recv_multipart()[-1])
    finally:
        socket.close(linger=0)
        context.term()
    assert isinstance(reply, simport.StatusReply), reply
    return reply


def sequence_counts(archive: Path, segment: int = 1) -> dict[int, Counter[int]]:
    """How many times each sequence count of each APID is archived in `segment`."""
    with sqlite3.connect(f"file:{archive}?mode=ro", uri=True) as connection:
        rows = connection.execute(
            "SELECT apid, seq FROM frames WHERE segment = ? AND apid IS NOT NULL", (segment,)
        ).fetchall()
    counts: dict[int, Counter[int]] = {}
    for apid, seq in rows:
        counts.setdefault(apid, Counter())[seq] += 1
    return counts


def integrity(archive: Path) -> str:
    with sqlite3.connect(f"file:{archive}?mode=ro", uri=True) as connection:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])


def wait_for_segment(mission: Mission, segment: int) -> None:
    """Until the ground says it flies `segment`: each event on its feed is a reason to look, and
    a quiet second too."""
    feed = mission.feed(b"event")
    try:
        for _ in range(int(WAIT_S)):  # a bound on failure, not on speed
            if ground_status(mission).segment == segment:
                return
            if feed.poll(1000):
                feed.recv_multipart()
    finally:
        feed.close(linger=0)
    raise AssertionError(f"the ground never began segment {segment}")
