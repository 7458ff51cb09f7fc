"""Which keys of a config file its readers took; a key that no reader took is refused.

Each key is declared once, by the code that reads it (`section.float("rate", 1.0, ...)`), so
there is no second list of keys to keep in step with the readers. A ledger shared by every
`Section` of one file records what was asked for; once everything that reads the file has read
it, whatever is left over is a key nobody reads (a misspelling, or a key of another kind of
table), refused with the closest names the readers did ask for.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping
from typing import Any


def join(prefix: str, name: str) -> str:
    """The dotted key of `name` in the table at `prefix` (`clock.rate`)."""
    return f"{prefix}.{name}" if prefix else name


def close_names(name: str, known: Iterable[str]) -> list[str]:
    """The known name closest to `name` (difflib's ratio of at least 0.6), if there is one.

    One name, not three: `enable` is `enabled`, and `or name` after it only puts doubt in.
    """
    return difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)


def suggest(name: str, known: Iterable[str], what: str = "known") -> str:
    """`did you mean rate?` for the closest known names, else the list of them all."""
    names = sorted(set(known))
    close = close_names(name, names)
    if close:
        return f"did you mean {close[0]}?"
    if names:
        return f"{what}: {', '.join(names)}"
    return f"{what}: none"


def unknown_key(name: str, known: Iterable[str]) -> str:
    """Why a key nobody reads is refused: with the closest known names, else all of them."""
    return f"unknown key; {suggest(name, known, 'the keys read here')}"


class Ledger:
    """The keys asked for and taken in one file, by table; shared by all its Sections."""

    def __init__(self) -> None:
        self._known: dict[str, set[str]] = {}  # table -> names asked for, present or not
        self._taken: set[tuple[str, str]] = set()  # (table, name) read by a getter
        self._opened: set[str] = set()  # tables (and arrays of tables) read key by key

    def ask(self, prefix: str, name: str) -> None:
        """A reader asked whether `name` is there: it is a known name, not yet a read one."""
        self._known.setdefault(prefix, set()).add(name)

    def take(self, prefix: str, name: str, opened: bool = False) -> None:
        """A reader read `name`; `opened` when it reads the table's own keys one by one."""
        self.ask(prefix, name)
        self._taken.add((prefix, name))
        if opened:
            self._opened.add(join(prefix, name))

    def unread(
        self, data: Mapping[str, Any], skip: tuple[str, ...] = ()
    ) -> Iterator[tuple[str, str]]:
        """(dotted key, reason) for every key of `data` no reader took, outside `skip`.

        A table read whole (command arguments) is one value; only opened tables are walked.
        """
        yield from self._unread(data, "", skip)

    def _unread(
        self, table: Mapping[str, Any], prefix: str, skip: tuple[str, ...]
    ) -> Iterator[tuple[str, str]]:
        for name, value in table.items():
            key = join(prefix, name)
            if any(key == s or key.startswith((f"{s}.", f"{s}[")) for s in skip):
                continue
            if (prefix, name) not in self._taken:
                yield key, unknown_key(name, self._known.get(prefix, ()))
            elif key in self._opened and isinstance(value, Mapping):
                yield from self._unread(value, key, skip)
            elif key in self._opened and isinstance(value, list):
                for index, item in enumerate(value):
                    if isinstance(item, Mapping):
                        yield from self._unread(item, f"{key}[{index}]", skip)
