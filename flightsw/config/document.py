"""A TOML file read within bounds: its size, its lines, its text, its nesting and every value.

Mission configs and rule files are read by people's tools and written by people; a file that is
not what it claims (a binary, a 10 MB string, ten thousand nested arrays, `nan`) is refused here
with a reason, before any reader looks at it, rather than ending in a traceback or a hang deep
inside a model. Every refusal names the file and the dotted key (`-` for the file as a whole).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flightsw.errors import ConfigError

# The largest shipped file is 17 kB. The bound is well above any real config and keeps the
# parse (tomllib is pure Python, about 2 s a megabyte) under a second whatever the content.
MAX_FILE_BYTES = 256 * 1024
# tomllib's cost for a dotted key grows with the square of its parts; a key cannot span lines,
# so bounding the line bounds the key (a 256 kB file of 1000-character keys parses in < 1 s).
MAX_LINE_CHARS = 1000
MAX_DEPTH = 16  # tables and arrays within each other; the shipped configs go 6 deep
MAX_STRING_CHARS = 4096  # any string value; readers bound names, paths and texts tighter
MAX_ITEMS = 1000  # any array, and the keys of any table; readers bound their lists tighter
TOML_INT_MIN, TOML_INT_MAX = -(2**63), 2**63 - 1  # the integer range TOML 1.0 defines
FILE = "-"  # the key of a refusal about the file as a whole


def read_toml(path: Path, what: str = "a mission config", if_missing: str = "") -> dict[str, Any]:
    """The document in `path`, every bound above checked; ConfigError naming file, key, reason.

    `what` says what the file should be (`a rule file`), for the refusals of a wrong file;
    `if_missing` what to do when there is no such file.
    """
    where = str(path)
    try:
        with path.open("rb") as stream:
            octets = stream.read(MAX_FILE_BYTES + 1)  # a device or FIFO has no size to ask
    except FileNotFoundError:
        raise ConfigError(
            where, FILE, f"no such file{'; ' if if_missing else ''}{if_missing}"
        ) from None
    except OSError as error:
        raise ConfigError(where, FILE, f"cannot be read: {error.strerror or error}") from None
    if len(octets) > MAX_FILE_BYTES:
        raise ConfigError(
            where, FILE, f"is larger than {MAX_FILE_BYTES // 1024} KiB; {what} is a few kB of text"
        )
    text = _text(octets, where, what)
    for number, line in enumerate(text.splitlines(), start=1):
        if len(line) > MAX_LINE_CHARS:
            raise ConfigError(
                where,
                FILE,
                f"line {number} has {len(line)} characters, more than {MAX_LINE_CHARS}; "
                'split long text over lines with """',
            )
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(where, FILE, f"not valid TOML: {error}") from None
    except RecursionError:
        raise ConfigError(
            where, FILE, f"arrays or tables nested too deeply (at most {MAX_DEPTH} levels)"
        ) from None
    _check_values(document, where)
    return document


def _text(octets: bytes, where: str, what: str) -> str:
    if b"\0" in octets:
        raise ConfigError(where, FILE, f"is a binary file (it holds NUL bytes), not {what}")
    try:
        return octets.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(
            where,
            FILE,
            f"is not UTF-8 text (byte 0x{octets[error.start]:02x} at offset {error.start}); "
            f"{what} is TOML, which is UTF-8",
        ) from None


def _check_values(document: dict[str, Any], where: str) -> None:
    """Refuse non-finite numbers, out-of-range integers, long strings, big or deep containers.

    Walked with a stack, not recursion: depth is what is being checked.
    """
    stack: list[tuple[str, Any, int]] = [("", document, 0)]
    while stack:
        key, value, depth = stack.pop()
        shown = key or FILE
        if isinstance(value, Mapping | list):
            if depth > MAX_DEPTH:
                raise ConfigError(where, shown, f"nested more than {MAX_DEPTH} levels deep")
            if len(value) > MAX_ITEMS:
                raise ConfigError(
                    where, shown, f"holds {len(value)} items; at most {MAX_ITEMS} are read"
                )
            if isinstance(value, Mapping):
                children = [
                    (f"{key}.{name}" if key else name, item) for name, item in value.items()
                ]
            else:
                children = [(f"{key}[{index}]", item) for index, item in enumerate(value)]
            stack.extend((child, item, depth + 1) for child, item in children)
        elif isinstance(value, float) and not math.isfinite(value):
            raise ConfigError(where, shown, f"expected a finite number, found {value}")
        elif (
            isinstance(value, int)
            and not isinstance(value, bool)
            and not TOML_INT_MIN <= value <= TOML_INT_MAX
        ):
            raise ConfigError(where, shown, "integer outside TOML's 64-bit range")
        elif isinstance(value, str) and len(value) > MAX_STRING_CHARS:
            raise ConfigError(
                where, shown, f"string of {len(value)} characters; at most {MAX_STRING_CHARS}"
            )
