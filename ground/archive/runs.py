"""The runs in a data directory: which archive is the newest, and whether one can be written again."""

from __future__ import annotations

import re
from pathlib import Path

from ground.errors import ArchiveError

_REPLAY = re.compile(r".*-replay(-\d+)?")  # what `mission replay` writes beside the runs


def run_archive(data_dir: Path, run_name: str) -> Path:
    """Where run `run_name` of `data_dir` is archived."""
    return data_dir / f"{run_name}.sqlite"


def latest_run(data_dir: Path) -> str:
    """The name of the run archived last in `data_dir` (by its files' last change; replays are
    not runs).

    The write-ahead log changes with every commit, the archive only at checkpoints, so both count.

    Raises:
        ArchiveError: `data_dir` holds no run.
    """
    changed: dict[str, float] = {}
    for path in data_dir.glob("*.sqlite") if data_dir.is_dir() else ():
        if _REPLAY.fullmatch(path.stem):
            continue
        companions = (path, path.with_name(path.name + "-wal"))
        changed[path.stem] = max(c.stat().st_mtime for c in companions if c.exists())
    if not changed:
        raise ArchiveError(
            f"no run to resume in {data_dir}: start the ground without --resume to begin one"
        )
    return max(changed, key=lambda stem: (changed[stem], stem))
