"""How refusals are reported: the first of each reason at once, the rest in one summary per window.

Both processes count every refusal, exactly and forever (the counters are small: one per
reason). What they *say* about refusals (an event on the link, a log line, an archived frame, a
live-feed message) grows with the input, so under a flood it is rate-limited the way docs/icd.md
("Frames refused") states: in each window of `REFUSAL_SUMMARY_INTERVAL_S` mission seconds the
first `full_per_reason` refusals of each reason are reported in full, and the others are told
in one summary when the window closes. Time is passed in (mission time), never read here, so a
stepped run reports the same refusals at the same instants every time.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from flightsw.icd.margins import REFUSAL_SUMMARY_INTERVAL_S


@dataclass(frozen=True, slots=True)
class RefusalSummary:
    """Refusals of a closed window not reported in full: how many, of which reasons."""

    start_s: float
    end_s: float
    by_reason: tuple[tuple[str, int], ...]  # sorted by reason

    @property
    def total(self) -> int:
        return sum(count for _, count in self.by_reason)

    def text(self) -> str:
        """`5000 more refused in 60 s (bad_crc 4990, too_short 10)`."""
        reasons = ", ".join(f"{reason} {count}" for reason, count in self.by_reason)
        return f"{self.total} more refused in {self.end_s - self.start_s:g} s ({reasons})"


class RefusalReporter:
    """Count refusals by reason and say which to report in full; summarise the rest per window.

    Args:
        full_per_reason: refusals of one reason reported in full per window.
        interval_s: the window, in mission seconds.
        octets_per_window: with `admit(..., octets=)`, the most octets reported in full per
            window, all reasons together (the ground's archive of refused frames); 0: no limit.
    """

    def __init__(
        self,
        full_per_reason: int = 1,
        interval_s: float = REFUSAL_SUMMARY_INTERVAL_S,
        octets_per_window: int = 0,
    ) -> None:
        self.full_per_reason = full_per_reason
        self.interval_s = interval_s
        self.octets_per_window = octets_per_window
        self.counts = Counter[str]()  # every refusal ever, by reason
        self.reported = 0  # reported in full
        self.summarised = 0  # told in a summary
        self._start_s: float | None = None  # the open window's start; None: no window open
        self._in_window = Counter[str]()
        self._octets = 0
        self._suppressed = Counter[str]()

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def admit(self, reason: str, now_s: float, octets: int = 0) -> bool:
        """Count one refusal; True if it is to be reported in full, False if only summarised.

        A window that has run its course is closed first, its summary kept for `summary`.
        """
        self.counts[reason] += 1
        if self._start_s is None:
            self._start_s = now_s
        seen = self._in_window[reason]
        self._in_window[reason] = seen + 1
        over_octets = self.octets_per_window and self._octets + octets > self.octets_per_window
        if seen < self.full_per_reason and not over_octets:
            self._octets += octets
            self.reported += 1
            return True
        self._suppressed[reason] += 1
        return False

    def first_in_window(self, reason: str) -> bool:
        """The refusal just admitted was the first of its reason in this window."""
        return self._in_window[reason] == 1

    def summary(self, now_s: float) -> RefusalSummary | None:
        """Close the window if `now_s` is past it; its summary if anything was held back.

        Call it as time moves (every tick, every step): a window closes only when asked, so a
        clock that stands still (a stepped run between steps) keeps one window open.
        """
        start_s = self._start_s
        if start_s is None or start_s <= now_s < start_s + self.interval_s:
            return None
        suppressed = self._suppressed
        self._start_s = None
        self._in_window = Counter()
        self._octets = 0
        self._suppressed = Counter()
        if not suppressed:
            return None
        self.summarised += sum(suppressed.values())
        return RefusalSummary(start_s, now_s, tuple(sorted(suppressed.items())))
