"""The software bus: subsystems publish their state, the bus forwards it to subscribers."""

from __future__ import annotations

import contextlib
from typing import Any

import pykka

from flightsw.executive.messages import BusDelivery, Publish, Subscribe, Sync


def topic_matches(pattern: str, topic: str) -> bool:
    """`power.status` matches itself; `load.*` matches every topic that starts with `load.`."""
    if pattern.endswith(".*"):
        return topic.startswith(pattern[:-1])
    return pattern == topic


class SoftwareBus(pykka.ThreadingActor):
    """Publish/subscribe between actors, keeping the last value of every topic.

    A publish is stored, not forwarded at once: each subscriber collects the latest value of
    the topics it follows, and gets them in one delivery when the executive says it will step
    next (`Sync`). Retained values let a restarted subsystem pick up its inputs at once.
    """

    def __init__(self) -> None:
        super().__init__()
        self.retained: dict[str, Any] = {}
        self.subscribers: dict[str, tuple[tuple[str, ...], pykka.ActorRef[Any]]] = {}
        self.pending: dict[str, dict[str, Any]] = {}
        self._routes: dict[str, list[str]] = {}

    def on_receive(self, message: Any) -> Any:
        match message:
            case Publish(values):
                for topic, value in values:
                    self._store(topic, value)
            case Subscribe(name, patterns, subscriber):
                self.subscribers[name] = (patterns, subscriber)
                self._routes.clear()
                self.pending[name] = {
                    topic: self.retained[topic]
                    for topic in sorted(self.retained)
                    if any(topic_matches(p, topic) for p in patterns)
                }
            case Sync(due):
                names = list(self.pending) if due is None else [n for n in self.pending if n in due]
                for name in names:
                    waiting = self.pending.pop(name)
                    if waiting and name in self.subscribers:
                        self._deliver(
                            self.subscribers[name][1], BusDelivery(tuple(waiting.items()))
                        )
                return None
            case _:
                raise TypeError(f"software bus got an unknown message {message!r}")
        return None

    def _store(self, topic: str, value: Any) -> None:
        self.retained[topic] = value
        for name in self._route(topic):
            self.pending.setdefault(name, {})[topic] = value

    def _deliver(self, subscriber: pykka.ActorRef[Any], delivery: BusDelivery) -> None:
        """Tell a subscriber; one that has just been stopped (a restart) misses it, harmlessly.

        Its replacement subscribes under the same name and gets the retained values at once.
        """
        with contextlib.suppress(pykka.ActorDeadError):
            subscriber.tell(delivery)

    def _route(self, topic: str) -> list[str]:
        """Names of the subscribers of `topic`, cached per topic: publishing is the hot path."""
        route = self._routes.get(topic)
        if route is None:
            route = [
                name
                for name, (patterns, _) in sorted(self.subscribers.items())
                if any(topic_matches(p, topic) for p in patterns)
            ]
            self._routes[topic] = route
        return route
