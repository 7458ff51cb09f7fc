"""Hostile input at every socket of both real processes: refusal rate, crashes, memory before and after.

`python bench/run.py --only barrage` fires a million mutated frames, envelopes, truth messages
and requests (tests/hostile.py, the barrage test's) at each of the spacecraft's uplink and sim
port and the ground's downlink, truth feed and control API, one socket after the other, and
prints for each how many were refused per second, whether both processes are still up (and
answer a ping), and the resident memory of each before and after (VmRSS, /proc/PID/status).
What the process counted under another reason than the one an input was made for (a flood the
full arrival queue refuses as `uplink_full`), and what it did not count at all, are printed by
reason, never folded into the rate.
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import zmq

from flightsw.clock import wall_time_s
from flightsw.config import read_keys
from flightsw.icd import Endpoints, simport
from ground.api import GetCommand, GetStatus, SendPing, Step
from ground.cli.launcher import Mission, free_ports, launch, provision_access

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


Sent = Counter[str]  # how many of each reason were sent
Counted = Callable[[], Counter[str]]  # what a process has counted so far, by reason
SETTLED_CHECKS = 5  # a shortfall the same after this many one-second steps is final


def _settle(counted_since: Callable[[], Counter[str]], sent: Sent) -> Counter[str]:
    """Step until the process has counted as many as were sent (under whichever reasons: a
    flood is refused as `uplink_full` once the arrival queue is full, whatever it was), or
    until its counts stay the same for SETTLED_CHECKS steps. What it counted since the start."""
    deadline_s = wall_time_s() + WAIT_S
    total = sum(sent.values())
    counted, same = counted_since(), 0
    while counted.total() < total and same < SETTLED_CHECKS and wall_time_s() < deadline_s:
        now = counted_since()
        same = same + 1 if now == counted else 0
        counted = now
    return counted


def _push(
    endpoint: str, batches: Callable[[int], list[tuple[list[bytes], str]]], count: int
) -> Sent:
    """Send `count` messages (batch by batch); how many of each reason were sent."""
    socket: zmq.Socket[Any] = zmq.Context.instance().socket(zmq.PUSH)
    socket.setsockopt(zmq.LINGER, int(WAIT_S * 1000))
    socket.connect(endpoint)
    sent: Sent = Counter()
    try:
        for start in range(0, count, BATCH):
            for parts, reason in batches(start):
                socket.send_multipart(parts)
                sent[reason] += 1
    finally:
        socket.close()
    return sent


def _ask(
    endpoint: str,
    batches: Callable[[int], list[tuple[bytes, str]]],
    count: int,
    secure: Callable[[zmq.Socket[Any]], None],
) -> Sent:
    """Send `count` requests and take their replies, as a client `secure` gives keys the
    server admits; how many of each reason were sent."""
    socket: zmq.Socket[Any] = zmq.Context.instance().socket(zmq.DEALER)
    socket.setsockopt(zmq.LINGER, 0)
    secure(socket)
    socket.connect(endpoint)
    sent: Sent = Counter()
    try:
        for start in range(0, count, BATCH):
            items = batches(start)
            for payload, reason in items:
                socket.send_multipart([b"", payload])
                sent[reason] += 1
            for _ in items:
                if not socket.poll(int(WAIT_S * 1000)):
                    raise RuntimeError("a request got no reply")
                socket.recv_multipart()
    finally:
        socket.close()
    return sent


def _spacecraft_counted(mission: Mission) -> Counter[str]:
    """What the spacecraft has counted, by reason: refused frames and requests, failed TCs."""
    socket: zmq.Socket[Any] = zmq.Context.instance().socket(zmq.DEALER)
    socket.setsockopt(zmq.LINGER, 0)
    mission.secure_to_spacecraft(socket)
    socket.connect(mission.endpoints.sim)
    try:
        socket.send_multipart([b"", simport.encode(simport.StatusRequest())])
        if not socket.poll(int(WAIT_S * 1000)):
            raise RuntimeError("the spacecraft did not answer status")
        reply = simport.decode_reply(simport.StatusRequest(), socket.recv_multipart()[-1])
        assert isinstance(reply, simport.StatusReply)
        counted = Counter(reply.uplink_refused) + Counter(reply.sim_refused)
        counted["tc_failed"] = int(reply.executive["tc_failed"])
        return counted
    finally:
        socket.close()


def barrage(count: int) -> list[dict[str, object]]:
    """Fire `count` hostile inputs at each socket; one row per socket."""
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        ports = free_ports(8)
        endpoints = Endpoints.on_ports(ports[:6])
        ground_truth, hostile_truth = (f"tcp://127.0.0.1:{port}" for port in ports[6:])
        access = provision_access(Path(tmp))  # the proxy holds a test conductor's keys
        with hostile.truth_in_the_middle(endpoints.truth, ground_truth, hostile_truth, access):
            mission = launch(
                LEO, Path(tmp), "barrage", clock="stepped", light_time_s=1.25,
                endpoints=endpoints, ground_truth=ground_truth, log_level="WARNING",
            )  # fmt: skip
            try:
                client = mission.client
                keys = None if mission.keys is None else read_keys(mission.keys).keys
                client.call(Step(seconds=5.0))
                now_s = client.call(GetStatus()).status.time_s

                def ground_counted() -> Counter[str]:
                    status = client.call(GetStatus(), timeout_s=WAIT_S).status
                    return (
                        Counter(status.ingest.refused_by_reason)
                        + Counter(status.truth.refused_by_reason)
                        + Counter(status.control.refused_by_reason)
                    )

                targets: list[tuple[str, Callable[[], Sent], Counted]] = [
                    ("spacecraft uplink", lambda: _push(
                        endpoints.uplink,
                        lambda s: list(hostile.uplink_barrage(BATCH, now_s, seed=s, keys=keys)),
                        count), lambda: _spacecraft_counted(mission)),
                    ("spacecraft sim port", lambda: _ask(
                        endpoints.sim, lambda s: list(hostile.sim_barrage(BATCH, seed=s)),
                        count, mission.secure_to_spacecraft), lambda: _spacecraft_counted(mission)),
                    ("ground downlink", lambda: _push(
                        endpoints.downlink,
                        lambda s: [([f], r) for f, r in hostile.downlink_barrage(BATCH, now_s, seed=s)],
                        count), ground_counted),
                    ("ground truth feed", lambda: _push(
                        hostile_truth, lambda s: list(hostile.truth_barrage(BATCH, seed=s)),
                        count), ground_counted),
                    ("ground control API", lambda: _ask(
                        endpoints.control, lambda s: list(hostile.control_barrage(BATCH, seed=s)),
                        count, mission.secure_to_ground), ground_counted),
                ]  # fmt: skip
                for name, fire, counted in targets:
                    before = (rss_kib(mission.flight.pid), rss_kib(mission.ground.pid))
                    start_counts = counted()
                    start_s = wall_time_s()
                    sent = fire()

                    def counted_since(
                        c: Counted = counted, at: Counter[str] = start_counts
                    ) -> Counter[str]:
                        # Stepping: frames wait on board for their arrival, or in flight.
                        client.call(Step(seconds=1.0), timeout_s=WAIT_S)
                        return c() - at

                    client.call(Step(seconds=5.0), timeout_s=WAIT_S)  # what lands after light time
                    refused = _settle(counted_since, sent)
                    elapsed_s = wall_time_s() - start_s
                    ping = client.call(SendPing()).command
                    client.call(Step(seconds=5.0))
                    answered = client.call(GetCommand(id=ping.id)).command.status == "completed"
                    rows.append(
                        {
                            "socket": name,
                            "sent": sent.total(),
                            "refused_per_s": min(refused.total(), sent.total()) / elapsed_s,
                            "uncounted": dict(sent - refused),  # by the reason it was sent for
                            "counted_otherwise": dict(refused - sent),
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
