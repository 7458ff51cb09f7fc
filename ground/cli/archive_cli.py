"""`mission archive import-spill`: load rows a ground could not write back into their archive."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from flightsw.cli import EXIT_OK
from ground.archive import import_spill, load_spills


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


def run_archive(args: argparse.Namespace) -> int:
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
