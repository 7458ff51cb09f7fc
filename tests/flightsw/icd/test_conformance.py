"""Conformance with an independent implementation: the `spacepackets` package."""

from __future__ import annotations

from spacepackets.ecss.tc import PusTc
from spacepackets.ecss.tm import PusTm

from flightsw.icd.cuc import CUC_LENGTH
from flightsw.icd.messages import Housekeeping, Ping, decode_body, encode_body
from flightsw.icd.packet import decode, encode_tc, encode_tm


def test_a_ping_built_by_spacepackets_is_understood() -> None:
    frame = PusTc(apid=0x42, service=17, message_subtype=1, seq_count=5).pack()
    packet = decode(frame)
    assert (packet.apid, packet.seq, packet.service, packet.subtype) == (0x42, 5, 17, 1)
    assert isinstance(decode_body(packet), Ping)


def test_our_ping_parses_with_spacepackets() -> None:
    parsed = PusTc.unpack(encode_tc(0x42, 5, 17, 1))
    assert (parsed.apid, parsed.seq_count, parsed.service, parsed.message_subtype) == (
        0x42,
        5,
        17,
        1,
    )


def test_our_housekeeping_parses_with_spacepackets() -> None:
    body = encode_body(Housekeeping("power", {"battery_soc": 0.5}))
    parsed = PusTm.unpack(
        encode_tm(0x10, 3, 3, 25, 42.5, body, msg_counter=7), timestamp_len=CUC_LENGTH
    )
    assert (parsed.apid, parsed.seq_count, parsed.service, parsed.message_subtype) == (
        0x10,
        3,
        3,
        25,
    )
    assert parsed.source_data == body
