"""The test kit's API: what a test or a scenario does to the spacecraft, through mission control.

Verbs follow F Prime's integration-test API and COSMOS scripting: `send_command`,
`send_and_await_completion`, `tlm`, `await_telemetry`, `await_event`, `assert_event`,
`await_alarm`, `assert_no_alarms`, `check`, `wait_check`, `inject_fault`, `clear_fault`,
`advance`, and history searches. Every budget (`within=`) is in mission seconds: on the stepped
clock a wait steps the simulation until the thing happens or the budget is spent, so an hour of
mission time costs what simulating it costs, never an hour.

Everything goes through the ground's control API, as an operator's would: telemetry is what the
ground received (after light time), commands are validated against the flight dictionary and
verified by their TM[1] reports. Only fault injection and `truth` use the sim port.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from ground.client import ClientError, GroundClient
from ground.console_render import fmt_value, mission_time
from ground.dictionary import hk_period_s
from ground.launcher import Mission
from ground.testkit.expressions import parse_check
from ground.testkit.failures import CommandFailed, HilFailure, HilTimeout, explain
from ground.testkit.predicates import UNSET, Predicate, anything, as_predicate, at_least
from ground.testkit.records import (
    Alarm,
    AlarmEntry,
    Command,
    Event,
    Sample,
    count_holds,
    describe_count,
    first_match,
    matching,
    sequence_match,
)
from ground.testkit.report import Reporter, SilentReporter

# pytest leaves this module's frames out of a failure's traceback: the message says it all.
__tracebackhide__ = True

STEP_TIMEOUT_S = 3600.0  # wall seconds a single step may take (a long one on a slow machine)
EVENT_POLL_S = 5.0  # mission seconds between looks for an event or an alarm
DEFAULT_COMMAND_WITHIN_S = 120.0
SEVERITIES = ("watch", "warning", "distress", "critical", "severe")


class HilApi:
    """Drive one mission (a ground and its spacecraft) from a test."""

    def __init__(
        self, client: GroundClient, reporter: Reporter | None = None, mission: Mission | None = None
    ) -> None:
        self.client = client
        self.mission = mission  # the processes and archive, when the test kit launched them
        self.reporter: Reporter = reporter or SilentReporter()
        self._dictionary: dict[str, Any] | None = None
        self._depth = 0  # verbs called by verbs are not reported twice
        self._release_s: dict[int, float] = {}  # time-tagged commands: id -> release time

    # -- time ------------------------------------------------------------------------------------

    @property
    def now_s(self) -> float:
        """Mission time on the ground (where everything received so far has been taken in)."""
        return float(self.client.call("status")["time_s"])

    def advance(self, seconds: float) -> float:
        """Let `seconds` of mission time pass; return the mission time after."""
        with self._verb(f"advance {seconds:g} s") as verb:
            now_s = self._step(seconds)
            verb.detail = f"now {mission_time(now_s)}"
            return now_s

    def _step(self, seconds: float) -> float:
        if seconds <= 0:
            return self.now_s
        reply = self.client.call("step", seconds=seconds, timeout_s=STEP_TIMEOUT_S)
        return float(reply["ground"]["time_s"]) if "ground" in reply else float(reply["time_s"])

    def _until(
        self, found: Callable[[], Any], within: float, poll_s: float
    ) -> tuple[Any, float, float]:
        """Step by `poll_s` until `found()` returns something; (it or None, start, end)."""
        if within < 0:
            raise ValueError(f"within must be >= 0 mission seconds, got {within}")
        start_s = self.now_s
        end_s = start_s + within
        now_s = start_s
        while True:
            result = found()
            if result is not None or now_s >= end_s:
                return result, start_s, now_s
            before_s, now_s = now_s, self._step(min(poll_s, end_s - now_s))
            if now_s <= before_s:
                raise HilFailure(
                    f"mission time did not move past {mission_time(now_s)} when stepped; "
                    "is the clock stepped (the test kit needs a stepped clock)?"
                )

    # -- telemetry -------------------------------------------------------------------------------

    def tlm(self, name: str) -> Any:
        """The latest value of `name` the ground has (None if none has arrived)."""
        return self._latest(name).value

    def tlm_sample(self, name: str) -> Sample:
        """The latest value of `name` and its on-board time (time None if none has arrived)."""
        return self._latest(name)

    def _latest(self, name: str) -> Sample:
        reply = self._call("tlm", name=name)
        return Sample(reply["time_s"], reply["value"])

    def history(
        self, name: str, since: float | None = None, until: float | None = None
    ) -> list[Sample]:
        """Archived samples of `name`, in time order (mission seconds, both ends included)."""
        span = {k: v for k, v in (("start_s", since), ("end_s", until)) if v is not None}
        reply = self._call("history", name=name, **span)
        return [Sample(float(t), v) for t, v in reply["samples"]]

    def check(self, expression: str) -> Any:
        """Fail unless `"subsystem.param OP value"` holds for the latest value; return the value."""
        name, predicate = parse_check(expression)
        with self._verb(f"check {expression}") as verb:
            latest = self._latest(name)
            if not predicate(latest.value):
                raise HilFailure(
                    explain(
                        f"CHECK FAILED: {expression} (latest {name} = {fmt_value(latest.value)} "
                        f"at {mission_time(latest.time_s)})",
                        samples=self._recent(name),
                        samples_of=name,
                        now_s=self.now_s,
                    )
                )
            verb.detail = f"{fmt_value(latest.value)}"
            return latest.value

    def wait_check(self, expression: str, within: float) -> Sample:
        """Let mission time pass until `"subsystem.param OP value"` holds; fail after `within` s."""
        name, predicate = parse_check(expression)
        with self._verb(f"wait_check {expression} within {within:g} s") as verb:
            sample = self._await_sample(name, predicate, within, "WAIT_CHECK FAILED")
            verb.detail = f"{fmt_value(sample.value)} at {mission_time(sample.time_s)}"
            return sample

    def await_telemetry(self, name: str, predicate: Any = None, within: float = 60.0) -> Sample:
        """The first value of `name`, from the latest one on, that matches `predicate`.

        `predicate` is a predicate (see ground.testkit.predicates), a callable, or a value to
        equal; None takes the next value to arrive. `changed()` needs a change after the call.
        """
        test = anything() if predicate is None else as_predicate(predicate)
        with self._verb(f"await_telemetry {name} {test} within {within:g} s") as verb:
            sample = self._await_sample(name, test, within, "await_telemetry timed out")
            verb.detail = f"{fmt_value(sample.value)} at {mission_time(sample.time_s)}"
            return sample

    def _await_sample(self, name: str, test: Predicate, within: float, headline: str) -> Sample:
        latest = self._latest(name)
        seen: list[Sample] = [] if latest.time_s is None else [latest]
        previous: Any = UNSET
        if not test.needs_previous and latest.time_s is not None and test(latest.value):
            return latest
        if latest.time_s is not None:
            previous = latest.value
        last_s = latest.time_s

        def look() -> Sample | None:
            nonlocal previous, last_s
            fresh = [
                s for s in self.history(name, since=last_s) if last_s is None or s.time_s > last_s
            ]
            for sample in fresh:
                seen.append(sample)
                last_s = sample.time_s
                if test.matches(sample.value, previous):
                    return sample
                previous = sample.value
            return None

        sample, start_s, end_s = self._until(look, within, self._hk_period_s(name))
        if sample is None:
            raise HilTimeout(
                explain(
                    f"{headline}: awaited {name} {test} for {within:g} s of mission time",
                    window=(start_s, end_s),
                    samples=seen,
                    samples_of=name,
                    events=self.events(since=start_s),
                    alarms=self.alarms(),
                    now_s=end_s,
                )
            )
        return sample

    def find_telemetry(
        self, name: str, predicate: Any, since: float | None = None, until: float | None = None
    ) -> Sample | None:
        """The first archived sample of `name` in the range that matches, or None."""
        return first_match(self.history(name, since, until), predicate)

    def count_telemetry(
        self,
        name: str,
        predicate: Any = None,
        since: float | None = None,
        until: float | None = None,
    ) -> int:
        test = anything() if predicate is None else predicate
        return len(matching(self.history(name, since, until), test))

    def assert_telemetry(
        self, name: str, predicate: Any, since: float | None = None, until: float | None = None
    ) -> Sample:
        """The first archived sample that matches; fail, showing the values, if none does."""
        test = as_predicate(predicate)
        with self._verb(f"assert_telemetry {name} {test}") as verb:
            samples = self.history(name, since, until)
            found = first_match(samples, test)
            if found is None:
                raise HilFailure(
                    explain(
                        f"no value of {name} matched {test}",
                        window=self._window(samples, since, until),
                        samples=samples,
                        samples_of=name,
                        now_s=self.now_s,
                    )
                )
            verb.detail = f"{fmt_value(found.value)} at {mission_time(found.time_s)}"
            return found

    def assert_telemetry_count(
        self,
        name: str,
        count: int | Predicate,
        predicate: Any = None,
        since: float | None = None,
        until: float | None = None,
    ) -> list[Sample]:
        """Fail unless `count` archived samples of `name` match (a number or a predicate on it)."""
        test = anything() if predicate is None else as_predicate(predicate)
        with self._verb(f"assert_telemetry_count {name} {test}: {describe_count(count)}") as verb:
            samples = self.history(name, since, until)
            found = matching(samples, test)
            if not count_holds(count, len(found)):
                raise HilFailure(
                    explain(
                        f"{len(found)} values of {name} matched {test}; expected {describe_count(count)}",
                        window=self._window(samples, since, until),
                        samples=found or samples,
                        samples_of=name if not found else f"{name} that matched",
                        now_s=self.now_s,
                    )
                )
            verb.detail = f"{len(found)}"
            return found

    def assert_telemetry_sequence(
        self, name: str, predicates: Sequence[Any], since: float | None = None
    ) -> list[Sample]:
        """Fail unless values matching each predicate arrived in that order."""
        tests = [as_predicate(p) for p in predicates]
        described = " then ".join(str(t) for t in tests)
        with self._verb(f"assert_telemetry_sequence {name}: {described}") as verb:
            samples = self.history(name, since)
            found = sequence_match(samples, tests)
            if len(found) < len(tests):
                raise HilFailure(
                    explain(
                        f"{name} went through {len(found)} of {len(tests)} steps of "
                        f"{described}; stuck at: {tests[len(found)]}",
                        window=self._window(samples, since, None),
                        samples=samples,
                        samples_of=name,
                        now_s=self.now_s,
                    )
                )
            verb.detail = ", ".join(mission_time(s.time_s) for s in found)
            return found

    def await_telemetry_sequence(
        self, name: str, predicates: Sequence[Any], within: float
    ) -> list[Sample]:
        """Let mission time pass until values matching each predicate arrive in order."""
        tests = [as_predicate(p) for p in predicates]
        described = " then ".join(str(t) for t in tests)
        with self._verb(
            f"await_telemetry_sequence {name}: {described} within {within:g} s"
        ) as verb:
            since = self._after_latest(name)
            found, start_s, end_s = self._until(
                lambda: self._sequence_done(name, tests, since), within, self._hk_period_s(name)
            )
            if found is None:
                samples = self.history(name, since)
                got = sequence_match(samples, tests)
                raise HilTimeout(
                    explain(
                        f"await_telemetry_sequence timed out: {name} went through {len(got)} of "
                        f"{len(tests)} steps of {described}; waiting for: {tests[len(got)]}",
                        window=(start_s, end_s),
                        samples=samples,
                        samples_of=name,
                        events=self.events(since=start_s),
                        now_s=end_s,
                    )
                )
            verb.detail = ", ".join(mission_time(s.time_s) for s in found)
            return list(found)

    def _after_latest(self, name: str) -> float:
        """Just after the latest sample of `name` on the ground: where its new samples begin (a
        sample taken on board before the call but still on its way down is new)."""
        latest = self._latest(name).time_s
        return -math.inf if latest is None else math.nextafter(latest, math.inf)

    def _sequence_done(
        self, name: str, tests: list[Predicate], since: float
    ) -> list[Sample] | None:
        found = sequence_match(self.history(name, since), tests)
        return found if len(found) == len(tests) else None

    def await_telemetry_count(
        self, name: str, count: int | Predicate, predicate: Any = None, within: float = 60.0
    ) -> list[Sample]:
        """Let mission time pass until `count` new values of `name` match `predicate`."""
        test = anything() if predicate is None else as_predicate(predicate)
        with self._verb(f"await_telemetry_count {name} {test}: {describe_count(count)}") as verb:
            since = self._after_latest(name)

            def enough() -> list[Sample] | None:
                found = matching(self.history(name, since), test)
                return found if count_holds(count, len(found)) else None

            found, start_s, end_s = self._until(enough, within, self._hk_period_s(name))
            if found is None:
                samples = self.history(name, since)
                raise HilTimeout(
                    explain(
                        f"await_telemetry_count timed out: {len(matching(samples, test))} values of "
                        f"{name} matched {test}; awaited {describe_count(count)}",
                        window=(start_s, end_s),
                        samples=samples,
                        samples_of=name,
                        now_s=end_s,
                    )
                )
            verb.detail = f"{len(found)}"
            return list(found)

    # -- events ----------------------------------------------------------------------------------

    def events(
        self, since: float | None = None, until: float | None = None, min_severity: int = 1
    ) -> list[Event]:
        """Archived events in time order (severity 1 info .. 4 high)."""
        span = {k: v for k, v in (("start_s", since), ("end_s", until)) if v is not None}
        reply = self._call("events", min_severity=min_severity, **span)
        return [Event.from_row(row) for row in reply["events"]]

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

    # -- alarms ----------------------------------------------------------------------------------

    def alarms(self) -> list[Alarm]:
        """The active (unshelved) alarms, worst first."""
        return [Alarm.from_dict(a) for a in self._call("alarms")["alarms"]]

    def alarm_log(
        self, since: float | None = None, until: float | None = None, name: str | None = None
    ) -> list[AlarmEntry]:
        """Every step in the alarms' lives (triggered, escalated, acknowledged, cleared, ...)."""
        span = {k: v for k, v in (("start_s", since), ("end_s", until)) if v is not None}
        rows = self._call("alarm_log", name=name, **span)["alarm_log"]
        return [AlarmEntry.from_row(row) for row in rows]

    def _raised(
        self, since: float | None, name: str | None, severity: str | None
    ) -> AlarmEntry | None:
        """The first time alarm `name` triggered or escalated to `severity` or worse."""
        floor = _severity_rank(severity) if severity else 0
        for entry in self.alarm_log(since=since, name=name):
            if entry.kind in ("triggered", "escalated") and _severity_rank(entry.severity) >= floor:
                return entry
        return None

    def assert_alarm(
        self, name: str | None = None, severity: str | None = None, since: float | None = None
    ) -> AlarmEntry:
        """An alarm (of rule `name`, at `severity` or worse) that has already been raised."""
        label = " ".join(x for x in (name or "any alarm", severity or "") if x)
        with self._verb(f"assert_alarm {label}") as verb:
            entry = self._raised(since, name, severity)
            if entry is None:
                raise HilFailure(
                    explain(
                        f"no {label} was raised",
                        window=(since or 0.0, self.now_s),
                        events=self.events(since=since),
                        alarms=self.alarms(),
                        now_s=self.now_s,
                    )
                )
            verb.detail = str(entry)
            return entry

    def await_alarm(
        self,
        name: str | None = None,
        severity: str | None = None,
        within: float = 60.0,
        since: float | None = None,
    ) -> AlarmEntry:
        """The first alarm raised from now on (or from `since`): of rule `name`, at `severity`
        or worse."""
        label = " ".join(x for x in (name or "any alarm", severity or "") if x)
        with self._verb(f"await_alarm {label} within {within:g} s") as verb:
            since = self.now_s if since is None else since

            def look() -> AlarmEntry | None:
                return self._raised(since, name, severity)

            entry, start_s, end_s = self._until(look, within, EVENT_POLL_S)
            if entry is None:
                raise HilTimeout(
                    explain(
                        f"await_alarm timed out: no {label} within {within:g} s of mission time",
                        window=(start_s, end_s),
                        events=self.events(since=start_s),
                        alarms=self.alarms(),
                        now_s=end_s,
                    )
                )
            verb.detail = str(entry)
            return entry

    def assert_alarm_active(self, name: str, severity: str | None = None) -> Alarm:
        """The alarm of rule `name`, active now (at exactly `severity`, if given)."""
        label = name if severity is None else f"{name} {severity}"
        with self._verb(f"assert_alarm_active {label}") as verb:
            active = self.alarms()
            found = [a for a in active if a.name == name]
            if not found or (severity is not None and found[0].severity != severity):
                raise HilFailure(
                    explain(f"alarm {label} is not active", alarms=active, now_s=self.now_s)
                )
            verb.detail = str(found[0])
            return found[0]

    def assert_no_alarms(self, severity: str = "watch") -> None:
        """Fail if any alarm at `severity` or worse is active now."""
        floor = _severity_rank(severity)
        with self._verb(f"assert_no_alarms ({severity} or worse)"):
            active = [a for a in self.alarms() if _severity_rank(a.severity) >= floor]
            if active:
                raise HilFailure(
                    explain(
                        f"{len(active)} alarm(s) active, expected none",
                        alarms=active,
                        now_s=self.now_s,
                    )
                )

    def acknowledge(self, alarm: str, comment: str = "") -> None:
        with self._verb(f"acknowledge {alarm}"):
            self._call("ack", name=alarm, comment=comment, operator="test")

    # -- commands --------------------------------------------------------------------------------

    def send_command(
        self,
        name: str,
        args: dict[str, Any] | None = None,
        *,
        confirm: bool = False,
        release_s: float | None = None,
    ) -> Command:
        """Validate and uplink `subsystem.command`; fail at once if the ground refuses it.

        `confirm` is needed for hazardous commands; `release_s` time-tags the command to run on
        board at that mission time (TC[11]).
        """
        with self._verb(f"send_command {name} {_args_text(args)}".rstrip()) as verb:
            fields: dict[str, Any] = {"name": name, "args": args or {}, "confirm": confirm}
            if release_s is not None:
                fields["release_s"] = release_s
            try:
                reply = self.client.call("cmd", source="test", **fields)
            except ClientError as error:
                raise CommandFailed(f"{name} refused by the ground: {error}") from None
            command = Command.from_dict(reply["command"])
            if command.failed:
                raise CommandFailed(f"{command}")
            if release_s is not None:
                self._release_s[command.id] = release_s
            verb.detail = f"id {command.id}, {command.status}"
            return command

    def commands(self) -> list[Command]:
        """Every command of this run, in the order they were sent."""
        return [Command.from_dict(c) for c in self._call("commands")["commands"]]

    def command(self, command: Command | int) -> Command:
        """The latest state of a command."""
        number = command if isinstance(command, int) else command.id
        return Command.from_dict(self._call("command", id=number)["command"])

    def await_command(
        self,
        command: Command | int,
        stage: str = "completed",
        within: float = DEFAULT_COMMAND_WITHIN_S,
    ) -> Command:
        """Wait until the command reaches `stage` (accepted, started, completed); fail if it fails.

        `stage="failed"` expects the command to fail (refused on board, failed, timed out) and
        fails if it completes. A time-tagged command's budget starts at its release time.
        """
        number = command if isinstance(command, int) else command.id
        expect_failure = stage == "failed"
        with self._verb(f"await_command {number} {stage} within {within:g} s") as verb:
            release_s = self._release_s.get(number)
            if release_s is not None and release_s > self.now_s:
                self._step(release_s - self.now_s)  # nothing to hear before it runs on board

            def look() -> Command | None:
                current = self.command(number)
                if current.failed or stage in current.stages or current.status == "completed":
                    return current
                return None

            poll_s = max(1.0, self._round_trip_s() / 8)
            current, start_s, end_s = self._until(look, within, poll_s)
            if expect_failure and current is not None and current.failed:
                verb.detail = f"{current.status}: {current.error} {current.reason}".strip()
                return current
            if expect_failure or current is None or current.failed or stage not in current.stages:
                latest = current or self.command(number)
                raise CommandFailed(
                    explain(
                        f"{latest} — awaited stage {stage!r} within {within:g} s",
                        window=(start_s, end_s),
                        events=self.events(since=start_s),
                        now_s=end_s,
                    )
                )
            verb.detail = f"{stage} at {mission_time(current.stages[stage])}"
            return current

    def send_and_await_completion(
        self,
        name: str,
        args: dict[str, Any] | None = None,
        *,
        within: float = DEFAULT_COMMAND_WITHIN_S,
        confirm: bool = False,
    ) -> Command:
        """Send a command and wait for its completion report (TM[1,7]); fail if it fails."""
        with self._verb(f"send_and_await_completion {name} {_args_text(args)}".rstrip()) as verb:
            command = self.send_command(name, args, confirm=confirm)
            done = self.await_command(command, "completed", within)
            verb.detail = f"id {done.id} completed at {mission_time(done.stages['completed'])}"
            return done

    # -- faults and truth (the sim port) ---------------------------------------------------------

    def inject_fault(self, subsystem: str, fault: str, **params: Any) -> float:
        """Inject a fault from the catalogue (`faults()`); return the mission time."""
        with self._verb(f"inject_fault {subsystem}.{fault} {_args_text(params)}".rstrip()) as verb:
            reply = self._call("inject", subsystem=subsystem, fault=fault, params=params)
            verb.detail = f"at {mission_time(reply['time_s'])}"
            return float(reply["time_s"])

    def clear_fault(self, subsystem: str, fault: str) -> float:
        with self._verb(f"clear_fault {subsystem}.{fault}") as verb:
            reply = self._call("clear", subsystem=subsystem, fault=fault)
            verb.detail = f"at {mission_time(reply['time_s'])}"
            return float(reply["time_s"])

    def faults(self) -> dict[str, Any]:
        """The fault catalogue: `subsystem.fault` → description and parameters."""
        return dict(self._call("faults")["faults"])

    def truth(self, subsystem: str) -> dict[str, Any]:
        """The simulation's true state of a subsystem (what no telemetry may show)."""
        return dict(self._call("truth", subsystem=subsystem)["state"])

    # -- ground operations -----------------------------------------------------------------------

    def blackout(self, start_s: float, end_s: float) -> None:
        """No link between these mission times (both ways)."""
        with self._verb(f"blackout {mission_time(start_s)} .. {mission_time(end_s)}"):
            self._call("blackout", start_s=start_s, end_s=end_s)

    def dump_recorder(self, start_s: float, end_s: float, within: float = 600.0) -> Command:
        """Play back what the onboard recorder holds in a time range; wait until it is done."""
        with self._verb(f"dump_recorder {mission_time(start_s)} .. {mission_time(end_s)}"):
            command = Command.from_dict(self._call("dump", start_s=start_s, end_s=end_s)["command"])
            return self.await_command(command, "completed", within)

    def ground_status(self) -> dict[str, Any]:
        """The ground's status: link, ingest counters, playback, alarm counts."""
        return self._call("status")

    # -- the step report -------------------------------------------------------------------------

    @contextmanager
    def step(self, title: str) -> Iterator[None]:
        """Group what follows under a titled step in the report (scenarios read as procedures)."""
        self.reporter.begin_step(title, self._time_for_report())
        try:
            yield
        except BaseException as error:
            self.reporter.end_step(title, self._time_for_report(), error)
            raise
        self.reporter.end_step(title, self._time_for_report(), None)

    def note(self, text: str) -> None:
        """A line in the report, for what a reader should know at this point."""
        self.reporter.note(text, self._time_for_report())

    @contextmanager
    def _verb(self, text: str) -> Iterator[_VerbOutcome]:
        outcome = _VerbOutcome()
        self._depth += 1
        try:
            yield outcome
        except BaseException as error:
            self._depth -= 1
            if self._depth == 0:
                self.reporter.verb(text, self._time_for_report(), error, "")
            raise
        self._depth -= 1
        if self._depth == 0:
            self.reporter.verb(text, self._time_for_report(), None, outcome.detail)

    def _time_for_report(self) -> float | None:
        try:
            return self.now_s
        except ClientError:
            return None

    # -- helpers ---------------------------------------------------------------------------------

    def _call(self, op: str, **fields: Any) -> dict[str, Any]:
        try:
            return self.client.call(op, **fields)
        except ClientError as error:
            raise HilFailure(f"{op} refused: {error}") from None

    @property
    def dictionary(self) -> dict[str, Any]:
        if self._dictionary is None:
            self._dictionary = self._call("dictionary")["dictionary"]
        return self._dictionary

    def _hk_period_s(self, name: str) -> float:
        return hk_period_s(self.dictionary, name)

    def _one_way_s(self) -> float:
        return float(self._call("status").get("one_way_light_time_s") or 0.0)

    def _round_trip_s(self) -> float:
        return 2.0 * self._one_way_s()

    def _recent(self, name: str, count: int = 8) -> list[Sample]:
        return self.history(name)[-count:]

    def _window(
        self, samples: list[Sample], since: float | None, until: float | None
    ) -> tuple[float, float]:
        start_s = since if since is not None else (samples[0].time_s if samples else 0.0)
        return start_s, until if until is not None else self.now_s


class _VerbOutcome:
    """What a verb reports when it passes (filled in by the verb)."""

    def __init__(self) -> None:
        self.detail = ""


def _severity_rank(label: str) -> int:
    try:
        return SEVERITIES.index(label.lower()) + 1
    except ValueError:
        raise ValueError(
            f"unknown severity {label!r}; use one of {', '.join(SEVERITIES)}"
        ) from None


def _args_text(args: dict[str, Any] | None) -> str:
    return " ".join(f"{key}={fmt_value(value)}" for key, value in (args or {}).items())


__all__ = ["CommandFailed", "HilApi", "HilFailure", "HilTimeout"]
