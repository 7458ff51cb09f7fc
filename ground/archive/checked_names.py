"""The report key sets an archive has already checked, so most reports cost one set lookup."""

from __future__ import annotations

from ground.archive.schema import text

KEY_SETS_REMEMBERED = 4096  # distinct (subsystem, keys) a writer remembers; more are re-checked


class CheckedNames:
    """Report key sets whose names were checked: the next report with the same keys (nearly
    every report) costs one set lookup, not a look at every key."""

    def __init__(self) -> None:
        self.seen: set[tuple[str, tuple[str, ...]]] = set()

    def check(self, subsystem: str, keys: tuple[str, ...]) -> None:
        """Check that every key is a str, and remember the key set.

        Raises:
            ArchiveError: a key is not a str (nothing is remembered then).
        """
        for key in keys:
            text("parameter name", key)
        if len(self.seen) >= KEY_SETS_REMEMBERED:
            self.seen.clear()
        self.seen.add((subsystem, keys))
