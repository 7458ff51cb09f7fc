"""`ground --resume`: which run to pick up, whether its archive may be written again, and how.

A ground killed outright (`kill -9`, a power cut) leaves its archive intact up to its last
commit (WAL mode commits once per mission second). `--resume` reopens it instead of starting
a new run, after these checks, any of which refuses with what to do:

- the archive exists (`--run-name`, or the run archived last in the data directory);
- SQLite's `quick_check` finds the file sound, and its schema is this ground's;
- spill files a ground that could not write left beside it load into it (`load_spills`);
- the run is of this mission, its seed and epoch, and was flown with this very config file
  (its SHA-256) and this spacecraft dictionary.

Then the ground takes up the run (`take_up`): if the spacecraft flying is the one the archive's
last segment holds (its counts and time only went forward), the ground's state comes back from
the archive (`ground.process.restore`) and the frames it missed are asked of the onboard
recorder (`ground.process.recovery`); if it is another one (restarted while the ground was
down), a new segment begins.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

from flightsw.clock import wall_utc
from flightsw.config import MissionConfig
from ground.archive import load_spills
from ground.archive.runs import latest_run, run_archive
from ground.archive.store import Archive
from ground.dictionary import Dictionary
from ground.errors import ArchiveError, ResumeRefused
from ground.process.attachment import Attachment, Known, why_another
from ground.process.recovery import Gap, find_gap
from ground.process.restore import restore
from ground.process.segments import begin_segment
from ground.process.service import GroundService

log = logging.getLogger(__name__)

CONFIG_DIGEST = "config_sha256"  # the meta key of the config file's digest
RESUMED = "resumed"  # the event's name


def config_digest(config: MissionConfig) -> str:
    """SHA-256 of the config file as read: the same file, byte for byte, or another."""
    return hashlib.sha256(Path(config.path).read_bytes()).hexdigest()


def open_for_resume(
    data_dir: Path, run_name: str | None, config: MissionConfig, dictionary: Dictionary
) -> Archive:
    """Reopen a run's archive to write on, once it has passed every check.

    Raises:
        ResumeRefused: there is no such run, or it cannot be taken up; the message says why.
    """
    try:
        name = run_name or latest_run(data_dir)
    except ArchiveError as error:
        raise ResumeRefused(str(error)) from None
    path = run_archive(data_dir, name)
    if not path.is_file():
        raise ResumeRefused(
            f"no run {name!r} to resume in {data_dir} ({path} does not exist): check --run-name "
            "and --data-dir, or start without --resume to begin a new run"
        )
    try:
        # Writable: the first connection after a crash takes in its committed write-ahead log.
        with Archive.open(path, readonly=False) as archive:
            _check(archive, config, dictionary)
        for loaded in load_spills(path):  # rows a ground could not write come before new ones
            log.info("loaded %s into %s: %s", loaded.path.name, path.name, loaded.summary)
        return Archive.open(path, readonly=False)
    except ArchiveError as error:
        raise ResumeRefused(f"cannot resume {name!r}: {error}") from None


def _check(archive: Archive, config: MissionConfig, dictionary: Dictionary) -> None:
    problems = archive.integrity_problems()
    if problems:
        shown = "; ".join(problems[:5])
        raise ResumeRefused(
            f"cannot resume {archive.path.stem!r}: SQLite finds the archive damaged ({shown}). "
            "Keep the file for inspection and start a new run (without --resume)"
        )
    meta = archive.meta()
    expected = {
        "mission": config.name,
        "seed": config.context.seed,
        "epoch_unix_s": config.context.epoch_unix_s,
        CONFIG_DIGEST: config_digest(config),
        "dictionary": json.dumps(dictionary.raw),
    }
    words = {
        "mission": "the mission",
        "seed": "the seed",
        "epoch_unix_s": "the epoch",
        CONFIG_DIGEST: f"the config file ({config.path} has changed since the run began)",
        "dictionary": "the spacecraft's dictionary (another flight software or config)",
    }
    for key, value in expected.items():
        if meta.get(key) != value:
            raise ResumeRefused(
                f"cannot resume {archive.path.stem!r}: {words[key]} differs from the run's. "
                "Resume it with what it was flown with, or start a new run (without --resume)"
            )


def take_up(service: GroundService, attachment: Attachment) -> Gap | None:
    """Go on with the run `service.archive` holds beside the spacecraft `attachment` describes;
    return the gap to recover (None: none, or another spacecraft flies now)."""
    archive = service.archive
    segment = archive.segment
    last = archive.last_frames(segment)
    known = Known(
        time_s=max((time_s for _, time_s in last.values()), default=0.0),
        generated=archive.frame_counts(segment),
    )
    another = why_another(known, attachment)
    restore(service, known.time_s if another else attachment.time_s)
    text = f"the ground picked run {archive.path.stem} up again at {wall_utc()}"
    if another is not None:
        service.ground_event(RESUMED, 2, f"{text}; another spacecraft flies", {"segment": segment})
        begin_segment(
            service,
            attachment.time_s,
            f"another spacecraft flies since the ground was down: {another}",
        )
        return None
    segments = {row.segment: row for row in archive.segments()}
    start_s = segments[segment].start_s if segment in segments else 0.0
    gap = find_gap(archive, segment, attachment, start_s)
    if gap is None:
        service.ground_event(RESUMED, 2, f"{text}; nothing was missed", {"segment": segment})
    else:
        service.ground_event(
            RESUMED,
            2,
            f"{text}; {gap.frames_missing} frames made between T+{gap.start_s:.1f} s and "
            f"T+{gap.end_s:.1f} s are not archived: asking the onboard recorder for them",
            {"segment": segment, "start_s": gap.start_s, "end_s": gap.end_s,
             "missing": gap.frames_missing},
        )  # fmt: skip
    return gap
