"""Hostile input for the barrage test and benchmark: mutated frames, envelopes and requests.

Each generator yields what to send and the reason the receiver must count it under, found by
an oracle that reads the input as the ICD says (the packet decoder, the envelope's rules, the
typed request decoders), so a test can compare every counter with exactly what was sent.
Inputs are drawn from a seeded generator: the same count gives the same barrage.
"""

from __future__ import annotations

import math
import random
import struct
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import msgpack
import zmq

from flightsw.config import SPACECRAFT, AccessFolder, Role, read_certificate, read_operators
from flightsw.errors import FrameError, MessageError
from flightsw.icd import (
    ARRIVAL,
    MAX_AHEAD_S,
    Framer,
    Housekeeping,
    connect_securely,
    decode,
    decode_frame,
    decode_truth,
    encode_body,
    encode_tc,
    encode_tm,
    sdls,
    serve_securely,
    simport,
    split_message,
)
from flightsw.icd.reasons import TRANSFER_FRAME
from ground.api import decode_request
from ground.errors import ControlError

EXECUTIVE_APID, POWER_APID = 1, 17  # the small LEO satellite's (configs/leo_smallsat.toml)


def _flip(frame: bytes, rng: random.Random) -> bytes:
    mutated = bytearray(frame)
    mutated[rng.randrange(len(mutated))] ^= 1 << rng.randrange(8)
    return bytes(mutated)


def _frame_mutations(good: bytes, rng: random.Random) -> bytes:
    """One damaged copy of `good`: a bit flipped, cut short, grown, or its CRC wrong."""
    kind = rng.randrange(5)
    if kind == 0:
        return _flip(good, rng)
    if kind == 1:
        return good[: rng.randrange(len(good))]
    if kind == 2:
        return good + bytes(rng.randrange(1, 8))
    if kind == 3:
        return good[:-1] + bytes([good[-1] ^ 0x5A])
    return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 40)))  # noise


def frame_reason(frame: bytes) -> str | None:
    """The ICD decoder's reason for refusing `frame` (None if its header and CRC are good)."""
    try:
        decode(frame)
    except FrameError as error:
        return error.reason
    return None


def secured_reason(frame: bytes, keys: dict[int, bytes]) -> str:
    """The reason a spacecraft that authenticates refuses `frame`, sent by one without a
    sequence number to spare: its CRC, SPI or MAC; or, if they pass, a replay (number 0)."""
    try:
        sdls.open_secured(frame, keys)
    except FrameError as error:
        return error.reason
    return "replayed"


# -- the spacecraft's uplink ---------------------------------------------------------------------


def uplink_barrage(
    count: int, now_s: float, seed: int = 1, keys: dict[int, bytes] | None = None
) -> Iterator[tuple[list[bytes], str]]:
    """`count` uplink messages, each with the reason the spacecraft counts it under:
    a frame reason, an envelope reason, or `tc_failed` (a good frame whose telecommand fails
    acceptance: a TM[1,2], not a refused frame).

    With `keys` (a spacecraft that authenticates telecommands), the barrage is an attacker's
    without them: damaged copies of a telecommand signed with number 0 (as if recorded), that
    telecommand replayed whole, one under an SPI the spacecraft has no key for, and the
    well-formed telecommands with bad bodies signed with another key (`bad_mac`); the reasons
    are the authentication's (`secured_reason`)."""
    rng = random.Random(seed)
    wrong_key = bytes(32)
    ping = encode_tc(EXECUTIVE_APID, 0, 17, 1)
    bad_bodies = [
        encode_tc(POWER_APID, 1, 8, 1, msgpack.packb({"command": 17})),
        encode_tc(POWER_APID, 2, 8, 1, msgpack.packb({"command": "load_off", "args": [1]})),
        encode_tc(POWER_APID, 3, 3, 31, msgpack.packb({"period_s": math.nan})),
        encode_tc(POWER_APID, 4, 3, 31, msgpack.packb({"period_s": "soon"})),
        encode_tc(POWER_APID, 5, 20, 1, msgpack.packb({"names": {"a": 1}})),
        encode_tc(POWER_APID, 6, 8, 1, b"\xc1"),
    ]
    if keys is not None:
        spi = min(keys)
        ping = sdls.secure(ping, spi, 0, keys[spi])
    for index in range(count):
        kind = index % 8
        if kind in (0, 1, 2):  # damaged frames, alone or enveloped
            frame = _frame_mutations(ping, rng)
            reason = frame_reason(frame) if keys is None else secured_reason(frame, keys)
            if reason is None:
                continue
            parts = [frame] if kind == 0 else [ARRIVAL.pack(now_s), frame]
            yield parts, reason
        elif kind == 3 and keys is None:  # a TM frame on the uplink
            yield [encode_tm(POWER_APID, 0, 17, 2, now_s)], "not_a_telecommand"
        elif kind == 3:  # a recorded telecommand replayed, or one under an SPI with no key
            if rng.random() < 0.5:
                yield [ARRIVAL.pack(now_s), ping], "replayed"
            else:
                unknown = sdls.secure(
                    encode_tc(EXECUTIVE_APID, 0, 17, 1), max(keys) + 1, 1, wrong_key
                )
                yield [ARRIVAL.pack(now_s), unknown], "unknown_spi"
        elif kind == 4 and keys is None:  # a good frame, a body of the wrong types
            yield [ARRIVAL.pack(now_s), rng.choice(bad_bodies)], "tc_failed"
        elif kind == 4:  # the same, signed with a key the spacecraft does not have
            frame = sdls.secure(rng.choice(bad_bodies), min(keys), 1, wrong_key)
            yield [ARRIVAL.pack(now_s), frame], "bad_mac"
        elif kind == 5:  # envelopes of the wrong shape
            shape = rng.choice(
                [[b"x" * 7, ping], [ARRIVAL.pack(now_s), ping, b""], [b"", b"", b""]]
            )
            yield shape, "bad_envelope"
        elif kind == 6:  # arrival times that are not mission times
            arrival = rng.choice([math.nan, math.inf, -math.inf, -1.0, -1e300])
            yield [struct.pack(">d", arrival), ping], "bad_arrival"
        else:  # an arrival too far ahead
            yield (
                [ARRIVAL.pack(now_s + MAX_AHEAD_S + 1 + rng.random() * 1e9), ping],
                ("arrival_too_far"),
            )


# -- the ground's downlink -----------------------------------------------------------------------


def message_reason(message: bytes) -> str | None:
    """The ICD's reason for refusing a downlink message whole (None if its frames are good)."""
    try:
        for frame in split_message(message):
            decode_frame(frame)
    except FrameError as error:
        return error.reason
    return None


def downlink_barrage(count: int, time_s: float, seed: int = 2) -> Iterator[tuple[bytes, str]]:
    """`count` downlink messages sent at `time_s`, each with the reason the ground counts: damaged
    messages (refused whole, on arrival), and forged packets in good transfer frames (refused
    when they land, after light time)."""
    rng = random.Random(seed)
    framer = Framer()
    report = encode_body(Housekeeping("power", {"battery_soc": 0.5}))
    good = framer.message([encode_tm(POWER_APID, 0, 3, 25, time_s, report)], time_s)
    forged = [
        (encode_tm(POWER_APID, 0, 3, 25, time_s, msgpack.packb({"subsystem": "power", "params": [1]})), "bad_body"),
        (encode_tm(POWER_APID, 0, 3, 25, time_s, encode_body(Housekeeping("thermal", {}))), "wrong_application"),
        (encode_tm(POWER_APID, 0, 3, 25, time_s, encode_body(Housekeeping("power", {"x_forged": 1}))), "unknown_parameter"),
        (encode_tm(POWER_APID, 0, 99, 1, time_s), "unknown_service"),
        (encode_tm(0x123, 0, 3, 25, time_s, report), "unknown_apid"),
        (encode_tc(POWER_APID, 0, 17, 1), "not_telemetry"),
        (_flip_body(encode_tm(POWER_APID, 0, 3, 25, time_s, report)), "bad_crc"),
    ]  # fmt: skip
    for index in range(count):
        if index % 3 == 1:
            message = _frame_mutations(good, rng)
            reason = message_reason(message)
            if reason is not None:
                yield message, reason
        elif index % 3 == 2:
            packet, reason = rng.choice(forged)
            yield framer.message([packet], time_s), reason
        else:  # a frame claiming to be sent long after now
            yield (
                framer.message([encode_tm(POWER_APID, 0, 3, 25, 4.0e9, report)], 4.0e9),
                "time_ahead",
            )


def _flip_body(packet: bytes) -> bytes:
    """`packet` with a bit of its application data flipped: its length holds, its CRC fails."""
    damaged = bytearray(packet)
    damaged[len(packet) - 4] ^= 0x01
    return bytes(damaged)


def is_delivered_later(reason: str) -> bool:
    """A reason the ground finds only when a frame lands (after light time), not on arrival:
    a packet's, where the transfer frame that carried it was good."""
    return reason not in (*TRANSFER_FRAME, "time_ahead")


# -- the truth feed, the sim port, the control API -----------------------------------------------

_NUMBERS = [math.nan, math.inf, -math.inf, -1.0, 1e300, -1e300]
_WHOLE = {"uplink_sent", "generation", "downlink_sent", "id", "min_severity"}


def _bad_maps(rng: random.Random, fields: dict[str, list[str]]) -> dict[str, Any] | bytes:
    """A request (or truth) map with one numeric field made NaN, ±inf or out of range, a field
    of the wrong type, a field missing, or no map at all."""
    kind = rng.randrange(6)
    if kind == 0:
        return b"\xc1" + bytes(rng.randrange(256) for _ in range(rng.randrange(8)))
    if kind == 1:
        return msgpack.packb([1, 2, 3])
    op = rng.choice(sorted(fields))
    body: dict[str, Any] = {"op": op} if op != "" else {}
    for name in fields[op]:
        body[name] = 1 if name in _WHOLE else 1.0
    if kind == 2 and fields[op]:
        body[rng.choice(fields[op])] = rng.choice(_NUMBERS)
    elif kind == 3 and fields[op]:
        body[rng.choice(fields[op])] = rng.choice(["soon", [1], {"a": 1}, None])
    elif kind == 4 and fields[op]:
        del body[rng.choice(fields[op])]
    else:
        body["op"] = rng.choice(["fly", 17, None, "x" * 100])
    return body


def _packed(body: dict[str, Any] | bytes) -> bytes:
    return body if isinstance(body, bytes) else msgpack.packb(body)


SIM_NUMERIC = {"step": ["seconds", "uplink_sent"], "sync": ["uplink_sent"], "set_rate": ["rate"]}
CONTROL_NUMERIC = {
    "step": ["seconds"], "set_rate": ["rate"], "history": ["start_s", "end_s"],
    "events": ["min_severity", "start_s", "end_s"], "timeline": ["start_s", "end_s"],
    "alarm_log": ["start_s", "end_s"], "shelve": ["duration_s"], "command": ["id"],
    "schedule_delete": ["id"], "dump": ["start_s", "end_s"], "blackout": ["start_s", "end_s"],
    "cmd": ["release_s"],
}  # fmt: skip
"""Every numeric argument of every sim-port and control-API request."""


def sim_barrage(count: int, seed: int = 3) -> Iterator[tuple[bytes, str]]:
    """Sim-port requests that must be refused, with the reason the spacecraft counts."""
    rng = random.Random(seed)
    emitted = 0
    while emitted < count:
        payload = _packed(_bad_maps(rng, SIM_NUMERIC))
        try:
            simport.decode_request(payload)
        except MessageError as error:
            emitted += 1
            yield payload, error.reason


def control_barrage(count: int, seed: int = 4) -> Iterator[tuple[bytes, str]]:
    """Control-API requests that must be refused, with the reason the ground counts."""
    rng = random.Random(seed)
    emitted = 0
    while emitted < count:
        payload = _packed(_bad_maps(rng, CONTROL_NUMERIC))
        try:
            decode_request(payload)
        except ControlError as error:
            emitted += 1
            yield payload, error.reason


def truth_barrage(count: int, seed: int = 5) -> Iterator[tuple[list[bytes], str]]:
    """Truth messages that must be refused, with the reason the ground counts."""
    rng = random.Random(seed)
    fields = {"": ["generation", "time_s", "downlink_sent", "range_m"]}
    emitted = 0
    while emitted < count:
        body = _bad_maps(rng, fields)
        if isinstance(body, dict):
            body.pop("op", None)
            body.setdefault("station_visible", None)
            body.setdefault("downlink_closes", None)
        payload = _packed(body)
        try:
            decode_truth(payload)
        except MessageError as error:
            emitted += 1
            yield [b"truth", payload], error.reason


def expected(items: list[tuple[Any, str]]) -> Counter[str]:
    return Counter(reason for _, reason in items)


@contextmanager
def truth_in_the_middle(
    spacecraft: str, ground: str, hostile: str, access: AccessFolder
) -> Iterator[None]:
    """Forward the spacecraft's truth feed to the ground, merged with whatever is pushed to
    `hostile`; stopped (and its sockets closed) however the test ends.

    The proxy stands where the spacecraft's truth socket would be, so it holds the keys a test
    conductor would: it reads the spacecraft's truth as the first test conductor of `access`,
    and serves the ground with the spacecraft's own certificate (the ground checks whom it
    reaches). Whatever reaches `hostile` needs no key: it stands for a spacecraft gone wrong.
    """
    context = zmq.Context()
    inlet, outlet = context.socket(zmq.PULL), context.socket(zmq.PUSH)
    planted = context.socket(zmq.PULL)
    conductor = next(
        o for o in read_operators(access.operators_path).by_key.values()
        if o.role is Role.TEST_CONDUCTOR
    )  # fmt: skip
    own = read_certificate(access.identity_path(conductor.name))
    connect_securely(inlet, access.public(SPACECRAFT), own.public, own.secret)
    impostor = access.own(SPACECRAFT)
    serve_securely(outlet, impostor.public, impostor.secret)
    inlet.connect(spacecraft)
    planted.bind(hostile)
    outlet.bind(ground)
    stop = threading.Event()

    def forward() -> None:
        poller = zmq.Poller()
        poller.register(inlet, zmq.POLLIN)
        poller.register(planted, zmq.POLLIN)
        while not stop.is_set():
            for socket, _ in poller.poll(100):
                outlet.send_multipart(socket.recv_multipart())

    thread = threading.Thread(target=forward, name="truth-proxy", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(10)
        for socket in (inlet, planted, outlet):
            socket.close(linger=0)
        context.term()
