"""The ground's side of telecommand authentication: every frame sent up is signed.

The frame leaves as a secured telecommand (`flightsw.icd.sdls`) under the key file's active SPI,
each with the next sequence number. The number signs on from what the spacecraft last took (its
status: the frame security report), so a ground that starts, resumes or meets a restarted
spacecraft is never refused as a replay; within a run it only goes up.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from flightsw.config import TcKeys, with_active
from flightsw.icd import sdls

log = logging.getLogger(__name__)


class TcSigner:
    """Signs plain telecommands with the active key and the next sequence number."""

    def __init__(self, keys: TcKeys, mission: str, window: int = sdls.DEFAULT_WINDOW) -> None:
        self.keys = keys
        self.mission = mission
        self.window = window
        self.next_number = 1

    def sign_from(
        self, last_taken: Mapping[int, int], active_spi: int | None = None, waiting: int = 0
    ) -> None:
        """Go on above the number the spacecraft last took under the active SPI (never down).

        `active_spi`: the key the spacecraft says it takes now (a rekey the ground missed).
        `waiting`: telecommands on board waiting for their arrival time, perhaps signed by a
        ground before this one: their numbers are skipped (at most half the window, so that
        what is signed next is still inside it).
        """
        if active_spi is not None and active_spi != self.keys.active_spi:
            self.activate(active_spi)
        skipped = min(waiting, self.window // 2)
        last = last_taken.get(self.keys.active_spi, 0)
        self.next_number = max(self.next_number, last + 1 + skipped)

    def activate(self, spi: int) -> None:
        """Sign with `spi`'s key from now on, and say so in the key file (a rekey completed).

        Raises:
            KeyError: the key file has no such SPI.
        """
        self.keys = with_active(self.keys, spi, self.mission)
        self.next_number = 1  # another key: its numbers start afresh (sign_from moves them up)
        log.warning(
            "rekey: telecommands are signed with SPI %d from now on (%s)", spi, self.keys.path
        )

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
