"""Which subscribers have values waiting at the software bus: the executive's side of the bus.

Asking the bus to deliver is a round trip to its thread, which costs more than most subsystems'
physics. The executive knows every publication (subsystems report what they published with
their tick, and it makes the rest itself), so it can tell, without asking, whether a subsystem
about to step has anything waiting, and skip the round trip when none has.
"""

from __future__ import annotations

from collections.abc import Iterable

from flightsw.executive.actors.bus import topic_matches


class PendingInputs:
    """Track, per subscriber, whether a topic it follows was published since its last delivery.

    Only the executive's thread uses it. It errs on the side of "waiting": a delivery with
    nothing in it costs a round trip, a missed one would step a subsystem with old inputs.
    """

    def __init__(self) -> None:
        self._patterns: dict[str, tuple[str, ...]] = {}
        self._readers: dict[str, tuple[str, ...]] = {}  # topic -> subscribers, cached
        self._waiting: set[str] = set()

    def subscribed(self, name: str, patterns: tuple[str, ...]) -> None:
        """`name` (re)subscribed: the bus hands it the retained values at its next delivery."""
        self._patterns[name] = patterns
        self._readers.clear()
        self._waiting.add(name)

    def published(self, topics: Iterable[str]) -> None:
        for topic in topics:
            self._waiting.update(self.readers(topic))

    def readers(self, topic: str) -> tuple[str, ...]:
        """The subscribers that follow `topic`."""
        readers = self._readers.get(topic)
        if readers is None:
            readers = tuple(
                name
                for name, patterns in self._patterns.items()
                if any(topic_matches(pattern, topic) for pattern in patterns)
            )
            self._readers[topic] = readers
        return readers

    def follows(self, name: str, topic: str) -> bool:
        return any(topic_matches(pattern, topic) for pattern in self._patterns.get(name, ()))

    def take(self, due: frozenset[str]) -> frozenset[str]:
        """Those of `due` with something waiting, now counted as delivered."""
        names = frozenset(self._waiting.intersection(due))
        self._waiting.difference_update(names)
        return names
