"""The ground under overload: downlink messages offered at ten times what it can ingest.

A sender thread offers the station's housekeeping, 20 packets a message in transfer frames, at
`factor` times the ground's measured capacity, as a realtime spacecraft does: without blocking,
its socket queueing at most `DOWNLINK_QUEUE_MESSAGES`, a message the queue cannot take dropped
and counted (the recorder would keep it). The ground's own service takes messages off its socket
as fast as it can. What matters is that it keeps its pace (delivered packets a second against
its capacity) and that its memory stays within the queues' bounds however long it lasts.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import zmq

from bench.barrage import rss_kib
from bench.ingest import PACKETS_PER_MESSAGE, Frames, _ground
from flightsw.clock import wall_time_s
from flightsw.icd import DOWNLINK_QUEUE_MESSAGES, peek_frame_time_s
from ground.archive.store import Archive
from ground.rules.loader import load_rules


@dataclass(frozen=True, slots=True)
class Overload:
    offered_pps: float  # packets a second offered
    delivered_pps: float  # packets a second the ground took in while they were offered
    dropped_messages: int  # by the sender, its queue full
    sent_messages: int
    rss_before_mib: float
    rss_after_mib: float


def rss_mib() -> float:
    return rss_kib(os.getpid()) / 1024


def overload(frames: Frames, rules_path: Path, capacity_pps: float, factor: float,
             seconds: float) -> Overload:  # fmt: skip
    """Offer `frames`' messages at `factor` x `capacity_pps` for `seconds` (or until they run
    out: give at least as many)."""
    context: zmq.Context[Any] = zmq.Context.instance()
    inlet: zmq.Socket[Any] = context.socket(zmq.PULL)
    inlet.setsockopt(zmq.RCVHWM, DOWNLINK_QUEUE_MESSAGES)
    port = inlet.bind_to_random_port("tcp://127.0.0.1")
    offered_mps = factor * capacity_pps / PACKETS_PER_MESSAGE
    done = threading.Event()
    counts = {"sent": 0, "dropped": 0}

    def offer() -> None:
        outlet: zmq.Socket[Any] = context.socket(zmq.PUSH)
        outlet.setsockopt(zmq.SNDHWM, DOWNLINK_QUEUE_MESSAGES)
        outlet.connect(f"tcp://127.0.0.1:{port}")
        start_s = wall_time_s()
        index = 0
        while (now_s := wall_time_s()) - start_s < seconds and index < len(frames.messages):
            due_s = start_s + index / offered_mps
            if due_s > now_s:
                time.sleep(due_s - now_s)  # pacing the sender, as a spacecraft's ticks would
            try:
                outlet.send(frames.messages[index], zmq.NOBLOCK)
                counts["sent"] += 1
            except zmq.Again:
                counts["dropped"] += 1
            index += 1
        done.set()
        outlet.close(linger=0)

    with tempfile.TemporaryDirectory() as folder:
        archive = Archive.create(Path(folder), "overload")
        service = _ground(frames, archive, load_rules(rules_path))
        before_mib = rss_mib()
        sender = threading.Thread(target=offer)
        taken = 0
        sender.start()
        start_s = wall_time_s()
        while not done.is_set():
            if inlet.poll(100):
                message = inlet.recv()
                service.on_downlink_message(message)
                taken += 1
                if taken % 5 == 0:  # the truth feed's pace: about once per mission second
                    service.advance(peek_frame_time_s(message) or service.now_s)
        elapsed_s = wall_time_s() - start_s
        delivered = service.checks.frames  # packets taken out of their frames and checked
        after_mib = rss_mib()
        sender.join()
        archive.close(discard_pending=True)
    inlet.close(linger=0)
    return Overload(
        factor * capacity_pps, delivered / elapsed_s, counts["dropped"],
        counts["sent"], before_mib, after_mib,
    )  # fmt: skip
