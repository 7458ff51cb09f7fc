"""The downlink: encode TM packets with per-APID sequence counts, record them, and send each
batch as one message of CCSDS transfer frames (`flightsw.icd.transfer_frame`)."""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from typing import Any

import pykka
import zmq

from flightsw.executive.messages import (
    DownlinkSent,
    LinkCounters,
    RecorderDelete,
    RecorderStatus,
    RecorderWindow,
    SendBatch,
)
from flightsw.executive.recorder import Recorder
from flightsw.icd.margins import DOWNLINK_QUEUE_MESSAGES
from flightsw.icd.messages import encode_body
from flightsw.icd.packet import SEQUENCE_MODULO, encode_tm
from flightsw.icd.transfer_frame import Framer

log = logging.getLogger(__name__)

WAIT_SLICE_MS = 100  # a stepped send waits for the ground in slices, to notice a stop request


class DownlinkActor(pykka.ThreadingActor):
    """Own the TM socket; packets leave in the order the executive hands them over, a batch
    (a tick's) in one message of transfer frames.

    The socket is made in `on_start` (the actor's thread) because a ZeroMQ socket belongs to
    the thread that uses it. In stepped mode a send waits for the ground (back-pressure, so
    mission time lags instead of messages being lost); in realtime it never blocks the
    spacecraft, and a message the ground cannot take is counted as dropped — the recorder still
    holds its packets.
    Once `stopping` is set (the process was asked to stop) no send waits: a stepped spacecraft
    whose ground is gone would otherwise spend `send_timeout_ms` on every message before it
    could stop.
    """

    def __init__(
        self,
        context: zmq.Context[Any],
        endpoint: str,
        blocking: bool,
        recorder: Recorder | None = None,
        send_timeout_ms: int = 10_000,
        stopping: threading.Event | None = None,
    ) -> None:
        super().__init__()
        self.stopping = stopping or threading.Event()
        self.context = context
        self.endpoint = endpoint
        self.blocking = blocking
        self.recorder = recorder
        self.send_timeout_ms = send_timeout_ms
        self.sequence: dict[int, int] = defaultdict(int)
        self.generated: dict[int, int] = defaultdict(int)  # per APID, unwrapped: never modulo
        self.message_counter: dict[tuple[int, int, int], int] = defaultdict(int)
        self.framer = Framer()
        self.frames_sent = 0  # downlink messages, as the truth feed's `downlink_sent` counts them
        self.packets_sent = 0  # in those messages
        self.frames_dropped = 0
        self.socket: zmq.Socket[Any] | None = None

    def on_start(self) -> None:
        self.socket = self.context.socket(zmq.PUSH)
        self.socket.setsockopt(zmq.LINGER, 2000)
        self.socket.setsockopt(zmq.SNDHWM, DOWNLINK_QUEUE_MESSAGES)
        self.socket.connect(self.endpoint)
        log.info("downlink connects to %s", self.endpoint)

    def on_stop(self) -> None:
        if self.socket is not None:
            self.socket.close()

    def on_receive(self, message: Any) -> Any:
        match message:
            case SendBatch(packets):
                encoded = []
                for packet in packets:
                    frame = self.encode(packet.apid, packet.time_s, packet.message)
                    if self.recorder is not None and packet.record:
                        self.recorder.store(packet.time_s, frame)
                    encoded.append(frame)
                if encoded:
                    for message, count in self.framer.messages(encoded, packets[-1].time_s):
                        if self._send(message):
                            self.packets_sent += count
                return DownlinkSent(self.frames_sent, self.packets_sent)
            case LinkCounters():
                return {
                    "frames_sent": self.frames_sent,
                    "packets_sent": self.packets_sent,
                    "frames_dropped": self.frames_dropped,
                    "generated": dict(self.generated),
                }
            case RecorderWindow(start_s, end_s):
                return tuple(self.recorder.window(start_s, end_s)) if self.recorder else ()
            case RecorderDelete(before_s):
                return self.recorder.delete_before(before_s) if self.recorder else 0
            case RecorderStatus():
                return (
                    self.recorder.status()
                    if self.recorder
                    else {"stored": 0, "capacity": 0, "overwritten": 0}
                )
        raise TypeError(f"downlink got an unknown message {message!r}")

    def encode(self, apid: int, time_s: float, message: Any) -> bytes:
        seq = self.sequence[apid]
        self.sequence[apid] = (seq + 1) % SEQUENCE_MODULO
        self.generated[apid] += 1
        key = (apid, message.service, message.subtype)
        counter = self.message_counter[key]
        self.message_counter[key] = (counter + 1) & 0xFFFF
        return encode_tm(
            apid, seq, message.service, message.subtype, time_s, encode_body(message), counter
        )

    def _send(self, frame: bytes) -> bool:
        """Send one message; False if it was dropped (the ground not taking it)."""
        assert self.socket is not None  # made in on_start, before any message
        copy = len(frame) > 512
        try:
            self.socket.send(frame, zmq.NOBLOCK, copy=copy)
        except zmq.Again:
            if not (self.blocking and self._wait_for_ground()):
                self._drop()
                return False
            try:
                self.socket.send(frame, zmq.NOBLOCK, copy=copy)
            except zmq.Again:
                self._drop()
                return False
        self.frames_sent += 1
        return True

    def _wait_for_ground(self) -> bool:
        """Wait up to `send_timeout_ms` until the ground takes frames; False if it did not, or
        if the process is stopping."""
        assert self.socket is not None
        waited_ms = 0
        while waited_ms < self.send_timeout_ms and not self.stopping.is_set():
            if self.socket.poll(WAIT_SLICE_MS, zmq.POLLOUT):
                return True
            waited_ms += WAIT_SLICE_MS
        return False

    def _drop(self) -> None:
        self.frames_dropped += 1
        if self.frames_dropped in (1, 10, 100) or self.frames_dropped % 1000 == 0:
            log.warning(
                "downlink: the ground at %s is not taking messages; %d dropped so far "
                "(their packets kept onboard by the recorder). Start the ground or check its "
                "endpoint.",
                self.endpoint,
                self.frames_dropped,
            )
