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
from dataclasses import dataclass
from pathlib import Path

from flightsw.config.secret_files import write_secret
from flightsw.errors import FrameError
from flightsw.icd.sdls import DEFAULT_WINDOW, MAX_SEQUENCE_NUMBER, MAX_SPI, open_secured

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


@dataclass(frozen=True, slots=True)
class Stored:
    """What the spacecraft keeps across restarts: the active SPI (None: the key file's) and,
    for each SPI, the mark at or below which no number is taken."""

    active: int | None
    marks: dict[int, int]


class ReplayState:
    """The onboard security state on disk: JSON `{"active": SPI, "marks": {"SPI": mark}}`,
    replaced whole at each write."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> Stored:
        """What was last stored; nothing if there is no file yet.

        Raises:
            OSError, ValueError: the file cannot be read, or does not hold such a state.
        """
        try:
            text = self.path.read_text()
        except FileNotFoundError:
            return Stored(None, {})
        try:
            stored = json.loads(text)
            active = stored["active"]
            marks = {int(spi): int(mark) for spi, mark in stored["marks"].items()}
            valid = (active is None or 0 <= int(active) <= MAX_SPI) and all(
                0 <= mark <= MAX_SEQUENCE_NUMBER for mark in marks.values()
            )
        except (ValueError, TypeError, AttributeError, KeyError, OverflowError):
            valid = False
        if not valid:
            raise ValueError(
                f"{self.path} does not hold the anti-replay marks this spacecraft stores "
                '({"active": SPI, "marks": {"SPI": mark}}); it was damaged or replaced. '
                "Removing it lets old telecommands be replayed: make a new key first"
            )
        return Stored(None if active is None else int(active), marks)

    def store(self, stored: Stored) -> None:
        """Replace the file whole: a crash leaves the old one or the new, never half of one.

        Raises:
            OSError: it cannot be written (a full disk, a symbolic link planted as the
            temporary file: it is never followed).
        """
        marks = {str(spi): mark for spi, mark in stored.marks.items()}
        text = json.dumps({"active": stored.active, "marks": marks})
        write_secret(self.path.with_suffix(".tmp"), text)
        os.replace(self.path.with_suffix(".tmp"), self.path)


class TcAuthenticator:
    """Opens secured telecommands: the plain packet, or FrameError with the reason.

    Only the active SPI's telecommands are taken: the key file's `active` at first, then the one
    a rekey (`activate`) chose, which is stored and outlives the process.
    """

    def __init__(
        self,
        keys: Mapping[int, bytes],
        state: ReplayState,
        window: int = DEFAULT_WINDOW,
        active_spi: int | None = None,
    ) -> None:
        self.keys = dict(keys)
        self.state = state
        stored = state.load()
        self.marks = stored.marks  # for each SPI, no number at or below is taken
        self.active = stored.active if stored.active is not None else active_spi
        self.window = ReplayWindow(self.marks, window)

    def open(self, frame: bytes) -> bytes:
        """Check `frame`'s CRC, SPI, MAC and sequence number; take the number; the plain packet.

        Raises FrameError: too_short, length_mismatch, bad_crc, unknown_spi, bad_mac,
        inactive_spi, replayed, outside_window.
        """
        opened = open_secured(frame, self.keys)
        spi, number = opened.spi, opened.sequence_number
        if self.active is not None and spi != self.active:
            raise FrameError(
                "inactive_spi",
                f"SPI {spi} is not the active key; telecommands take SPI {self.active}",
            )
        self.window.check(spi, number)
        if number > self.marks.get(spi, 0):  # stored before the command runs, never after
            marks = {**self.marks, spi: min(number + RESERVE, MAX_SEQUENCE_NUMBER)}
            self._store(self.active, marks)  # only what is stored is believed
            self.marks = marks
        self.window.take(spi, number)
        return opened.plain

    def activate(self, spi: int) -> None:
        """Take telecommands under `spi` only, from now on and after a restart (a rekey).

        Raises:
            KeyError: there is no key with that SPI onboard.
        """
        if spi not in self.keys:
            raise KeyError(spi)
        self._store(spi, self.marks)
        self.active = spi

    def _store(self, active: int | None, marks: dict[int, int]) -> None:
        """Write the state, or FrameError `state_unwritable`: nothing is taken that a restart
        would not know of."""
        try:
            self.state.store(Stored(active, marks))
        except OSError as error:
            raise FrameError(
                "state_unwritable",
                f"the anti-replay state cannot be written to {self.state.path} "
                f"({error.strerror or error}); nothing is taken until it can",
            ) from None

    def last_taken(self) -> dict[int, int]:
        """The last sequence number taken per SPI (what the ground signs on from)."""
        return dict(self.window.last)
