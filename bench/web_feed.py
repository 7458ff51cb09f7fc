"""The live feed through `mission web`: how many events a second a WebSocket client gets.

A publisher in this process plays the ground's live feed (a PUB socket on loopback, the
station's housekeeping reports as `TelemetryArrived` events, 20.2 parameters each, encoded as
the ground encodes them). A real `mission web` process relays it; a WebSocket client takes it
as a browser would (JSON batches). Beside it, in the same run, a plain ZeroMQ subscriber takes
the same events: the baseline. Events are sent in bursts the subscriber's queue holds, and each
burst is waited for, so what is measured is delivery, not the publisher's speed.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from typing import Any

import msgspec
import zmq
from websockets.sync.client import connect

from flightsw.clock import wall_time_s
from flightsw.icd.messages import Housekeeping, decode_body
from flightsw.icd.packet import decode
from ground.api import TelemetryArrived
from ground.api.wire import encode_event

BURST = 2_000  # events per burst: well inside every queue on the way (ZeroMQ's and the relay's)
ANSWER_WITHIN_S = 30.0


def events(packets: list[bytes]) -> list[tuple[bytes, bytes]]:
    """The live feed's events for housekeeping packets, encoded as the ground publishes them."""
    encoded = []
    for raw in packets:
        packet = decode(raw)
        report = decode_body(packet)
        assert isinstance(report, Housekeeping)
        event = TelemetryArrived(
            time_s=packet.time_s, subsystem=report.subsystem, params=report.params
        )
        encoded.append(encode_event(event))
    return encoded


def through_web(encoded: list[tuple[bytes, bytes]]) -> float:
    """Events a second a WebSocket client of `mission web` receives (wall clock)."""
    context: zmq.Context[Any] = zmq.Context()
    publisher = context.socket(zmq.PUB)
    publisher.setsockopt(zmq.SNDHWM, 0)
    port = publisher.bind_to_random_port("tcp://127.0.0.1")
    with tempfile.TemporaryDirectory() as folder:
        web = subprocess.Popen(
            [
                sys.executable, "-m", "ground.cli.mission", "web", "--port", "0",
                "--data-dir", folder, "--control", "tcp://127.0.0.1:1",
                "--feed", f"tcp://127.0.0.1:{port}",
            ],
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            assert web.stdout is not None
            found = re.search(r"at http://([\d.:]+)/", web.stdout.readline())
            assert found, "mission web did not say where it serves"
            with connect(f"ws://{found.group(1)}/api/feed", max_size=None) as feed:
                # The relay's subscription is made before the web serves: a first burst that
                # arrives whole says the publisher's messages reach it.
                return _timed(encoded, lambda burst: publisher.send_multipart(burst), feed)
        finally:
            web.terminate()
            web.wait(ANSWER_WITHIN_S)
            publisher.close(0)
            context.term()


def _timed(encoded: list[tuple[bytes, bytes]], send: Any, feed: Any) -> float:
    received = 0
    start_s = wall_time_s()
    for first in range(0, len(encoded), BURST):
        burst = encoded[first : first + BURST]
        for message in burst:
            send(list(message))
        while received < first + len(burst):
            batch = msgspec.json.decode(feed.recv(ANSWER_WITHIN_S))
            if batch["missed"]:
                raise RuntimeError(f"the relay dropped {batch['missed']} events")
            received += len(batch["events"])
    return received / (wall_time_s() - start_s)


def through_zeromq(encoded: list[tuple[bytes, bytes]]) -> float:
    """Events a second a plain ZeroMQ subscriber receives and decodes (the baseline)."""
    context: zmq.Context[Any] = zmq.Context()
    publisher = context.socket(zmq.PUB)
    publisher.setsockopt(zmq.SNDHWM, 0)
    port = publisher.bind_to_random_port("tcp://127.0.0.1")
    subscriber = context.socket(zmq.SUB)
    subscriber.setsockopt(zmq.RCVHWM, 0)
    subscriber.setsockopt(zmq.SUBSCRIBE, b"")
    subscriber.connect(f"tcp://127.0.0.1:{port}")
    decoder = msgspec.msgpack.Decoder()
    try:
        while True:  # a PUB drops what it sends before a subscriber has joined
            publisher.send_multipart([b"tm", b"\x80"])
            if subscriber.poll(100):
                subscriber.recv_multipart()
                break
        while subscriber.poll(100):
            subscriber.recv_multipart()
        received = 0
        start_s = wall_time_s()
        for first in range(0, len(encoded), BURST):
            burst = encoded[first : first + BURST]
            for message in burst:
                publisher.send_multipart(list(message))
            for _ in burst:
                if not subscriber.poll(int(ANSWER_WITHIN_S * 1000)):
                    raise RuntimeError("the subscriber lost events")
                decoder.decode(subscriber.recv_multipart()[-1])
                received += 1
        return received / (wall_time_s() - start_s)
    finally:
        subscriber.close(0)
        publisher.close(0)
        context.term()


def web_feed_rates(packets: list[bytes]) -> dict[str, float]:
    """Events a second through `mission web` to a WebSocket client, and through ZeroMQ alone."""
    encoded = events(packets)
    return {"web": through_web(encoded), "zeromq": through_zeromq(encoded)}
