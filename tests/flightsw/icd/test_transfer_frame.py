"""TM transfer frames: packed and taken apart again, through losses and damage."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flightsw.errors import FrameError
from flightsw.icd.margins import MAX_MESSAGE_OCTETS
from flightsw.icd.packet import encode_tm
from flightsw.icd.transfer_frame import (
    DATA_FIELD_LENGTH,
    FRAME_LENGTH,
    MIN_IDLE_PACKET,
    NO_PACKET_START,
    Deframer,
    Framer,
    decode_frame,
    first_packet,
    peek_frame_time_s,
    split_message,
)

OVERHEAD = 6 + 13 + 2  # a TM packet's headers and CRC around its application data


def packet(seq: int, data_octets: int) -> bytes:
    """A TM packet of exactly `OVERHEAD + data_octets` octets."""
    return encode_tm(0x10, seq % 16384, 3, 25, float(seq), bytes(data_octets))


def frames_of(message: bytes) -> list[bytes]:
    return split_message(message)


def test_a_message_is_whole_frames_ending_in_idle_fill_and_starting_with_a_packet() -> None:
    message = Framer().message([packet(0, 100), packet(1, 200)], 5.0)
    assert len(message) == FRAME_LENGTH
    (frame,) = (decode_frame(octets) for octets in frames_of(message))
    assert (frame.first_header_pointer, frame.time_s) == (0, 5.0)
    assert first_packet(message)[: OVERHEAD + 100] == packet(0, 100)
    assert peek_frame_time_s(message) == 5.0


def test_too_little_room_for_an_idle_packet_takes_one_frame_more() -> None:
    size = DATA_FIELD_LENGTH - (MIN_IDLE_PACKET - 1) - OVERHEAD
    message = Framer().message([packet(0, size)], 0.0)
    assert len(message) == 2 * FRAME_LENGTH
    second = decode_frame(frames_of(message)[1])
    assert second.first_header_pointer == NO_PACKET_START  # the idle packet goes on in it
    assert Deframer().take(decode_frame(frames_of(message)[0])).packets == [packet(0, size)]


def test_frame_counts_run_on_across_messages_and_wrap_at_256() -> None:
    framer = Framer(master_count=255, channel_count=255)
    counts = [
        decode_frame(f).channel_count for f in frames_of(framer.message([packet(0, 2000)], 0.0))
    ]
    counts += [
        decode_frame(f).channel_count for f in frames_of(framer.message([packet(1, 10)], 0.0))
    ]
    assert counts == [255, 0, 1]


def test_a_lost_frame_drops_the_packet_it_cut_and_the_next_pointer_finds_the_next() -> None:
    framer = Framer()
    short, long = packet(9, 10), packet(0, 1500)
    first, _second = frames_of(framer.message([short, long], 0.0))  # `long` spans both
    deframer = Deframer()
    assert deframer.take(decode_frame(first)).packets == [short]
    after = frames_of(framer.message([packet(2, 30)], 1.0))
    outcome = deframer.take(decode_frame(after[0]))  # the second frame never came
    assert (outcome.frames_lost, outcome.packets) == (1, [packet(2, 30)])
    assert outcome.octets_dropped == DATA_FIELD_LENGTH - len(short)  # what `long` had begun


def test_a_damaged_frame_is_refused_by_its_check_sequence() -> None:
    octets = bytearray(Framer().message([packet(0, 10)], 0.0))
    octets[500] ^= 0x01
    with pytest.raises(FrameError) as refused:
        decode_frame(bytes(octets))
    assert refused.value.reason == "bad_frame_crc"
    with pytest.raises(FrameError) as short:
        split_message(bytes(octets[:-1]))
    assert short.value.reason == "bad_frame_length"


@given(
    st.lists(st.integers(0, 3000), min_size=1, max_size=12),
    st.lists(st.booleans(), min_size=40, max_size=40),
)
def test_what_comes_out_is_what_went_in_less_only_what_lost_frames_cut(
    sizes: list[int], kept: list[bool]
) -> None:
    framer = Framer()
    sent = [packet(n, size) for n, size in enumerate(sizes)]
    messages = [framer.message(sent[i : i + 3], float(i)) for i in range(0, len(sent), 3)]
    frames = [decode_frame(f) for m in messages for f in frames_of(m)]
    deframer = Deframer()
    everything = [p for frame in frames for p in deframer.take(frame).packets]
    assert everything == sent
    lossy = Deframer()
    got = [
        p
        for frame, keep in zip(frames, kept * 10, strict=False)
        if keep
        for p in lossy.take(frame).packets
    ]
    assert all(p in sent for p in got)  # never a packet made up of pieces of others
    assert got == [p for p in sent if p in got]  # in order


def test_a_batch_too_big_for_one_message_is_split_between_packets() -> None:
    dump = [packet(n, 60_000) for n in range(40)]  # a recorder dump's worth: 2.4 MB
    messages = Framer().messages(dump, 0.0)
    assert len(messages) > 1 and sum(count for _, count in messages) == len(dump)
    assert all(len(octets) <= MAX_MESSAGE_OCTETS for octets, _ in messages)
    deframer = Deframer()
    out = [
        p
        for octets, _ in messages
        for f in frames_of(octets)
        for p in deframer.take(decode_frame(f)).packets
    ]
    assert out == dump
