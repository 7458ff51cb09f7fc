"""Hostile input at every socket of both real processes: refusal rate, crashes, memory before and after.

`python bench/run.py --only barrage` fires a million mutated frames, envelopes, truth messages
and requests (tests/hostile.py, the barrage test's) at each of the spacecraft's uplink and sim
port and the ground's downlink, truth feed and control API, one socket after the other, and
prints for each how many were refused per second, whether both processes are still up (and
answer a ping), and the resident memory of each before and after (VmRSS, /proc/PID/status).
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import zmq

from flightsw.clock import wall_time_s
from flightsw.icd import Endpoints
from ground.api import GetCommand, GetStatus, SendPing, Step
from ground.cli.launcher import Mission, free_ports, launch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import hostile  # noqa: E402  (the barrage test's generators)

LEO = ROOT / "configs" / "leo_smallsat.toml"
BATCH = 10_000  # generated and sent at a time, so the generator's memory stays small
WAIT_S = 600.0


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _wait(done: Callable[[], bool], what: str) -> None:
    deadline_s = wall_time_s() + WAIT_S
    while not done():
        if wall_time_s() > deadline_s:
            raise RuntimeError(f"{what} did not finish within {WAIT_S:g} s")


def _push(endpoint: str, batches: Callable[[int], list[list[bytes]]], count: int) -> int:
    """Send `count` messages (batch by batch); how many were sent."""
    socket = zmq.Context.instance().socket(zmq.PUSH)
    socket.setsockopt(zmq.LINGER, int(WAIT_S * 1000))
    socket.connect(endpoint)
    sent = 0
    try:
        for start in range(0, count, BATCH):
            for parts in batches(start):
                socket.send_multipart(parts)
                sent += 1
    finally:
        socket.close()
    return sent


def _ask(endpoint: str, batches: Callable[[int], list[bytes]], count: int) -> int:
    """Send `count` requests and take their replies; how many were sent."""
    socket = zmq.Context.instance().socket(zmq.DEALER)
    socket.setsockopt(zmq.LINGER, 0)
    socket.connect(endpoint)
    sent = 0
    try:
        for start in range(0, count, BATCH):
            payloads = batches(start)
            sent += len(payloads)
            for payload in payloads:
                socket.send_multipart([b"", payload])
            for _ in payloads:
                if not socket.poll(int(WAIT_S * 1000)):
                    raise RuntimeError("a request got no reply")
                socket.recv_multipart()
    finally:
        socket.close()
    return sent


def _spacecraft_refused(mission: Mission) -> int:
    from flightsw.icd import simport

    socket = zmq.Context.instance().socket(zmq.DEALER)
    socket.setsockopt(zmq.LINGER, 0)
    socket.connect(mission.endpoints.sim)
    try:
        socket.send_multipart([b"", simport.encode(simport.StatusRequest())])
        if not socket.poll(int(WAIT_S * 1000)):
            raise RuntimeError("the spacecraft did not answer status")
        reply = simport.decode_reply(simport.StatusRequest(), socket.recv_multipart()[-1])
        assert isinstance(reply, simport.StatusReply)
        failed = int(reply.executive["tc_failed"])
        return sum(reply.uplink_refused.values()) + failed + sum(reply.sim_refused.values())
    finally:
        socket.close()


def barrage(count: int) -> list[dict[str, object]]:
    """Fire `count` hostile inputs at each socket; one row per socket."""
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        ports = free_ports(8)
        endpoints = Endpoints.on_ports(ports[:6])
        ground_truth, hostile_truth = (f"tcp://127.0.0.1:{port}" for port in ports[6:])
        with hostile.truth_in_the_middle(endpoints.truth, ground_truth, hostile_truth):
            mission = launch(
                LEO, Path(tmp), "barrage", clock="stepped", light_time_s=1.25,
                endpoints=endpoints, ground_truth=ground_truth, log_level="WARNING",
            )  # fmt: skip
            try:
                client = mission.client
                client.call(Step(seconds=5.0))
                now_s = client.call(GetStatus()).status.time_s

                def ground_refused() -> int:
                    status = client.call(GetStatus(), timeout_s=WAIT_S).status
                    return status.ingest.refused + status.truth.refused + status.control.refused

                targets: list[tuple[str, Callable[[], int], Callable[[], int]]] = [
                    ("spacecraft uplink", lambda: _push(
                        endpoints.uplink,
                        lambda s: [p for p, _ in hostile.uplink_barrage(BATCH, now_s, seed=s)],
                        count), lambda: _spacecraft_refused(mission)),
                    ("spacecraft sim port", lambda: _ask(
                        endpoints.sim, lambda s: [p for p, _ in hostile.sim_barrage(BATCH, seed=s)],
                        count), lambda: _spacecraft_refused(mission)),
                    ("ground downlink", lambda: _push(
                        endpoints.downlink,
                        lambda s: [[f] for f, _ in hostile.downlink_barrage(BATCH, now_s, seed=s)],
                        count), ground_refused),
                    ("ground truth feed", lambda: _push(
                        hostile_truth, lambda s: [p for p, _ in hostile.truth_barrage(BATCH, seed=s)],
                        count), ground_refused),
                    ("ground control API", lambda: _ask(
                        endpoints.control,
                        lambda s: [p for p, _ in hostile.control_barrage(BATCH, seed=s)],
                        count), ground_refused),
                ]  # fmt: skip
                for name, fire, refused in targets:
                    before = (rss_kib(mission.flight.pid), rss_kib(mission.ground.pid))
                    start_count = refused()
                    start_s = wall_time_s()
                    sent_count = fire()
                    client.call(Step(seconds=5.0), timeout_s=WAIT_S)  # what lands after light time
                    _wait(  # stepping: frames wait on board for their arrival, or in flight
                        lambda r=refused, start=start_count, n=sent_count: (
                            client.call(Step(seconds=1.0), timeout_s=WAIT_S) is not None
                            and r() - start >= n
                        ),
                        name,
                    )
                    elapsed_s = wall_time_s() - start_s
                    sent = client.call(SendPing()).command
                    client.call(Step(seconds=5.0))
                    answered = client.call(GetCommand(id=sent.id)).command.status == "completed"
                    rows.append(
                        {
                            "socket": name,
                            "refused_per_s": (refused() - start_count) / elapsed_s,
                            "crashes": 0 if mission.alive() and answered else 1,
                            "rss_before_kib": before,
                            "rss_after_kib": (
                                rss_kib(mission.flight.pid),
                                rss_kib(mission.ground.pid),
                            ),
                        }
                    )
            finally:
                mission.stop()
    return rows
