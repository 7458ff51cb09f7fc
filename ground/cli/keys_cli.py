"""`mission keys`: make telecommand keys, and say who may connect to a mission as whom.

`new` makes a spacecraft's telecommand key file; `add`, `revoke` and `list` look after the
operators file of the access folder (DATA_DIR/keys/operators, `flightsw.config.access`);
`token` prints the key the web API takes from you.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from flightsw.cli import EXIT_OK, EXIT_USAGE
from flightsw.config import (
    KEYS_MADE,
    AccessFolder,
    ConfigError,
    Role,
    access_folder,
    add_operator,
    keys_path,
    load_mission,
    local_user,
    make_certificate,
    new_keys,
    read_certificate,
    read_operators,
    remove_operator,
)


def add_parser(commands: Any) -> None:
    """Add the `keys` subcommand (and its `new`) to `mission`'s subparsers."""
    keys = commands.add_parser(
        "keys", help="make telecommand keys; say who may connect to a mission, as whom"
    )
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

    data_dir_help = "data folder (default ./runs); its keys/ folder is the access folder"
    add = verbs.add_parser(
        "add",
        help="let an operator connect, in a role",
        description="Add NAME to the operators file, in ROLE: observer (telemetry, alarms, the "
        "archive), operator (and commands, acknowledge, shelve) or test-conductor (and faults, "
        "the clock, resets, shutdown; and the spacecraft's sim port). With --key, their public "
        "key (Z85, from their own certificate); without, a new certificate is made for them in "
        "DATA_DIR/keys/identities/NAME.key_secret (mode 600), for this host. A running ground "
        "takes the change at once.",
    )
    add.add_argument("name", help="the operator's name: one word of letters, digits and _.@-")
    add.add_argument("--role", required=True, choices=[role.value for role in Role])
    add.add_argument("--key", help="their public key, 40 Z85 characters")
    add.add_argument("--data-dir", type=Path, default=Path("runs"), help=data_dir_help)
    revoke = verbs.add_parser(
        "revoke",
        help="take an operator's key away",
        description="Remove NAME from the operators file: a running ground and spacecraft "
        "refuse their next connection and their next request. Their certificate is left.",
    )
    revoke.add_argument("name")
    revoke.add_argument("--data-dir", type=Path, default=Path("runs"), help=data_dir_help)
    token = verbs.add_parser(
        "token",
        help="print your operator key, to show the web API (`mission web`)",
        description="Print the secret key of your certificate (DATA_DIR/keys/identities/"
        "YOUR-USER-NAME.key_secret, or --identity): the web API and page take it as your "
        "bearer token, and speak to the ground with it, as you. Keep it as you keep the file.",
    )
    token.add_argument("--identity", type=Path, help="your certificate (a .key_secret file)")
    token.add_argument("--data-dir", type=Path, default=Path("runs"), help=data_dir_help)
    listing = verbs.add_parser("list", help="who may connect, as whom")
    listing.add_argument("--data-dir", type=Path, default=Path("runs"), help=data_dir_help)


def run_keys(args: argparse.Namespace) -> int:
    if args.keys_command == "new":
        return _new(args)
    folder = access_folder(args.data_dir)
    try:
        if args.keys_command == "add":
            return _add(args, folder)
        if args.keys_command == "token":
            path = args.identity or folder.identity_path(local_user())
            print(read_certificate(path).secret.decode())
            return EXIT_OK
        if args.keys_command == "revoke":
            gone = remove_operator(folder.operators_path, args.name)
            print(f"mission: revoked {gone.name} ({gone.role}) in {folder.operators_path}")
            return EXIT_OK
        for operator in read_operators(folder.operators_path).by_key.values():
            print(f"{operator.role:<15} {operator.key.decode()}  {operator.name}")
        return EXIT_OK
    except ConfigError as error:
        print(f"mission: {error}")
        return EXIT_USAGE
    except OSError as error:
        print(f"mission: cannot write {folder.path}: {error.strerror or error}")
        return EXIT_USAGE


def _add(args: argparse.Namespace, folder: AccessFolder) -> int:
    role = Role(args.role)
    if folder.operators_path.exists():
        listed = read_operators(folder.operators_path).by_key.values()
        present = next((o for o in listed if o.name == args.name), None)
        if present is not None:
            print(
                f"mission: {args.name} is there already, as {present.role}; "
                f"`mission keys revoke {args.name}` first to change it"
            )
            return EXIT_USAGE
    if args.key is not None:
        key = args.key.encode()
        made = ""
    else:
        identity = folder.identity_path(args.name)
        if identity.exists():
            print(f"mission: {identity} exists already; give --key, or revoke and remove it")
            return EXIT_USAGE
        key = make_certificate(identity).public
        made = f"; their certificate is {identity} (mode 600: hand it to them, and only them)"
    add_operator(folder.operators_path, args.name, role, key)
    print(f"mission: {args.name} may connect as {role} ({folder.operators_path}){made}")
    return EXIT_OK


def _new(args: argparse.Namespace) -> int:
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
