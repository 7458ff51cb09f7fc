"""Telecommand keys: the file both processes read, kept outside the mission config.

One file per spacecraft (`mission keys new`), readable by its owner only, like an ssh key:

    # Telecommand keys of leo-smallsat. Secret: whoever reads this file can command it.
    active = 1            # the SPI the ground signs with
    [[key]]
    spi = 1
    key = "64 hexadecimal digits (256 bits)"

Each key is named by its security parameter index (SPI, docs/icd.md "Telecommand security").
"""

from __future__ import annotations

import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from flightsw.config.document import read_toml
from flightsw.config.section import REQUIRED, Section
from flightsw.errors import ConfigError
from flightsw.icd.sdls import KEY_LENGTH, MAX_SPI

KEYS_FOLDER = "keys"  # in the data folder: DATA_DIR/keys/MISSION.toml


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


def read_keys(path: Path) -> TcKeys:
    """The keys in `path`, refused unless only its owner may read it.

    Raises:
        ConfigError: no such file, others may read it, or a key is not as described above.
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise ConfigError(
            str(path), "-", "no such key file; make one with `mission keys new CONFIG`"
        ) from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(
            str(path),
            "-",
            f"others may read or change it (mode {stat.S_IMODE(mode):o}); a key file must be "
            f"its owner's alone: chmod 600 {path}",
        )
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
    """Make a key file with one fresh random key under `spi`, readable by its owner only.

    Raises:
        FileExistsError: there is one already (a key is never overwritten).
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = secrets.token_bytes(KEY_LENGTH)
    text = (
        f"# Telecommand keys of {mission}. Secret: whoever reads this file can command it.\n"
        f'active = {spi}\n\n[[key]]\nspi = {spi}\nkey = "{key.hex()}"\n'
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as stream:
        stream.write(text)
    return TcKeys(path, {spi: key}, spi)
