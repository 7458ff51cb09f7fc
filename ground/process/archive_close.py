"""The end of a run's archive: every row written, or saved to a spill file, or said to be lost.

On shutdown (asked, SIGTERM, a reset, or a full holding buffer) the ground commits once more;
if that fails it saves what it holds to `RUN.spill-<n>.msgpack` beside the archive, where
`mission archive import-spill` and a resumed run look for it, or, when the archive's own folder
cannot take it, in the temporary folder (often another file system, so the likeliest to have
room). Either way it says what was not written (rows per table, mission-time span), where it
went, and how to load it; never a traceback.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ground.archive import Archive, HeldSummary, write_spill
from ground.errors import ArchiveError

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ArchiveClosed:
    """How a run's archive ended: `unwritten` rows (None: none) and where they went."""

    path: Path
    unwritten: HeldSummary | None = None
    spill: Path | None = None  # None with rows unwritten: they are lost

    @property
    def complete(self) -> bool:
        return self.unwritten is None


def spill_folders(archive_path: Path) -> list[Path]:
    """Where a spill may go, in order: beside the archive, then the temporary folder."""
    return [archive_path.parent, Path(tempfile.gettempdir())]


def close_archive(archive: Archive) -> ArchiveClosed:
    """Commit what is pending and close; what cannot be committed is spilled, and said."""
    if archive.closed:
        return ArchiveClosed(archive.path)
    archive.try_flush()
    failure = archive.failure
    if failure is None or not archive.stats.pending_rows:
        archive.close()
        return ArchiveClosed(archive.path)
    held = archive.held()
    unwritten = held.summary()
    where = archive.path.parent
    try:
        spill = write_spill(held, archive.path, spill_folders(archive.path))
    except ArchiveError as error:
        archive.close(discard_pending=True)
        log.error(
            "%s; %s were not written and are lost: %s. Frames may still be in the spacecraft's "
            "onboard recorder: play them back (`dump START END` in the console) once a ground "
            "runs again.",
            failure,
            unwritten,
            error,
        )
        return ArchiveClosed(archive.path, unwritten)
    archive.close(discard_pending=True)
    if spill.parent == where:
        load = f"`mission archive import-spill {archive.path}`"
        elsewhere = ""
    else:
        load = f"`mission archive import-spill {archive.path} {spill}`"
        elsewhere = (
            f" ({where} could not take it; the temporary folder may be emptied at restart, "
            f"so move the file next to the archive or load it soon)"
        )
    log.error(
        "%s; %s were not written to it and are saved in %s%s. To load them into the archive: "
        "%s, then run %s",
        failure,
        unwritten,
        spill,
        elsewhere,
        failure.advice,
        load,
    )
    return ArchiveClosed(archive.path, unwritten, spill)
