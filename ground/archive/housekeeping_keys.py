"""The housekeeping keys an archive lists per subsystem, and the key sets it has already checked."""

from __future__ import annotations

import sqlite3

from ground.archive.schema import text

KEY_SETS_REMEMBERED = 4096  # distinct (subsystem, keys) a writer remembers; more are re-checked


class HousekeepingKeys:
    """The parameter names in `housekeeping_keys`, and the report key sets already checked.

    A key set in `seen` was checked and listed: the next report with the same keys (nearly every
    report) costs one set lookup, not a look at every key.
    """

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.seen: set[tuple[str, tuple[str, ...]]] = set()
        self._keys: dict[str, set[str]] = {}
        for subsystem, key in connection.execute("SELECT subsystem, key FROM housekeeping_keys"):
            self._keys.setdefault(subsystem, set()).add(key)

    def note(self, subsystem: str, keys: tuple[str, ...]) -> list[tuple[str, str]]:
        """Check a key set not seen before; return the (subsystem, key) rows new to the archive.

        Raises:
            ArchiveError: a key is not a str (nothing is noted then).
        """
        for key in keys:
            text("parameter name", key)
        known = self._keys.setdefault(subsystem, set())
        new = [(subsystem, key) for key in keys if key not in known]
        known.update(keys)
        if len(self.seen) >= KEY_SETS_REMEMBERED:
            self.seen.clear()
        self.seen.add((subsystem, keys))
        return new
