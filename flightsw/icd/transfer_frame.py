"""CCSDS TM transfer frames: how the downlink carries space packets, as a real one does.

Layout (CCSDS 132.0-B-3, TM Space Data Link Protocol), fixed length `FRAME_LENGTH`, big-endian:

    primary header    6 octets  version(2)=0 SCID(10) VCID(3) OCF flag(1)=0
                                | master channel frame count(8) | virtual channel frame count(8)
                                | secondary header flag(1)=1 sync flag(1)=0 packet order(1)=0
                                  segment length id(2)=0b11 first header pointer(11)
    secondary header  7 octets  version(2)=0 length(6)=6 | transmit time, CUC 4+2 (mission s)
    data field     1100 octets  space packets, end to end; a packet may continue in the next frame
    error control     2 octets  CRC-16/CCITT-FALSE over everything before it (the FECF)

The first header pointer is where the first packet that starts in the frame begins, in the data
field (0x7FF: none starts here, the frame continues one). The transmit time in the secondary
header is when the spacecraft sent the frame: the channel's light time runs from it.

One downlink message (one ZeroMQ message) is one or more frames end to end, the packets of one
batch of the spacecraft (a tick's). The last frame of a message is filled with an idle packet
(APID 0x7FF), so every message begins with a packet at the start of its first frame: a message
can be told apart, counted and judged on its own, and a lost one loses only its own packets.
The ground checks each frame (length, FECF, header), counts frames lost by the virtual channel
frame count, and takes the packets out (`Deframer`); each packet is then checked as always.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Final

from flightsw.errors import FrameError
from flightsw.icd.crc import crc16_ccitt_false
from flightsw.icd.cuc import CUC_LENGTH, decode_cuc, encode_cuc
from flightsw.icd.margins import MAX_MESSAGE_OCTETS
from flightsw.icd.packet import CRC_LENGTH, IDLE_APID, PRIMARY_HEADER_LENGTH, UNSEGMENTED

FRAME_LENGTH: Final = 1115
"""Octets per frame: the usual TM frame length, five Reed-Solomon (255,223) codewords' data."""
PRIMARY_LENGTH: Final = 6
SECONDARY_LENGTH: Final = 1 + CUC_LENGTH
DATA_START: Final = PRIMARY_LENGTH + SECONDARY_LENGTH
DATA_FIELD_LENGTH: Final = FRAME_LENGTH - DATA_START - CRC_LENGTH
SPACECRAFT_ID: Final = 0x15A  # this emulator's spacecraft, in every mission (10 bits)
REALTIME_CHANNEL: Final = 0  # the virtual channel of everything sent down
NO_PACKET_START: Final = 0x7FF
COUNT_MODULO: Final = 256
MIN_IDLE_PACKET: Final = PRIMARY_HEADER_LENGTH + 1  # a packet holds at least one octet of data
MESSAGE_PACKET_OCTETS: Final = (MAX_MESSAGE_OCTETS // FRAME_LENGTH - 1) * DATA_FIELD_LENGTH
"""Octets of packets one message carries at most: its frames stay within what the ground's
socket takes (`MAX_MESSAGE_OCTETS`), with a frame to spare for the idle fill."""

_PRIMARY = struct.Struct(">HBBH")
_SECONDARY_ID = SECONDARY_LENGTH - 1  # version 0, length field = octets after it


@dataclass(frozen=True, slots=True)
class TransferFrame:
    """One checked frame: its counts, where its first packet starts, when it was sent, its data."""

    spacecraft_id: int
    virtual_channel: int
    master_count: int
    channel_count: int
    first_header_pointer: int
    time_s: float
    data: bytes


def idle_packet(length: int) -> bytes:
    """A CCSDS idle packet (APID 0x7FF, no secondary header) of `length` octets, at least
    `MIN_IDLE_PACKET`."""
    header = struct.pack(">HHH", IDLE_APID, UNSEGMENTED << 14, length - 7)
    return header + bytes(length - PRIMARY_HEADER_LENGTH)


@dataclass(slots=True)
class Framer:
    """The spacecraft's side: pack batches of packets into frames, counting them."""

    spacecraft_id: int = SPACECRAFT_ID
    virtual_channel: int = REALTIME_CHANNEL
    master_count: int = 0
    channel_count: int = 0

    def messages(self, packets: list[bytes], time_s: float) -> list[tuple[bytes, int]]:
        """The messages carrying `packets` in order, sent at `time_s`, each with how many
        packets it carries: one message, unless the packets are more than
        `MESSAGE_PACKET_OCTETS` (a big recorder dump), split between packets."""
        messages: list[tuple[bytes, int]] = []
        batch: list[bytes] = []
        octets = 0
        for packet in packets:
            if batch and octets + len(packet) > MESSAGE_PACKET_OCTETS:
                messages.append((self.message(batch, time_s), len(batch)))
                batch, octets = [], 0
            batch.append(packet)
            octets += len(packet)
        if batch:
            messages.append((self.message(batch, time_s), len(batch)))
        return messages

    def message(self, packets: list[bytes], time_s: float) -> bytes:
        """The frames of one downlink message carrying `packets` in order, sent at `time_s`."""
        starts = []
        stream = bytearray()
        for packet in packets:
            starts.append(len(stream))
            stream += packet
        fill = -len(stream) % DATA_FIELD_LENGTH
        if 0 < fill < MIN_IDLE_PACKET:
            fill += DATA_FIELD_LENGTH  # too little room for an idle packet: it takes one frame more
        if fill or not stream:
            starts.append(len(stream))
            stream += idle_packet(fill or DATA_FIELD_LENGTH)
        secondary = bytes([_SECONDARY_ID]) + encode_cuc(time_s)
        frames = bytearray()
        next_start = 0
        for offset in range(0, len(stream), DATA_FIELD_LENGTH):
            while next_start < len(starts) and starts[next_start] < offset:
                next_start += 1
            first = starts[next_start] - offset if next_start < len(starts) else NO_PACKET_START
            if first >= DATA_FIELD_LENGTH:
                first = NO_PACKET_START
            header = _PRIMARY.pack(
                (self.spacecraft_id << 4) | (self.virtual_channel << 1),
                self.master_count,
                self.channel_count,
                0x8000 | (UNSEGMENTED << 11) | first,
            )
            frame = header + secondary + stream[offset : offset + DATA_FIELD_LENGTH]
            frames += frame + crc16_ccitt_false(frame).to_bytes(2, "big")
            self.master_count = (self.master_count + 1) % COUNT_MODULO
            self.channel_count = (self.channel_count + 1) % COUNT_MODULO
        return bytes(frames)


def split_message(message: bytes) -> list[bytes]:
    """The frames of a downlink message; FrameError (`bad_frame_length`) if it is not whole
    frames."""
    if not message or len(message) % FRAME_LENGTH:
        raise FrameError(
            "bad_frame_length",
            f"a downlink message of {len(message)} octets; expected a multiple of "
            f"{FRAME_LENGTH} (whole transfer frames)",
        )
    return [message[i : i + FRAME_LENGTH] for i in range(0, len(message), FRAME_LENGTH)]


def decode_frame(octets: bytes) -> TransferFrame:
    """Check one frame as the ICD says and return it; FrameError if it does not hold.

    Reasons: `bad_frame_length`, `bad_frame_crc` (the FECF), `bad_frame_header` (version,
    spacecraft, virtual channel, OCF, secondary header or segment flags not this link's),
    `bad_first_header_pointer` (beyond the data field).
    """
    if len(octets) != FRAME_LENGTH:
        raise FrameError(
            "bad_frame_length", f"a transfer frame of {len(octets)} octets, expected {FRAME_LENGTH}"
        )
    (crc,) = struct.unpack_from(">H", octets, FRAME_LENGTH - CRC_LENGTH)
    computed = crc16_ccitt_false(memoryview(octets)[: FRAME_LENGTH - CRC_LENGTH])
    if crc != computed:
        raise FrameError("bad_frame_crc", f"FECF {crc:#06x}, computed {computed:#06x}")
    ids, master_count, channel_count, status = _PRIMARY.unpack_from(octets)
    spacecraft_id, virtual_channel = (ids >> 4) & 0x3FF, (ids >> 1) & 0x7
    if ids >> 14 or ids & 1 or spacecraft_id != SPACECRAFT_ID:
        raise FrameError(
            "bad_frame_header",
            f"version {ids >> 14}, spacecraft {spacecraft_id:#x}, OCF {ids & 1}; expected "
            f"version 0, spacecraft {SPACECRAFT_ID:#x}, no OCF",
        )
    if virtual_channel != REALTIME_CHANNEL:
        raise FrameError("bad_frame_header", f"virtual channel {virtual_channel}, expected 0")
    if status >> 11 != 0b10011 or octets[PRIMARY_LENGTH] != _SECONDARY_ID:
        raise FrameError(
            "bad_frame_header",
            f"data field status {status:#06x}, secondary header {octets[PRIMARY_LENGTH]:#04x}; "
            "expected a secondary header of 7 octets, asynchronous, in order",
        )
    first = status & 0x7FF
    if first >= DATA_FIELD_LENGTH and first != NO_PACKET_START:
        raise FrameError(
            "bad_first_header_pointer",
            f"first header pointer {first} is beyond the {DATA_FIELD_LENGTH}-octet data field",
        )
    time_s = decode_cuc(memoryview(octets)[PRIMARY_LENGTH + 1 : DATA_START])
    return TransferFrame(
        spacecraft_id, virtual_channel, master_count, channel_count, first, time_s,
        octets[DATA_START : FRAME_LENGTH - CRC_LENGTH],
    )  # fmt: skip


def peek_frame_time_s(octets: bytes) -> float | None:
    """The transmit time a frame claims, read without any check (None if it cannot say): the
    channel needs it before the frame is checked, as bit errors come first."""
    if len(octets) < DATA_START:
        return None
    return decode_cuc(memoryview(octets)[PRIMARY_LENGTH + 1 : DATA_START])


def first_packet(message: bytes) -> bytes:
    """The octets from where a message's first packet starts, unchecked (empty if the message
    is too short): enough to peek at its header."""
    return message[DATA_START : FRAME_LENGTH - CRC_LENGTH]


@dataclass(slots=True)
class Deframed:
    """What one frame gave: the packets completed in it, and what was lost before it."""

    packets: list[bytes] = field(default_factory=list)
    frames_lost: int = 0  # by the virtual channel frame count
    octets_dropped: int = 0  # of a packet cut by a lost frame, or inconsistent with the pointer


class Deframer:
    """The ground's side: take the packets out of checked frames, in order.

    A packet that spans frames is joined; a gap in the frame count drops the packet it cut, and
    the next frame's first header pointer finds the next packet. A packet whose end does not
    meet that pointer (a damaged length) is dropped there too, and so is the rest of a frame
    after a header that cannot be a packet's of this link (its sequence flags are not
    "unsegmented": the octets after a damaged length, most often). Idle packets are left out.
    """

    def __init__(self) -> None:
        self._expected: int | None = None
        self._partial = bytearray()  # a packet begun in an earlier frame
        self._synced = False  # `_partial` is a packet's start, not the middle of one

    def restart(self) -> None:
        """Another spacecraft, or a link picked up again: count and join afresh."""
        self._expected = None
        self._partial.clear()
        self._synced = False

    def take(self, frame: TransferFrame) -> Deframed:
        out = Deframed()
        if self._expected is not None and frame.channel_count != self._expected:
            out.frames_lost = (frame.channel_count - self._expected) % COUNT_MODULO
            out.octets_dropped += len(self._partial)
            self._partial.clear()
            self._synced = False
        self._expected = (frame.channel_count + 1) % COUNT_MODULO
        data = frame.data
        first = frame.first_header_pointer
        if first == NO_PACKET_START:
            if self._synced:
                self._partial += data
                self._emit(out)
            else:
                out.octets_dropped += len(data)
            return out
        if self._synced:
            self._partial += data[:first]
            self._emit(out)
            out.octets_dropped += len(self._partial)  # it should have ended at the pointer
        elif first:
            out.octets_dropped += first
        self._partial[:] = data[first:]
        self._synced = True
        self._emit(out)
        return out

    def _emit(self, out: Deframed) -> None:
        """Move every whole packet at the front of `_partial` to `out`."""
        buffer = self._partial
        start = 0
        while len(buffer) - start >= PRIMARY_HEADER_LENGTH:
            if buffer[start + 2] >> 6 != UNSEGMENTED:  # lost in the octets: wait for a pointer
                out.octets_dropped += len(buffer) - start
                buffer.clear()
                self._synced = False
                return
            length = PRIMARY_HEADER_LENGTH + 1 + ((buffer[start + 4] << 8) | buffer[start + 5])
            if len(buffer) - start < length:
                break
            if ((buffer[start] & 0x07) << 8 | buffer[start + 1]) != IDLE_APID:
                out.packets.append(bytes(buffer[start : start + length]))
            start += length
        del buffer[:start]
