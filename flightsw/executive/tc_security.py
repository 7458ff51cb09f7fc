"""The spacecraft's telecommand authentication: MAC first, then the anti-replay window.

Every uplinked frame is opened (`flightsw.icd.sdls`: CRC, SPI, MAC) and its sequence number
checked against the window of its SPI before anything of it is decoded. A number is taken if
it is above the last one taken and at most `window` above it (SDLS's anti-replay sequence
number window): a replay, or one from too far ahead, is refused.

The numbers outlive the process in a state file, the spacecraft's non-volatile memory, so a
frame cannot be replayed after a restart. Writing it for every telecommand would cost about
200 us each; instead it holds a mark RESERVE numbers above the last one taken, written before the
command that passes the old mark runs. A restarted spacecraft starts from the mark: it refuses
every number it ever took (and the unused ones below the mark), and the ground, which signs on
from what the spacecraft says it last took, signs above the mark.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from pathlib import Path

from flightsw.errors import FrameError
from flightsw.icd.sdls import DEFAULT_WINDOW, MAX_SEQUENCE_NUMBER, open_secured

log = logging.getLogger(__name__)

RESERVE = 1000  # numbers the stored mark runs ahead of the last one taken


class ReplayWindow:
    """The last sequence number taken per SPI, and the window above it."""

    def __init__(self, last: Mapping[int, int], window: int = DEFAULT_WINDOW) -> None:
        self.last = dict(last)
        self.window = window

    def check(self, spi: int, number: int) -> None:
        """Raise FrameError `replayed` or `outside_window` unless `number` may be taken."""
        last = self.last.get(spi, 0)
        if number <= last:
            raise FrameError(
                "replayed",
                f"sequence number {number} of SPI {spi} is not above {last}, the last taken",
            )
        if number > last + self.window:
            raise FrameError(
                "outside_window",
                f"sequence number {number} of SPI {spi} is more than {self.window} above {last}, "
                "the last taken",
            )

    def take(self, spi: int, number: int) -> None:
        self.last[spi] = number


class ReplayState:
    """The window's numbers on disk: JSON `{"SPI": last}`, replaced whole at each write."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> dict[int, int]:
        """The numbers last stored; none if there is no file yet.

        Raises:
            OSError, ValueError: the file cannot be read, or does not hold such numbers.
        """
        try:
            text = self.path.read_text()
        except FileNotFoundError:
            return {}
        try:
            stored = json.loads(text)
            numbers = {int(spi): int(last) for spi, last in stored.items()}
        except (ValueError, TypeError, AttributeError):
            numbers = {}
            stored = None
        if stored is None or any(
            not 0 <= number <= MAX_SEQUENCE_NUMBER for number in numbers.values()
        ):
            raise ValueError(
                f"{self.path} does not hold the anti-replay numbers this spacecraft stores "
                '({"SPI": last sequence number taken}); it was damaged or replaced. Removing '
                "it lets old telecommands be replayed: make a new key first"
            )
        return numbers

    def store(self, last: Mapping[int, int]) -> None:
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps({str(spi): number for spi, number in last.items()}))
        os.replace(temporary, self.path)  # a crash leaves the old file or the new, never half


class TcAuthenticator:
    """Opens secured telecommands: the plain packet, or FrameError with the reason."""

    def __init__(
        self, keys: Mapping[int, bytes], state: ReplayState, window: int = DEFAULT_WINDOW
    ) -> None:
        self.keys = dict(keys)
        self.state = state
        self.marks = state.load()  # what is stored: for each SPI, no number at or below is taken
        self.window = ReplayWindow(self.marks, window)

    def open(self, frame: bytes) -> bytes:
        """Check `frame`'s CRC, SPI, MAC and sequence number; take the number; the plain packet.

        Raises FrameError: too_short, length_mismatch, bad_crc, unknown_spi, bad_mac,
        replayed, outside_window.
        """
        opened = open_secured(frame, self.keys)
        spi, number = opened.spi, opened.sequence_number
        self.window.check(spi, number)
        if number > self.marks.get(spi, 0):  # stored before the command runs, never after
            self.marks[spi] = min(number + RESERVE, MAX_SEQUENCE_NUMBER)
            self.state.store(self.marks)
        self.window.take(spi, number)
        return opened.plain

    def last_taken(self) -> dict[int, int]:
        """The last sequence number taken per SPI (what the ground signs on from)."""
        return dict(self.window.last)
