"""The ground's side of telecommand authentication: every frame sent up is signed.

The frame leaves as a secured telecommand (`flightsw.icd.sdls`) under the key file's active SPI,
each with the next sequence number. The number signs on from what the spacecraft last took (its
status: the frame security report), so a ground that starts, resumes or meets a restarted
spacecraft is never refused as a replay; within a run it only goes up.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from flightsw.config import TcKeys
from flightsw.icd import sdls

log = logging.getLogger(__name__)


class TcSigner:
    """Signs plain telecommands with the active key and the next sequence number."""

    def __init__(self, keys: TcKeys) -> None:
        self.keys = keys
        self.next_number = 1

    def sign_from(self, last_taken: Mapping[int, int]) -> None:
        """Go on above the number the spacecraft last took under the active SPI (never down)."""
        self.next_number = max(self.next_number, last_taken.get(self.keys.active_spi, 0) + 1)

    def sign(self, plain: bytes) -> bytes:
        """The secured form of `plain`, with the next sequence number.

        Raises:
            OverflowError: the key's sequence numbers are spent (2**32 telecommands): rekey.
        """
        number = self.next_number
        if number > sdls.MAX_SEQUENCE_NUMBER:
            raise OverflowError(
                f"SPI {self.keys.active_spi} has signed its last sequence number; make a new key"
            )
        self.next_number = number + 1
        return sdls.secure(plain, self.keys.active_spi, number, self.keys.active_key)
