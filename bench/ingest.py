"""Ground ingest throughput: CRC, decode, archive, rules and alarms, beside the raw pipe.

Both measurements push the same downlink messages (real housekeeping of the crewed station,
`PACKETS_PER_MESSAGE` packets in transfer frames per message, as a tick of the station sends
them) through ZeroMQ PUSH/PULL over loopback TCP from a sender thread. The raw pipe only
receives, takes the packets out of the frames and unpacks each msgpack body; the ingest path is
the ground's own `GroundService` with a real SQLite archive and the mission's rule set.
Frames lost = packets sent − packets archived (must be 0).
"""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgpack
import zmq

from flightsw.clock import wall_time_s
from flightsw.config.mission import load_mission
from flightsw.executive.spacecraft import mission_dictionary
from flightsw.icd.dictionary import MissionDictionary
from flightsw.icd.messages import Housekeeping, decode_body, encode_body
from flightsw.icd.packet import (
    CRC_LENGTH,
    PRIMARY_HEADER_LENGTH,
    TM_SECONDARY_HEADER_LENGTH,
    decode,
    encode_tm,
)
from flightsw.icd.transfer_frame import Deframer, Framer, decode_frame, split_message
from flightsw.subsystems.registry import build_models
from ground.api import AlarmChanged, FeedEvent
from ground.archive.store import Archive
from ground.dictionary import Dictionary
from ground.link.channel import Channel, LightTime
from ground.process.service import BATCH_REPORTS, GroundService
from ground.process.sockets import publish_on
from ground.rules.alarms import AlarmManager
from ground.rules.engine import Rule, RuleEngine
from ground.rules.kinds import LimitBands, LimitRule
from ground.rules.loader import load_rules
from ground.vocabulary import AlarmSeverity, AlarmTransitionKind

BODY_START = PRIMARY_HEADER_LENGTH + TM_SECONDARY_HEADER_LENGTH


PACKETS_PER_MESSAGE = 20  # about what one tick of the station sends down


@dataclass(frozen=True)
class Frames:
    frames: list[bytes]  # the packets
    parameters: int
    dictionary: MissionDictionary
    messages: list[bytes]  # the packets in transfer frames, `PACKETS_PER_MESSAGE` a message


def housekeeping_frames(config_path: Path, count: int) -> Frames:
    """`count` TM[3,25] frames cycling over the mission's subsystems, 10 ms of mission time apart."""
    config = load_mission(config_path)
    models = build_models(config)
    reports = [
        (config.apids[m.name], Housekeeping(m.name, m.housekeeping(m.initial_state())))
        for m in models
    ]
    sequence = dict.fromkeys(config.apids.values(), 0)
    frames = []
    parameters = 0
    for i in range(count):
        apid, report = reports[i % len(reports)]
        frames.append(encode_tm(apid, sequence[apid], 3, 25, i * 0.01, encode_body(report)))
        sequence[apid] = (sequence[apid] + 1) % 16384
        parameters += len(report.params)
    framer = Framer()
    messages = [
        framer.message(frames[i : i + PACKETS_PER_MESSAGE], (i + PACKETS_PER_MESSAGE - 1) * 0.01)
        for i in range(0, len(frames), PACKETS_PER_MESSAGE)
    ]
    return Frames(frames, parameters, mission_dictionary(config, models), messages)


def _send(endpoint: str, frames: list[bytes], ready: threading.Event) -> None:
    context: zmq.Context[Any] = zmq.Context.instance()
    socket: zmq.Socket[Any] = context.socket(zmq.PUSH)
    socket.setsockopt(zmq.SNDHWM, 0)
    socket.connect(endpoint)
    ready.wait()
    for frame in frames:
        socket.send(frame)
    socket.close(linger=-1)


def _pipe(frames: list[bytes], receive: Any) -> float:
    """Push `frames` through loopback TCP; `receive(frame)` each; return wall seconds."""
    context: zmq.Context[Any] = zmq.Context.instance()
    socket: zmq.Socket[Any] = context.socket(zmq.PULL)
    socket.setsockopt(zmq.RCVHWM, 0)
    port = socket.bind_to_random_port("tcp://127.0.0.1")
    ready = threading.Event()
    sender = threading.Thread(target=_send, args=(f"tcp://127.0.0.1:{port}", frames, ready))
    sender.start()
    start_s = wall_time_s()
    ready.set()
    for _ in range(len(frames)):
        receive(socket.recv())
    elapsed_s = wall_time_s() - start_s
    sender.join()
    socket.close()
    return elapsed_s


def decode_us(frames: Frames) -> float:
    """Microseconds to decode one body into its typed, checked message (the ICD's codec alone)."""
    packets = [decode(frame) for frame in frames.frames]
    start_s = wall_time_s()
    for packet in packets:
        decode_body(packet)
    return (wall_time_s() - start_s) / len(packets) * 1e6


def raw_rate(frames: Frames) -> float:
    """Packets per second through ZeroMQ, out of their transfer frames, and msgpack unpacking of
    each body, nothing else."""
    deframer = Deframer()

    def receive(message: bytes) -> None:
        for frame in split_message(message):
            for packet in deframer.take(decode_frame(frame)).packets:
                msgpack.unpackb(packet[BODY_START:-CRC_LENGTH], raw=False)

    return len(frames.frames) / _pipe(frames.messages, receive)


def ingest_rate(
    frames: Frames, rules_path: Path, batch_reports: int = BATCH_REPORTS
) -> tuple[float, int]:
    """Frames per second through the ground's ingest, and the number of frames lost; with
    `batch_reports` of 1 the rules judge each report as it lands."""
    with tempfile.TemporaryDirectory() as folder:
        archive = Archive.create(Path(folder), "bench")
        service = _ground(frames, archive, load_rules(rules_path), batch_reports=batch_reports)
        received = 0

        def receive(message: bytes) -> None:
            nonlocal received
            service.on_downlink_message(message)
            received += PACKETS_PER_MESSAGE
            if received % 100 == 0:  # the truth feed's pace: once per mission second
                service.advance(received * 0.01)

        elapsed_s = _pipe(frames.messages, receive)
        service.advance(len(frames.frames) * 0.01)
        archive.flush()
        frames_archived = sum(1 for _ in archive.frames())
        archive.close()
    lost = len(frames.frames) - frames_archived
    return len(frames.frames) / elapsed_s, lost


def sustained_load(frames: Frames, rules_path: Path, frames_per_s: float) -> tuple[float, int]:
    """The share of one core the ground's ingest takes at a sustained, paced load: the ingest
    thread's CPU seconds over the wall seconds the frames took to come, and frames lost.

    A sender thread paces the frames on absolute deadlines (as a fleet of spacecraft reporting
    at fixed rates would); the ground's path is the one `ingest_rate` drives flat out.
    """
    with tempfile.TemporaryDirectory() as folder:
        archive = Archive.create(Path(folder), "sustained")
        service = _ground(frames, archive, load_rules(rules_path))
        context: zmq.Context[Any] = zmq.Context.instance()
        socket: zmq.Socket[Any] = context.socket(zmq.PULL)
        socket.setsockopt(zmq.RCVHWM, 0)
        port = socket.bind_to_random_port("tcp://127.0.0.1")
        messages_per_s = frames_per_s / PACKETS_PER_MESSAGE
        sender = threading.Thread(
            target=_send_paced, args=(f"tcp://127.0.0.1:{port}", frames.messages, messages_per_s)
        )
        sender.start()
        start_wall_s, start_cpu_s = wall_time_s(), time.thread_time()
        for received in range(1, len(frames.messages) + 1):
            service.on_downlink_message(socket.recv())
            if received % 5 == 0:  # once per mission second
                service.advance(received * PACKETS_PER_MESSAGE * 0.01)
        service.advance(len(frames.frames) * 0.01)
        archive.flush()
        cpu_s, wall_s = time.thread_time() - start_cpu_s, wall_time_s() - start_wall_s
        sender.join()
        socket.close()
        lost = len(frames.frames) - sum(1 for _ in archive.frames())
        archive.close()
    return cpu_s / wall_s, lost


def _send_paced(endpoint: str, frames: list[bytes], frames_per_s: float) -> None:
    socket: zmq.Socket[Any] = zmq.Context.instance().socket(zmq.PUSH)
    socket.setsockopt(zmq.SNDHWM, 0)
    socket.connect(endpoint)
    start_s = wall_time_s()
    for index, frame in enumerate(frames):
        due_s = start_s + index / frames_per_s
        wait_s = due_s - wall_time_s()
        if wait_s > 0:
            time.sleep(wait_s)  # pacing the sender, as the fleet's clocks would
        socket.send(frame)
    socket.close(linger=-1)


_feed: zmq.Socket[Any] | None = None


def on_the_feed(event: FeedEvent) -> None:
    """Publish `event` on a live feed as the ground process does (encoded, on a PUB socket on
    loopback; nobody subscribed), so that the benchmarks pay what a ground pays for its feed."""
    global _feed
    if _feed is None:
        _feed = zmq.Context.instance().socket(zmq.PUB)
        _feed.bind_to_random_port("tcp://127.0.0.1")
    publish_on(_feed, event)


def _ground(
    frames: Frames,
    archive: Archive,
    rules: list[Rule],
    publish: Callable[[FeedEvent], None] = on_the_feed,
    batch_reports: int = BATCH_REPORTS,
) -> GroundService:
    """The ground's own service on `archive`, with `rules`, its live feed, no light time and no
    uplink."""
    return GroundService(
        Dictionary.from_flight(frames.dictionary),
        archive,
        RuleEngine(rules),
        AlarmManager(),
        Channel(LightTime("fixed", 0.0)),
        publish=publish,
        uplink=lambda arrival_s, frame: None,
        batch_reports=batch_reports,
    )


def alarm_latencies_us(
    config_path: Path, rules_path: Path, count: int, reports_after: int = 0
) -> list[float]:
    """Wall microseconds from a downlink message's frames landing at the ground (its light time
    over) to its alarm being published.

    The ground runs the mission's full rule set plus one limit rule without persistence that
    the benchmark trips in every other message, so each measured message goes through the whole
    path: channel, CRC and header checks, decoding, archive, every rule, the alarm manager. The
    tripping power report comes first in its message, followed by `reports_after` reports of
    the other subsystems: with a full batch after it, its alarm waits for the whole batch.
    """
    config = load_mission(config_path)
    models = build_models(config)
    frames = housekeeping_frames(config_path, 1)
    power = next(m for m in models if m.name == "power")
    nominal = dict(power.housekeeping(power.initial_state()))
    others = [
        (config.apids[m.name], encode_body(Housekeeping(m.name, m.housekeeping(m.initial_state()))))
        for m in models
        if m.name != "power"
    ]
    sequence = dict.fromkeys(config.apids.values(), 0)
    trip = LimitRule(
        "bench_trip", AlarmSeverity.WARNING, "power.battery_soc", LimitBands(red_low=0.5)
    )
    latencies: list[float] = []
    published_at: list[float] = []

    def publish(event: FeedEvent) -> None:
        on_the_feed(event)
        if isinstance(event, AlarmChanged) and event.entry.kind == AlarmTransitionKind.TRIGGERED:
            published_at.append(wall_time_s())

    def packet(apid: int, body: bytes, time_s: float) -> bytes:
        seq = sequence[apid]
        sequence[apid] = (seq + 1) % 16384
        return encode_tm(apid, seq, 3, 25, time_s, body)

    framer = Framer()
    with tempfile.TemporaryDirectory() as folder:
        archive = Archive.create(Path(folder), "latency")
        service = _ground(frames, archive, [*load_rules(rules_path), trip], publish)
        for i in range(2 * count):
            soc = 0.1 if i % 2 else 0.9
            body = encode_body(Housekeeping("power", {**nominal, "battery_soc": soc}))
            packets = [packet(config.apids["power"], body, float(i))] + [
                packet(*others[k % len(others)], float(i)) for k in range(reports_after)
            ]
            service.advance(i - 0.5)
            service.on_downlink_message(framer.message(packets, float(i)))  # due at i s
            start_s = wall_time_s()
            service.advance(float(i))  # its frames land together
            if soc < 0.5 and published_at:
                latencies.append((published_at.pop() - start_s) * 1e6)
                service.acknowledge("bench_trip", "bench")  # so the next violation triggers anew
            published_at.clear()
        archive.close()
    return latencies
