"""Telemetry verbs: read, check, await and search a parameter's values."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from ground.api import fmt_value, mission_time, parse_check
from ground.errors import CheckError, HilFailure, HilTimeout
from ground.testkit.core import ApiCore
from ground.testkit.failures import explain
from ground.testkit.predicates import UNSET, Predicate, anything, as_predicate
from ground.testkit.records import (
    Sample,
    count_holds,
    describe_count,
    first_match,
    matching,
    sequence_match,
)

# pytest leaves this module's frames out of a failure's traceback: the message says it all.
__tracebackhide__ = True


class TelemetryVerbs(ApiCore):
    """tlm, check, wait_check, await_telemetry and the history searches."""

    def advance(self, seconds: float) -> float:
        """Let `seconds` of mission time pass; return the mission time after."""
        with self._verb(f"advance {seconds:g} s") as verb:
            now_s = self._step(seconds)
            verb.detail = f"now {mission_time(now_s)}"
            return now_s

    def tlm(self, name: str) -> Any:
        """The latest value of `name` the ground has (None if none has arrived)."""
        return self._latest(name).value

    def tlm_sample(self, name: str) -> Sample:
        """The latest value of `name` and its on-board time (time None if none has arrived)."""
        return self._latest(name)

    def check(self, expression: str) -> Any:
        """Fail unless `"subsystem.param OP value"` holds for the latest value; return the value."""
        name, predicate = _read(expression)
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
        name, predicate = _read(expression)
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
            fresh = [s for s in self.history(name, since=last_s) if _later(s, last_s)]
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

    def _after_latest(self, name: str) -> float | None:
        """Just after the latest sample of `name` on the ground: where its new samples begin (a
        sample taken on board before the call but still on its way down is new); None, all of
        them, when none has come yet."""
        latest = self._latest(name).time_s
        return None if latest is None else math.nextafter(latest, math.inf)

    def _sequence_done(
        self, name: str, tests: list[Predicate], since: float | None
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


def _later(sample: Sample, time_s: float | None) -> bool:
    """Whether `sample` was taken after `time_s` (None: before anything)."""
    return time_s is None or (sample.time_s is not None and sample.time_s > time_s)


def _read(expression: str) -> tuple[str, Predicate]:
    """The parameter and predicate of a check expression (grammar: ground.api.checks)."""
    check = parse_check(expression)

    def holds(value: Any) -> bool:
        try:
            return check.holds_for(value)
        except CheckError:  # as for every predicate, a string against a number is no match
            return False

    return check.name, Predicate(holds, check.condition)
