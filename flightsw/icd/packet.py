"""CCSDS space packets with PUS-C secondary headers: build and parse one frame.

Layout (CCSDS 133.0-B-2, ECSS-E-ST-70-41C), big-endian:

    primary header   6 octets  version(3) type(1) sec-hdr(1) APID(11) | flags(2) count(14) | length(16)
    TC sec. header   5 octets  PUS version 2 (4) ack flags(4) | service | subtype | source ID(16)
    TM sec. header  13 octets  PUS version 2 (4) time ref(4) | service | subtype | msg counter(16)
                               | destination ID(16) | CUC time 4+2
    application data           msgpack
    error control    2 octets  CRC-16/CCITT-FALSE over everything before it
"""

from __future__ import annotations

import struct
from enum import IntEnum

import msgspec

from flightsw.errors import FrameError
from flightsw.icd.crc import crc16_ccitt_false
from flightsw.icd.cuc import CUC_LENGTH, FRACTION_PER_S, encode_cuc

PRIMARY_HEADER_LENGTH = 6
TC_SECONDARY_HEADER_LENGTH = 5
TM_SECONDARY_HEADER_LENGTH = 7 + CUC_LENGTH
CRC_LENGTH = 2
MAX_PACKET_LENGTH = PRIMARY_HEADER_LENGTH + 65536  # the 16-bit length field's limit
MAX_APID = 0x7FF
IDLE_APID = 0x7FF
SEQUENCE_MODULO = 1 << 14
PUS_VERSION = 2
UNSEGMENTED = 0b11
ACK_ALL = 0b1111

_PRIMARY = struct.Struct(">HHH")
_TC_SECONDARY = struct.Struct(">BBBH")
_TM_SECONDARY = struct.Struct(">BBBHH")
# A TM packet's headers in one read: primary, secondary, then the CUC time's coarse and fine.
_TM_HEADERS = struct.Struct(">HHHBBBHHIH")


class PacketType(IntEnum):
    TM = 0
    TC = 1


_TYPES = (PacketType.TM, PacketType.TC)  # by the type bit, without calling the enum


class Packet(msgspec.Struct, frozen=True):
    """One parsed frame: the header fields that matter and the raw application data.

    A struct rather than a dataclass: one is made for every packet that comes down, and a
    frozen dataclass sets each of its eleven fields through `object.__setattr__`.
    """

    packet_type: PacketType
    apid: int
    seq: int
    service: int
    subtype: int
    app_data: bytes
    source_id: int = 0  # TC only
    ack_flags: int = ACK_ALL  # TC only
    msg_counter: int = 0  # TM only
    destination_id: int = 0  # TM only
    time_s: float = 0.0  # TM only: generation time in mission seconds

    @property
    def request_id(self) -> int:
        """The first four octets of a TC's primary header, as PUS service 1 quotes it."""
        word0 = (int(self.packet_type) << 12) | (1 << 11) | self.apid
        return (word0 << 16) | (UNSEGMENTED << 14) | self.seq


def _primary(packet_type: PacketType, apid: int, seq: int, data_field_length: int) -> bytes:
    if not 0 <= apid <= MAX_APID:
        raise ValueError(f"APID {apid} is outside 0..{MAX_APID}")
    if not 0 <= seq < SEQUENCE_MODULO:
        raise ValueError(f"sequence count {seq} is outside 0..{SEQUENCE_MODULO - 1}")
    if not 1 <= data_field_length <= 65536:
        raise ValueError(f"data field of {data_field_length} octets does not fit a space packet")
    word0 = (int(packet_type) << 12) | (1 << 11) | apid
    word1 = (UNSEGMENTED << 14) | seq
    return _PRIMARY.pack(word0, word1, data_field_length - 1)


def with_crc(body: bytes) -> bytes:
    """`body` followed by its CRC-16 (CCITT-FALSE), as every frame ends."""
    return body + crc16_ccitt_false(body).to_bytes(2, "big")


def encode_tc(
    apid: int,
    seq: int,
    service: int,
    subtype: int,
    app_data: bytes = b"",
    source_id: int = 0,
    ack_flags: int = ACK_ALL,
) -> bytes:
    """Build a telecommand frame."""
    secondary = _TC_SECONDARY.pack((PUS_VERSION << 4) | ack_flags, service, subtype, source_id)
    length = TC_SECONDARY_HEADER_LENGTH + len(app_data) + CRC_LENGTH
    return with_crc(_primary(PacketType.TC, apid, seq, length) + secondary + app_data)


def encode_tm(
    apid: int,
    seq: int,
    service: int,
    subtype: int,
    time_s: float,
    app_data: bytes = b"",
    msg_counter: int = 0,
    destination_id: int = 0,
) -> bytes:
    """Build a telemetry frame stamped with `time_s` mission seconds."""
    secondary = _TM_SECONDARY.pack(
        PUS_VERSION << 4, service, subtype, msg_counter & 0xFFFF, destination_id
    ) + encode_cuc(time_s)
    length = TM_SECONDARY_HEADER_LENGTH + len(app_data) + CRC_LENGTH
    return with_crc(_primary(PacketType.TM, apid, seq, length) + secondary + app_data)


def decode(frame: bytes) -> Packet:
    """Parse and check one frame; raise FrameError with a reason word if anything is wrong.

    Reasons: too_short, too_long, bad_version, no_secondary_header, bad_sequence_flags,
    length_mismatch, bad_crc, bad_pus_version.
    """
    size = len(frame)
    if size < PRIMARY_HEADER_LENGTH + CRC_LENGTH + TC_SECONDARY_HEADER_LENGTH:
        raise FrameError("too_short", f"{size} octets is shorter than any PUS packet")
    if size > MAX_PACKET_LENGTH:
        raise FrameError("too_long", f"{size} octets is longer than a space packet can be")
    word0, word1, length_field = _PRIMARY.unpack_from(frame)
    if word0 >> 13 != 0:
        raise FrameError("bad_version", f"packet version {word0 >> 13}, expected 0")
    if not (word0 >> 11) & 1:
        raise FrameError("no_secondary_header", "the secondary header flag is 0; PUS needs it")
    if word1 >> 14 != UNSEGMENTED:
        raise FrameError("bad_sequence_flags", f"sequence flags {word1 >> 14:02b}, expected 11")
    if length_field + 1 + PRIMARY_HEADER_LENGTH != size:
        raise FrameError(
            "length_mismatch",
            f"length field says {length_field + 1 + PRIMARY_HEADER_LENGTH} octets, frame has {size}",
        )
    expected_crc = crc16_ccitt_false(memoryview(frame)[:-CRC_LENGTH])
    found_crc = (frame[-2] << 8) | frame[-1]
    if expected_crc != found_crc:
        raise FrameError("bad_crc", f"CRC {found_crc:04x}, computed {expected_crc:04x}")
    packet_type = _TYPES[(word0 >> 12) & 1]
    apid = word0 & MAX_APID
    seq = word1 & (SEQUENCE_MODULO - 1)
    offset = PRIMARY_HEADER_LENGTH
    if packet_type is PacketType.TC:
        flags, service, subtype, source_id = _TC_SECONDARY.unpack_from(frame, offset)
        _check_pus_version(flags)
        return Packet(
            packet_type, apid, seq, service, subtype,
            app_data=bytes(frame[offset + TC_SECONDARY_HEADER_LENGTH : -CRC_LENGTH]),
            source_id=source_id, ack_flags=flags & 0xF,
        )  # fmt: skip
    if size < PRIMARY_HEADER_LENGTH + TM_SECONDARY_HEADER_LENGTH + CRC_LENGTH:
        raise FrameError("too_short", f"{size} octets is shorter than a PUS TM packet")
    *_, flags, service, subtype, counter, destination, coarse, fine = _TM_HEADERS.unpack_from(frame)
    _check_pus_version(flags)
    return Packet(
        packet_type, apid, seq, service, subtype,
        app_data=bytes(frame[offset + TM_SECONDARY_HEADER_LENGTH : -CRC_LENGTH]),
        msg_counter=counter, destination_id=destination, time_s=coarse + fine / FRACTION_PER_S,
    )  # fmt: skip


def _check_pus_version(flags: int) -> None:
    if flags >> 4 != PUS_VERSION:
        raise FrameError("bad_pus_version", f"PUS version {flags >> 4}, expected {PUS_VERSION}")


def peek_tm_time_s(frame: bytes) -> float | None:
    """The generation time a TM frame claims, read without any check (None if it cannot say).

    The channel model needs a frame's send time before the frame is checked: bit errors are
    applied first, and only then does the CRC catch them.
    """
    end = PRIMARY_HEADER_LENGTH + TM_SECONDARY_HEADER_LENGTH
    if len(frame) < end or (frame[0] >> 4) & 1:  # too short, or the type bit says TC
        return None
    coarse, fine = struct.unpack_from(">IH", frame, end - CUC_LENGTH)
    return coarse + fine / 65536


def peek_tm_identity(frame: bytes) -> tuple[int, int] | None:
    """The APID and sequence count a TM frame claims, read without any check (None if it
    cannot say): enough to tell which of a spacecraft's frames it is, before it is parsed."""
    if len(frame) < PRIMARY_HEADER_LENGTH or (frame[0] >> 4) & 1:
        return None
    return ((frame[0] & 0x07) << 8) | frame[1], ((frame[2] & 0x3F) << 8) | frame[3]
