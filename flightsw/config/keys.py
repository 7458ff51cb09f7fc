"""Telecommand keys: the file both processes read, kept outside the mission config.

One file per spacecraft (`mission keys new`), readable by its owner only, like an ssh key:

    # Telecommand keys of leo-smallsat. Secret: whoever reads this file can command it.
    active = 1            # the SPI telecommands are signed with
    [[key]]
    spi = 1
    key = "64 hexadecimal digits (256 bits)"
    [[key]]               # and KEYS_MADE - 1 more, loaded onboard for a rekey
    ...

Each key is named by its security parameter index (SPI, docs/icd.md "Telecommand security").
A spacecraft is launched with all its keys; a rekey (`executive.activate_key`) makes another of
them the one telecommands must be signed with, and the ground writes the new `active` here.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from flightsw.config.document import read_toml
from flightsw.config.mission import MissionConfig
from flightsw.config.secret_files import check_private, create_secret, write_secret
from flightsw.config.section import PATH_CHARS, REQUIRED, Section
from flightsw.icd.sdls import KEY_LENGTH, MAX_SPI

KEYS_FOLDER = "keys"  # in the data folder: DATA_DIR/keys/MISSION.toml
KEYS_MADE = 4  # keys a new file holds: the active one and three for rekeys


@dataclass(frozen=True, slots=True)
class TcKeys:
    """The keys of one spacecraft, by SPI, and the one the ground signs with."""

    path: Path
    keys: dict[int, bytes]
    active_spi: int

    @property
    def active_key(self) -> bytes:
        return self.keys[self.active_spi]


def keys_path(data_dir: Path, mission: str) -> Path:
    """Where `mission run` keeps (and `mission keys new` makes) a mission's keys by default."""
    return data_dir / KEYS_FOLDER / f"{mission}.toml"


def default_keys_path(config: MissionConfig) -> Path:
    """The key file of a process started without `--keys`: in the config's `[ground] data_dir`
    (from the config's folder), else in ./runs: where `mission run` keeps it by default."""
    if config.ground.has("data_dir"):
        return keys_path(
            config.resolve(config.ground.str("data_dir", max_chars=PATH_CHARS)), config.name
        )
    return keys_path(Path("runs"), config.name)


def read_keys(path: Path) -> TcKeys:
    """The keys in `path`, refused unless only its owner may read it.

    Raises:
        ConfigError: no such file, others may read it, or a key is not as described above.
    """
    check_private(path, "make one with `mission keys new CONFIG`")
    root = Section(read_toml(path, "a key file"), str(path), "")
    keys: dict[int, bytes] = {}
    for entry in root.sections("key"):
        spi = entry.int("spi", REQUIRED, 0, MAX_SPI)
        text = entry.str("key", REQUIRED, max_chars=2 * KEY_LENGTH)
        try:
            key = bytes.fromhex(text)
        except ValueError:
            key = b""
        if len(key) != KEY_LENGTH:
            raise entry.error("key", f"expected {2 * KEY_LENGTH} hexadecimal digits")
        if spi in keys:
            raise entry.error("spi", f"SPI {spi} is given twice")
        keys[spi] = key
    active = root.int("active", REQUIRED, 0, MAX_SPI)
    if active not in keys:
        raise root.error("active", f"no key has SPI {active}")
    root.refuse_unread()
    return TcKeys(path, keys, active)


def new_keys(path: Path, mission: str, spi: int = 1) -> TcKeys:
    """Make a key file of KEYS_MADE fresh random keys, SPIs `spi` and up, `spi` active;
    readable by its owner only.

    Raises:
        FileExistsError: there is one already (a key is never overwritten).
    """
    keys = {
        number: secrets.token_bytes(KEY_LENGTH)
        for number in range(spi, min(spi + KEYS_MADE, MAX_SPI + 1))
    }
    made = TcKeys(path, keys, spi)
    create_secret(path, _text(made, mission))
    return made


def with_active(keys: TcKeys, spi: int, mission: str) -> TcKeys:
    """The key file with `spi` active from now on, written in place of the old (a rekey).

    Raises:
        KeyError: the file has no key with that SPI.
    """
    if spi not in keys.keys:
        raise KeyError(spi)
    changed = TcKeys(keys.path, keys.keys, spi)
    write_secret(keys.path.with_suffix(".new"), _text(changed, mission))
    os.replace(keys.path.with_suffix(".new"), keys.path)  # the old file or the new, never half
    return changed


def _text(keys: TcKeys, mission: str) -> str:
    entries = "".join(
        f'\n[[key]]\nspi = {spi}\nkey = "{key.hex()}"\n' for spi, key in sorted(keys.keys.items())
    )
    return (
        f"# Telecommand keys of {mission}. Secret: whoever reads this file can command it.\n"
        f"active = {keys.active_spi}\n{entries}"
    )
