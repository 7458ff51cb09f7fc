"""`mission archive`: load rows a ground could not write back into their archive
(`import-spill`), and convert an archive of the previous layout (`convert`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from flightsw.cli import EXIT_OK
from ground.archive import import_spill, load_spills
from ground.archive.convert import convert, converted_path


def add_parser(commands: Any) -> None:
    """Add the `archive` subcommand (and its `import-spill`) to `mission`'s subparsers."""
    archive = commands.add_parser("archive", help="look after a run's archive")
    verbs = archive.add_subparsers(dest="archive_command", required=True)
    spill = verbs.add_parser(
        "import-spill",
        help="load the rows a ground saved to spill files into the run's archive",
        description="A ground that had to stop while its archive could not be written saved "
        "the rows it held to ARCHIVE_STEM.spill-N.msgpack beside the archive (or in the "
        "temporary folder, as its log says). This loads them into the archive, oldest first, "
        "in one transaction each, and removes each file once its rows are in; a file already "
        "loaded is not loaded twice.",
    )
    spill.add_argument("archive", type=Path, help="the run's archive, e.g. runs/day.sqlite")
    spill.add_argument(
        "spills",
        type=Path,
        nargs="*",
        help="spill files to load, in this order (default: every spill file beside ARCHIVE)",
    )

    convert_verb = verbs.add_parser(
        "convert",
        help="copy an archive of the previous layout (schema 4) into this one",
        description="Archives written before typed telemetry tables (schema 4: telemetry "
        "packed per report, frames uncompressed) are not opened as they are. This writes a "
        "copy in this layout beside the old file (RUN.v5.sqlite, or OUT), with every frame, "
        "report, event, command, alarm and audit row; the old file is only read.",
    )
    convert_verb.add_argument("archive", type=Path, help="the old archive, e.g. runs/day.sqlite")
    convert_verb.add_argument("out", type=Path, nargs="?", help="the new file (default: beside it)")


def run_archive(args: argparse.Namespace) -> int:
    if args.archive_command == "convert":
        return run_convert(args.archive, args.out)
    return run_import_spill(args)


def run_convert(old: Path, out: Path | None) -> int:
    new = out or converted_path(old)
    shown = Progress()
    done = convert(old, new, shown)
    shown.end()
    print(
        f"mission: converted {old} ({done.size_before_bytes / 1e6:,.1f} MB) into {done.path} "
        f"({done.size_after_bytes / 1e6:,.1f} MB): {done.frames:,} frames, {done.reports:,} "
        f"reports, {done.samples:,} parameter samples"
    )
    return EXIT_OK


class Progress:
    """A progress line on stderr, redrawn at most once per tenth of the work."""

    def __init__(self) -> None:
        self._shown: tuple[str, int] | None = None

    def __call__(self, what: str, done: int, total: int) -> None:
        tenth = 10 * done // max(total, 1)
        if self._shown != (what, tenth):
            self._shown = (what, tenth)
            line = f"mission: {what} {done:,} of {total:,}"
            if sys.stderr.isatty():  # one line redrawn; a log gets a line each
                print(f"\r{line}", end="", file=sys.stderr, flush=True)
            else:
                print(line, file=sys.stderr, flush=True)

    def end(self) -> None:
        if self._shown is not None and sys.stderr.isatty():
            print(file=sys.stderr)


def run_import_spill(args: argparse.Namespace) -> int:
    archive: Path = args.archive
    if args.spills:
        loaded = [import_spill(archive, path) for path in args.spills]
    else:
        loaded = load_spills(archive)
    if not loaded:
        print(f"mission: no spill files beside {archive}; nothing to load")
    for spill in loaded:
        if spill.before:
            print(f"mission: {spill.path} was loaded into {archive} before; nothing added")
        else:
            print(f"mission: loaded {spill.summary} from {spill.path} into {archive}")
    return EXIT_OK
