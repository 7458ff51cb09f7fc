"""Files only their owner may read: telecommand keys, CURVE secret keys, anti-replay state.

Written so that no one else can read them for a moment, never through a symbolic link planted
where they go, and a new one appears whole or not at all. Read only when they are still their
owner's alone, in a folder no one else may change (whoever can change the folder can swap the
file).
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from flightsw.errors import ConfigError


def write_secret(path: Path, text: str) -> None:
    """Write `path` readable by its owner only, never through a symbolic link planted there.

    Raises:
        OSError: it cannot be written.
    """
    path.unlink(missing_ok=True)  # a link left there goes, not what it points to
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
    with os.fdopen(os.open(path, flags, 0o600), "w") as stream:
        stream.write(text)


def create_secret(path: Path, text: str) -> None:
    """Make `path` with `text`, readable by its owner only, whole or not at all: written under a
    name of its own and then linked in, so that a second process making the same file at the
    same moment finds either none or a complete one, never half.

    Raises:
        FileExistsError: there is one already (a secret is never overwritten).
        OSError: it cannot be written.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    write_secret(draft, text)
    try:
        os.link(draft, path)
    finally:
        draft.unlink()


def check_private(path: Path, missing: str) -> None:
    """Refuse `path` unless only its owner may read it, in a folder others may not change.

    Raises:
        ConfigError: it is not there (the message ends with `missing`, what to do), cannot be
            looked at, or others may read it or change its folder (the message gives the fix).
    """
    mode = _modes(path, missing)
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(
            str(path),
            "-",
            f"others may read or change it (mode {stat.S_IMODE(mode):o}); a secret must be "
            f"its owner's alone: chmod 600 {path}",
        )


def check_not_writable(path: Path, missing: str, harm: str) -> None:
    """Refuse `path` if others may change it or its folder (they may read it): a file that
    says who is let in. `harm` says what a change by others would do, for the message.

    Raises:
        ConfigError: as `check_private`, or others may change the file (the fix given).
    """
    mode = _modes(path, missing)
    if mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise ConfigError(
            str(path),
            "-",
            f"others may change it (mode {stat.S_IMODE(mode):o}) and {harm}: chmod 644 {path}",
        )


def _modes(path: Path, missing: str) -> int:
    """The mode of `path`, once its folder is known to be its owner's to change.

    Raises:
        ConfigError: missing, not to be looked at, or in a folder others may change.
    """
    try:
        mode = path.stat().st_mode
        folder_mode = path.parent.stat().st_mode
    except FileNotFoundError:
        raise ConfigError(str(path), "-", f"no such file; {missing}") from None
    except OSError as error:
        raise ConfigError(str(path), "-", f"cannot be read: {error.strerror or error}") from None
    if folder_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise ConfigError(
            str(path),
            "-",
            f"others may change the folder it is in (mode {stat.S_IMODE(folder_mode):o}), and "
            f"with it what is beside it: chmod 700 {path.parent}",
        )
    return mode
