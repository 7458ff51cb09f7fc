"""Telecommand authentication, after CCSDS SDLS (355.0-B): the layout both ends share.

A secured telecommand is the plain space packet with a security header after its primary
header and a message authentication code (MAC) before its CRC (docs/icd.md, "Telecommand
security"):

    primary header (6) | SPI u16, sequence number u32 (6) | PUS-C TC header and data | MAC (16) | CRC (2)

The primary header's data length counts all of it; the CRC covers all of it, so a frame damaged
on the way is still `bad_crc`, as an unsecured one is. The MAC is HMAC-SHA256, truncated to its
first 128 bits, over everything before it, keyed by the key the SPI names. HMAC rather than
SDLS's baseline AES-GCM: GCM's tag is forgeable once an IV repeats under a key, and a ground
restarted without its state could repeat one; HMAC needs no IV (docs/design.md).

This module only builds and opens the layout and checks the MAC; the anti-replay window, which
needs the spacecraft's stored state, is `flightsw.executive.tc_security`.
"""

from __future__ import annotations

import hmac
import struct
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac

from flightsw.errors import FrameError
from flightsw.icd.crc import crc16_ccitt_false
from flightsw.icd.packet import CRC_LENGTH, PRIMARY_HEADER_LENGTH, with_crc

SECURITY_HEADER = struct.Struct(">HI")  # security parameter index, sequence number
SECURITY_HEADER_LENGTH = SECURITY_HEADER.size
MAC_LENGTH = 16  # octets: HMAC-SHA256 truncated to 128 bits
KEY_LENGTH = 32  # octets: 256-bit keys
MAX_SPI = 0xFFFF
MAX_SEQUENCE_NUMBER = 0xFFFF_FFFF
SECURED_OVERHEAD = SECURITY_HEADER_LENGTH + MAC_LENGTH
DEFAULT_WINDOW = 64  # anti-replay: numbers above the last one taken that are still taken
_LENGTH = struct.Struct(">H")
_LENGTH_OFFSET = 4  # the primary header's packet data length field


@dataclass(frozen=True, slots=True)
class OpenedTc:
    """A secured telecommand whose MAC was right: who signed it, its number, the plain packet."""

    spi: int
    sequence_number: int
    plain: bytes  # the space packet without the security fields, with its own CRC


def mac(key: bytes, data: bytes) -> bytes:
    """The MAC of `data` under `key`: HMAC-SHA256, first MAC_LENGTH octets."""
    signer = crypto_hmac.HMAC(key, hashes.SHA256())
    signer.update(data)
    return signer.finalize()[:MAC_LENGTH]


def secure(plain: bytes, spi: int, sequence_number: int, key: bytes) -> bytes:
    """The secured form of the space packet `plain` (a checked frame with its CRC)."""
    if not 0 <= spi <= MAX_SPI or not 0 <= sequence_number <= MAX_SEQUENCE_NUMBER:
        raise ValueError(f"SPI {spi} or sequence number {sequence_number} out of range")
    if crc16_ccitt_false(plain[:-CRC_LENGTH]) != int.from_bytes(plain[-CRC_LENGTH:], "big"):
        raise ValueError("the packet's CRC is wrong: a damaged packet is not signed")
    header, body = plain[:PRIMARY_HEADER_LENGTH], plain[PRIMARY_HEADER_LENGTH:-CRC_LENGTH]
    signed = _resized(header, +SECURED_OVERHEAD) + SECURITY_HEADER.pack(spi, sequence_number) + body
    return with_crc(signed + mac(key, signed))


def open_secured(frame: bytes, keys: Mapping[int, bytes]) -> OpenedTc:
    """Check a secured telecommand's CRC, SPI and MAC; the plain packet inside it.

    Raises FrameError: `too_short`, `length_mismatch` or `bad_crc` (the frame itself),
    `unknown_spi` (no such key), `bad_mac` (not made with that key, or changed since).
    """
    least = PRIMARY_HEADER_LENGTH + SECURED_OVERHEAD + CRC_LENGTH
    if len(frame) < least:
        raise FrameError(
            "too_short", f"{len(frame)} octets is shorter than any secured telecommand ({least})"
        )
    (length,) = _LENGTH.unpack_from(frame, _LENGTH_OFFSET)
    if length + 1 + PRIMARY_HEADER_LENGTH != len(frame):
        raise FrameError(
            "length_mismatch",
            f"the header says {length + 1 + PRIMARY_HEADER_LENGTH} octets, the frame has {len(frame)}",
        )
    if crc16_ccitt_false(frame[:-CRC_LENGTH]) != int.from_bytes(frame[-CRC_LENGTH:], "big"):
        raise FrameError("bad_crc", "the CRC does not match the frame")
    spi, sequence_number = SECURITY_HEADER.unpack_from(frame, PRIMARY_HEADER_LENGTH)
    key = keys.get(spi)
    if key is None:
        known = ", ".join(str(k) for k in sorted(keys)) or "none"
        raise FrameError("unknown_spi", f"no key for SPI {spi} (known: {known})")
    signed, given = frame[: -CRC_LENGTH - MAC_LENGTH], frame[-CRC_LENGTH - MAC_LENGTH : -CRC_LENGTH]
    if not hmac.compare_digest(mac(key, signed), given):
        raise FrameError("bad_mac", f"the MAC is not that of SPI {spi}'s key over this frame")
    return OpenedTc(spi, sequence_number, _plain(signed))


def _plain(signed: bytes) -> bytes:
    """The packet without its security header, its length field and CRC made for that."""
    header = _resized(signed[:PRIMARY_HEADER_LENGTH], -SECURED_OVERHEAD)
    return with_crc(header + signed[PRIMARY_HEADER_LENGTH + SECURITY_HEADER_LENGTH :])


def _resized(header: bytes, by: int) -> bytes:
    """A primary header whose packet data length is `by` octets longer."""
    (length,) = _LENGTH.unpack_from(header, _LENGTH_OFFSET)
    return header[:_LENGTH_OFFSET] + _LENGTH.pack(length + by)
