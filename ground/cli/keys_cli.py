"""`mission keys new`: make a spacecraft's telecommand key file."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from flightsw.cli import EXIT_OK, EXIT_USAGE
from flightsw.config import KEYS_MADE, keys_path, load_mission, new_keys


def add_parser(commands: Any) -> None:
    """Add the `keys` subcommand (and its `new`) to `mission`'s subparsers."""
    keys = commands.add_parser("keys", help="make and look after telecommand keys")
    verbs = keys.add_subparsers(dest="keys_command", required=True)
    new = verbs.add_parser(
        "new",
        help="make a new key file for a mission's spacecraft",
        description="Make a 256-bit telecommand key, named by its security parameter index "
        "(SPI), in a file only its owner may read (mode 600): DATA_DIR/keys/MISSION.toml unless "
        "--keys names another. Both processes read it when the config's [security] "
        "authenticate is true (flightsw and ground --keys). An existing file is never "
        "overwritten. `mission run` makes one itself when a run needs it.",
    )
    new.add_argument("config", help="mission config (a path or a shipped mission's name)")
    new.add_argument(
        "--data-dir", type=Path, default=Path("runs"), help="data folder (default ./runs)"
    )
    new.add_argument("--keys", type=Path, help="the key file to make (default: see above)")
    new.add_argument("--spi", type=int, default=1, help="the key's SPI, 0 to 65535 (default 1)")


def run_keys(args: argparse.Namespace) -> int:
    config = load_mission(args.config)
    path: Path = args.keys or keys_path(args.data_dir, config.name)
    if not 0 <= args.spi <= 0xFFFF:
        print(f"mission: --spi must be 0 to 65535, got {args.spi}")
        return EXIT_USAGE
    if path.exists():
        print(f"mission: {path} exists already; a key file is never overwritten")
        return EXIT_USAGE
    try:
        new_keys(path, config.name, args.spi)
    except OSError as error:
        print(f"mission: cannot make {path}: {error.strerror or error}")
        return EXIT_USAGE
    print(
        f"mission: made telecommand keys for {config.name} in {path}: SPI {args.spi} active, "
        f"{KEYS_MADE - 1} more for rekeys (mode 600; keep it secret)"
    )
    return EXIT_OK
