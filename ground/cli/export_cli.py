"""`mission export`: a run's tables, or parameters side by side, as CSV or Parquet."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from flightsw.cli import EXIT_OK
from ground.archive import Archive
from ground.archive.schema import TABLES
from ground.archive.side_by_side import side_by_side
from ground.archive.telemetry_tables import TABLE_PREFIX
from ground.archive.writers import format_for, write_rows
from ground.errors import ReplayError

WHOLE = (*TABLES, "samples")  # what is exported whole, on its own (and the tables tm_<subsystem>)


def _whole(name: str) -> bool:
    return name in WHOLE or (name.startswith(TABLE_PREFIX) and "." not in name)


def add_parser(commands: Any) -> None:
    """Add the `export` subcommand to `mission`'s subparsers."""
    export = commands.add_parser(
        "export",
        help="write a run's table, or parameters side by side, as CSV or Parquet",
        description="Write one table of a run's archive (a subsystem's telemetry is "
        "tm_<subsystem>), every sample of every parameter (`samples`), or one or more parameters side by side: a row per instant any of them "
        "was sampled, with the segment, mission time and UTC, empty where a parameter has no "
        "sample. To standard output unless --out names a file; Parquet for a .parquet file or "
        "with --format parquet (pip install '.[parquet]'). The form ARCHIVE WHAT FILE.csv works "
        "too.",
    )
    export.add_argument("archive", type=Path, help="a run's archive, e.g. runs/day.sqlite")
    export.add_argument(
        "what",
        nargs="+",
        help=f"{', '.join(WHOLE)}, tm_<subsystem>; or parameter names such as power.battery_soc",
    )
    export.add_argument("-o", "--out", help="the file to write; - (the default) is stdout")
    export.add_argument("--format", choices=("csv", "parquet"), help="default: from --out's suffix")
    export.add_argument("--start-s", type=float, help="parameters from this mission second on")
    export.add_argument("--end-s", type=float, help="parameters up to this mission second")
    export.add_argument("--segment", type=int, help="parameters of this segment only")


def run_export(args: argparse.Namespace) -> int:
    """Write what was asked and say how many rows, on stderr when the rows go to stdout."""
    what: list[str] = list(args.what)
    out_text: str | None = args.out
    if out_text is None and len(what) > 1 and Path(what[-1]).suffix in (".csv", ".parquet"):
        out_text = what.pop()  # the form ARCHIVE WHAT FILE
    out = None if out_text in (None, "-") else Path(out_text)
    whole = [name for name in what if _whole(name)]
    if whole and len(what) > 1:
        raise ReplayError(f"{whole[0]} is exported on its own; parameters may go side by side")
    for name in what:
        if not _whole(name) and "." not in name:
            raise ReplayError(
                f"cannot export {name!r}: choose one of {', '.join(WHOLE)}, or parameter names "
                "subsystem.param (e.g. power.battery_soc)"
            )
    with Archive.open(args.archive) as archive:
        if whole:
            header, rows = archive.export_rows(what[0])
        else:
            header, rows = side_by_side(archive, what, args.start_s, args.end_s, args.segment)
        count = write_rows(header, rows, out, format_for(out, args.format))
    told = sys.stderr if out is None else sys.stdout
    print(f"mission: wrote {count} rows of {', '.join(what)} to {out or 'stdout'}", file=told)
    return EXIT_OK
