"""CRC-16/CCITT-FALSE, the CCSDS packet error control field."""

from __future__ import annotations

import binascii


def crc16_ccitt_false(data: bytes | bytearray | memoryview) -> int:
    """Return CRC-16/CCITT-FALSE of `data` (poly 0x1021, init 0xFFFF, no reflection, no xor-out).

    `binascii.crc_hqx` is exactly this CRC when seeded with 0xFFFF; the check value of
    b"123456789" is 0x29B1.
    """
    return binascii.crc_hqx(data, 0xFFFF)
