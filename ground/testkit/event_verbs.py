"""Event verbs: await, assert and count the spacecraft's event reports."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from ground.api import mission_time
from ground.errors import HilFailure, HilTimeout
from ground.testkit.core import EVENT_POLL_S, ApiCore
from ground.testkit.failures import explain
from ground.testkit.predicates import Predicate, at_least
from ground.testkit.records import Event, count_holds, describe_count

# pytest leaves this module's frames out of a failure's traceback: the message says it all.
__tracebackhide__ = True


class EventVerbs(ApiCore):
    """await_event, assert_event and their counts and sequences."""

    def await_event(
        self,
        name: str,
        within: float = 60.0,
        where: Callable[[Event], bool] | None = None,
        since: float | None = None,
    ) -> Event:
        """The first event `name` (`subsystem.event` or `event`) to reach the ground from now on;
        `where` narrows it.

        An event raised on board just before the call may still be on its way down: it counts,
        as it is news to the ground. `since` (mission s, on-board time) counts every event from
        then instead: the effect of a command that has already completed, say.
        """
        with self._verb(f"await_event {name} within {within:g} s") as verb:
            called_s = self.now_s
            lookback_s = called_s - self._one_way_s() - EVENT_POLL_S
            window_s = lookback_s if since is None else since

            def fresh(event: Event) -> bool:
                if since is not None:
                    return event.time_s >= since
                return event.received_s > called_s  # not on the ground when the wait began

            def look() -> Event | None:
                arrived = (e for e in self.events(since=window_s) if fresh(e))
                return next(self._named(list(arrived), name, where), None)

            event, start_s, end_s = self._until(look, within, EVENT_POLL_S)
            if event is None:
                earlier = list(self._named(self.events(until=start_s), name, where))
                hints = (
                    [f"it did happen before the wait, at {mission_time(earlier[-1].time_s)}: "
                     "use assert_event for what has already happened"]
                    if earlier
                    else []
                )  # fmt: skip
                raise HilTimeout(
                    explain(
                        f"await_event timed out: no {name} event within {within:g} s of mission time",
                        window=(start_s, end_s),
                        events=self.events(since=start_s),
                        alarms=self.alarms(),
                        hints=hints,
                        now_s=end_s,
                    )
                )
            verb.detail = f"at {mission_time(event.time_s)}: {event.message}"
            return event

    def assert_event(
        self, name: str, since: float | None = None, where: Callable[[Event], bool] | None = None
    ) -> Event:
        """The first event `name` that has already happened (since `since`); fail if none has."""
        return self._assert_events(name, since, where, at_least(1))[0]

    def assert_event_count(
        self,
        name: str,
        count: int | Predicate,
        since: float | None = None,
        where: Callable[[Event], bool] | None = None,
    ) -> list[Event]:
        """Fail unless `count` events `name` have happened (a number or a predicate on it)."""
        return self._assert_events(name, since, where, count)

    def assert_no_event(
        self, name: str | None = None, since: float | None = None, min_severity: int = 1
    ) -> None:
        """Fail if event `name` (None: any event) at `min_severity` or worse has happened."""
        severe_enough = (lambda e: e.severity >= min_severity) if min_severity > 1 else None
        self._assert_events(name, since, severe_enough, 0)

    def _assert_events(
        self,
        name: str | None,
        since: float | None,
        where: Callable[[Event], bool] | None,
        count: int | Predicate,
    ) -> list[Event]:
        label = name or "any"
        with self._verb(f"assert_event {label}: {describe_count(count)}") as verb:
            window = self.events(since=since)
            found = list(self._named(window, name, where))
            if not count_holds(count, len(found)):
                raise HilFailure(
                    explain(
                        f"{len(found)} {label} event(s); expected {describe_count(count)}",
                        window=(since or 0.0, self.now_s),
                        events=window,
                        now_s=self.now_s,
                    )
                )
            verb.detail = f"{len(found)}" + (
                f", first at {mission_time(found[0].time_s)}" if found else ""
            )
            return found

    def assert_event_sequence(
        self, names: Sequence[str], since: float | None = None
    ) -> list[Event]:
        """Fail unless events with these names happened in this order (others may come between)."""
        with self._verb(f"assert_event_sequence {' then '.join(names)}") as verb:
            window = self.events(since=since)
            found: list[Event] = []
            for event in window:
                if len(found) < len(names) and event.is_named(names[len(found)]):
                    found.append(event)
            if len(found) < len(names):
                raise HilFailure(
                    explain(
                        f"events went through {len(found)} of {len(names)} of "
                        f"{' then '.join(names)}; missing {names[len(found)]}",
                        window=(since or 0.0, self.now_s),
                        events=window,
                        now_s=self.now_s,
                    )
                )
            verb.detail = ", ".join(mission_time(e.time_s) for e in found)
            return found

    @staticmethod
    def _named(
        events: list[Event], name: str | None, where: Callable[[Event], bool] | None
    ) -> Iterator[Event]:
        return (
            e for e in events if (name is None or e.is_named(name)) and (where is None or where(e))
        )
