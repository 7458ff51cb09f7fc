"""Whether the run's archive can be written: retries on a backoff, and the alarm that says why not.

A commit that fails keeps its rows held in memory (`ground.archive.batch`). The watch makes
that a red alarm, `ground.archive`, through the alarm manager like any rule's: archived once
the archive can be written again, on the live feed, in `alarms` and in `status`. It retries the
commit on a backoff of mission time (1 s, doubling up to 60 s), not on every frame: a disk that
refuses every write would otherwise cost a failed transaction per packet. When a retry
succeeds the alarm returns to normal, and the service tells how many rows were written late.
While time stands still (a paused or idle ground) nothing retries; the shutdown tries once more.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flightsw.icd import Severity
from ground.api import ArchiveStatus, Event
from ground.archive import Archive, WriteFailure
from ground.rules.engine import RuleTransition
from ground.vocabulary import AlarmSeverity, RuleState

log = logging.getLogger(__name__)

ALARM = "ground.archive"
SEVERITY = AlarmSeverity.CRITICAL  # red: telemetry is not being kept where it should be
FIRST_RETRY_S = 1.0
LONGEST_RETRY_S = 60.0


def condition(failure: WriteFailure, archive: Archive) -> str:
    """The alarm's text: what failed, what is held, what to do."""
    return (
        f"{failure}; the rows not written are held in memory (up to {archive.hold}, then the "
        f"ground saves them to a spill file and stops); {failure.advice} — writing resumes by "
        "itself"
    )


@dataclass(frozen=True, slots=True)
class WatchNews:
    """What the watch saw: an alarm transition, and the event to tell when writing resumed."""

    transition: RuleTransition
    resumed: Event | None = None


class ArchiveWatch:
    """Retry a failing archive on a backoff; say when it fails and when it is written again."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.failing_since_s: float | None = None
        self._retry_s = FIRST_RETRY_S
        self._next_retry_s = 0.0

    @property
    def must_stop(self) -> bool:
        """The archive cannot be written and holds all it may."""
        return self.archive.failure is not None and self.archive.held_full

    def poll(self, now_s: float) -> WatchNews | None:
        """Commit what is pending, or, while commits fail, retry if one is due; say what changed."""
        archive = self.archive
        if self.failing_since_s is None:
            archive.try_flush()
            failure = archive.failure
            if failure is None:
                return None
            return self._failed(now_s, failure)
        if now_s < self._next_retry_s:
            return None
        rows_late = archive.try_flush()
        failure = archive.failure
        if failure is not None:
            return self._still_failing(now_s, failure)
        since_s, self.failing_since_s = self.failing_since_s, None
        self._retry_s = FIRST_RETRY_S
        text = (
            f"the archive {archive.path} is written again: {rows_late:,} rows held since "
            f"mission time {since_s:.1f} s were written late"
        )
        log.info("%s", text)
        params = {"rows_late": rows_late, "held_since_s": since_s}
        resumed = Event(now_s, "ground", "archive_written", Severity(1), text, params, now_s)
        back = self._transition(now_s, RuleState.VIOLATED, RuleState.GREEN, "", 0)
        return WatchNews(back, resumed)

    def status(self) -> ArchiveStatus:
        """The archive as `status` shows it."""
        archive = self.archive
        stats, failure = archive.stats, archive.failure
        return ArchiveStatus(
            path=str(archive.path),
            writable=failure is None,
            problem="" if failure is None else condition(failure, archive),
            failing_since_s=self.failing_since_s,
            rows_held=stats.pending_rows,
            bytes_held=stats.pending_bytes,
            hold_rows=archive.hold.rows,
            hold_bytes=archive.hold.size_bytes,
            rows_written_late=stats.rows_written_late,
        )

    def _failed(self, now_s: float, failure: WriteFailure) -> WatchNews:
        self.failing_since_s = now_s
        self._retry_s = FIRST_RETRY_S
        self._next_retry_s = now_s + self._retry_s
        held = self.archive.stats.pending_rows
        log.error(
            "%s; %s rows are held in memory (limit %s); %s — writing resumes by itself "
            "(SQLite: %s, %s)",
            failure,
            f"{held:,}",
            self.archive.hold,
            failure.advice,
            failure.error_name,
            failure.detail,
        )
        text = condition(failure, self.archive)
        return WatchNews(self._transition(now_s, RuleState.GREEN, RuleState.VIOLATED, text, held))

    def _still_failing(self, now_s: float, failure: WriteFailure) -> WatchNews:
        self._retry_s = min(2 * self._retry_s, LONGEST_RETRY_S)
        self._next_retry_s = now_s + self._retry_s
        held = self.archive.stats.pending_rows
        log.warning(
            "%s (%s); %s rows held (limit %s); next try at mission time %.1f s",
            failure,
            failure.error_name,
            f"{held:,}",
            self.archive.hold,
            self._next_retry_s,
        )
        # Same state, new value: the alarm shows the rows held now, and no step is archived.
        text = condition(failure, self.archive)
        return WatchNews(
            self._transition(now_s, RuleState.VIOLATED, RuleState.VIOLATED, text, held)
        )

    def _transition(
        self, now_s: float, old: RuleState, new: RuleState, text: str, held: int
    ) -> RuleTransition:
        severity = None if new is RuleState.GREEN else SEVERITY
        return RuleTransition(ALARM, now_s, old, new, held, severity, text)
