"""Conformance with an independent implementation: the `spacepackets` package."""

from __future__ import annotations

from spacepackets.ccsds.spacepacket import PacketId, PacketType, parse_space_packets
from spacepackets.ccsds.tm_frame import (
    MasterChannelId,
    TmFramePrimaryHeader,
    TmTransferFrame,
    TransferFrameDataFieldStatus,
    TransferFrameSecondaryHeader,
)
from spacepackets.ecss.tc import PusTc
from spacepackets.ecss.tm import PusTm

from flightsw.icd.crc import crc16_ccitt_false
from flightsw.icd.cuc import CUC_LENGTH, encode_cuc
from flightsw.icd.messages import EventReport, Housekeeping, Ping, decode_body, encode_body
from flightsw.icd.packet import decode, encode_tc, encode_tm
from flightsw.icd.transfer_frame import (
    DATA_FIELD_LENGTH,
    FRAME_LENGTH,
    SPACECRAFT_ID,
    Deframer,
    Framer,
    decode_frame,
    idle_packet,
)


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


# -- TM transfer frames (CCSDS 132.0-B-3), spacepackets.ccsds.tm_frame -----------------------


def our_message() -> tuple[list[bytes], bytes]:
    """Three packets, one longer than a frame's data field, framed as the spacecraft frames them."""
    packets = [
        encode_tm(0x10, n, 5, 1, 42.5, encode_body(EventReport(1, "power", "e", "x" * size, {})))
        for n, size in enumerate((10, 1500, 40))
    ]
    return packets, Framer(master_count=254, channel_count=254).message(packets, 42.5)


def test_our_transfer_frames_parse_with_spacepackets() -> None:
    packets, message = our_message()
    frames = [message[i : i + FRAME_LENGTH] for i in range(0, len(message), FRAME_LENGTH)]
    parsed = [TmTransferFrame.unpack(frame, FRAME_LENGTH, True) for frame in frames]  # FECF too
    headers = [frame.primary_header for frame in parsed]
    assert [h.master_channel_id.spacecraft_id for h in headers] == [SPACECRAFT_ID] * 2
    assert [(h.master_ch_frame_count, h.vc_frame_count) for h in headers] == [
        (254, 254),
        (255, 255),
    ]
    assert [h.vc_id for h in headers] == [0, 0]
    status = [h.frame_datafield_status for h in headers]
    assert all(s.secondary_header_flag and not s.sync_flag for s in status)
    # The first packet starts the first frame; the third starts inside the second frame.
    assert [s.first_header_pointer for s in status] == [0, len(packets[0]) + len(packets[1]) - 1100]
    assert [len(frame.secondary_header.data_field) for frame in parsed] == [CUC_LENGTH] * 2  # type: ignore[union-attr]
    stream = b"".join(frame.data_field for frame in parsed)
    ids = [PacketId(PacketType.TM, True, 0x10)]
    assert parse_space_packets(stream, ids).tm_list == packets  # the idle fill is not ours


def test_a_transfer_frame_built_by_spacepackets_is_understood() -> None:
    packet = encode_tm(0x10, 0, 3, 25, 1.0, encode_body(Housekeeping("power", {"soc": 0.5})))
    idle = idle_packet(DATA_FIELD_LENGTH - len(packet))
    frame = TmTransferFrame(
        FRAME_LENGTH,
        TmFramePrimaryHeader(
            MasterChannelId(0, SPACECRAFT_ID),
            0,
            False,
            7,
            9,
            TransferFrameDataFieldStatus(True, False, False, 0b11, 0),
        ),
        TransferFrameSecondaryHeader(0, CUC_LENGTH, encode_cuc(12.5)),
        packet + idle,
        None,
        bytes(2),  # the FECF's place; spacepackets lays it out, we compute it
    ).pack()
    frame = frame[:-2] + crc16_ccitt_false(frame[:-2]).to_bytes(2, "big")
    TmTransferFrame.unpack(frame, FRAME_LENGTH, True)  # spacepackets agrees with the FECF
    decoded = decode_frame(frame)
    assert (decoded.master_count, decoded.channel_count, decoded.time_s) == (7, 9, 12.5)
    assert Deframer().take(decoded).packets == [packet]
