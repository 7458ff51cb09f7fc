"""Authenticated telecommands (flightsw.icd.sdls), held to the cases an SDLS implementation is
tested with (as NASA CryptoLib's TC tests): fixed keys, every field of the layout, a flipped bit
anywhere, a wrong key, and a frame built by an independent implementation."""

from __future__ import annotations

import hashlib
import hmac
import struct

import pytest
from fastcrc import crc16
from hypothesis import given
from hypothesis import strategies as st
from spacepackets.ecss.tc import PusTc

from flightsw.errors import FrameError
from flightsw.icd import encode_tc, sdls
from flightsw.icd.packet import with_crc

KEY = bytes(range(32))  # fixed keys, as in CryptoLib's tests
OTHER_KEY = bytes(range(32, 64))
SPI = 7
KEYS = {SPI: KEY}
PING = encode_tc(0x42, 5, 17, 1)


def test_a_secured_ping_opens_to_the_same_packet_with_its_spi_and_number() -> None:
    secured = sdls.secure(PING, SPI, 1234, KEY)

    opened = sdls.open_secured(secured, KEYS)

    assert (opened.spi, opened.sequence_number, opened.plain) == (SPI, 1234, PING)
    assert len(secured) == len(PING) + sdls.SECURED_OVERHEAD


def test_the_layout_is_the_documented_one() -> None:
    """docs/icd.md, "Telecommand security": header, SPI, number, PUS part, MAC, CRC."""
    secured = sdls.secure(PING, SPI, 0x01020304, KEY)

    assert secured[:4] == PING[:4]  # version, type, APID, sequence flags and count unchanged
    assert struct.unpack(">H", secured[4:6])[0] == len(secured) - 7  # the data length counts all
    assert secured[6:12] == struct.pack(">HI", SPI, 0x01020304)
    assert secured[12:-18] == PING[6:-2]  # the PUS-C header and data, in clear
    expected_mac = hmac.new(KEY, secured[:-18], hashlib.sha256).digest()[:16]
    assert secured[-18:-2] == expected_mac


def test_a_wrong_key_is_refused_as_a_bad_mac() -> None:
    secured = sdls.secure(PING, SPI, 1, OTHER_KEY)

    with pytest.raises(FrameError) as refused:
        sdls.open_secured(secured, KEYS)
    assert refused.value.reason == "bad_mac"


def test_an_spi_without_a_key_is_refused() -> None:
    secured = sdls.secure(PING, SPI + 1, 1, KEY)

    with pytest.raises(FrameError) as refused:
        sdls.open_secured(secured, KEYS)
    assert refused.value.reason == "unknown_spi"


def test_a_plain_telecommand_is_refused() -> None:
    with pytest.raises(FrameError) as refused:
        sdls.open_secured(PING, KEYS)
    assert refused.value.reason in ("too_short", "unknown_spi", "bad_mac")


def test_a_command_changed_and_its_crc_recomputed_is_refused_as_a_bad_mac() -> None:
    """What an attacker who knows the CRC does: change an argument, fix the CRC."""
    secured = bytearray(sdls.secure(encode_tc(0x42, 1, 8, 1, b"\x81\xa1a\x01"), SPI, 9, KEY))
    secured[-19] ^= 0x01  # the last octet of the application data (the MAC and CRC follow)
    forged = with_crc(bytes(secured[:-2]))

    with pytest.raises(FrameError) as refused:
        sdls.open_secured(forged, KEYS)
    assert refused.value.reason == "bad_mac"


SECURED = sdls.secure(encode_tc(0x42, 3, 8, 1, b"\x81\xa7command\xa8load_off"), SPI, 77, KEY)


@given(st.integers(min_value=0, max_value=len(SECURED) * 8 - 1), st.booleans())
def test_a_single_flipped_bit_anywhere_is_refused(bit: int, fix_crc: bool) -> None:
    """With the CRC left as it was (noise) or made right again (an attacker): never taken."""
    frame = bytearray(SECURED)
    frame[bit // 8] ^= 0x80 >> (bit % 8)
    if fix_crc and bit < (len(SECURED) - 2) * 8:
        frame = bytearray(with_crc(bytes(frame[:-2])))

    with pytest.raises(FrameError) as refused:
        sdls.open_secured(bytes(frame), KEYS)
    assert refused.value.reason in ("bad_crc", "length_mismatch", "unknown_spi", "bad_mac")


def test_a_frame_built_by_spacepackets_plus_the_documented_fields_is_taken() -> None:
    """Independent of this code: spacepackets builds the PUS packet; the security fields, the
    MAC (the standard library's hmac) and the CRC (fastcrc, as spacepackets computes it) are
    added here."""
    plain = PusTc(apid=0x42, service=17, message_subtype=1, seq_count=5).pack()
    header, pus = bytearray(plain[:6]), plain[6:-2]
    struct.pack_into(">H", header, 4, struct.unpack(">H", header[4:6])[0] + 22)
    signed = bytes(header) + struct.pack(">HI", SPI, 41) + pus
    signed += hmac.new(KEY, signed, hashlib.sha256).digest()[:16]
    crc = crc16.ibm_3740(signed)  # CRC-16/CCITT-FALSE
    frame = signed + crc.to_bytes(2, "big")

    opened = sdls.open_secured(frame, KEYS)

    assert (opened.spi, opened.sequence_number) == (SPI, 41)
    assert opened.plain == plain


def test_a_damaged_packet_is_not_signed() -> None:
    damaged = bytearray(PING)
    damaged[7] ^= 0x04

    with pytest.raises(ValueError, match="CRC"):
        sdls.secure(bytes(damaged), SPI, 1, KEY)
