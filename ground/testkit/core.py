"""The test kit's plumbing: mission time, the control API, the step report, shared look-ups.

The verbs live in mixins by concept (telemetry_verbs, event_verbs, alarm_verbs, command_verbs)
and meet in `ground.testkit.api.HilApi`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from ground.api import (
    GetAlarms,
    GetDictionary,
    GetEvents,
    GetHistory,
    GetStatus,
    GetTelemetry,
    GroundClient,
    GroundStatus,
    Reply,
    Request,
    Step,
    fmt_value,
    mission_time,
)
from ground.cli.launcher import Mission
from ground.dictionary import hk_period_s
from ground.errors import ClientError, HilFailure
from ground.testkit.records import Alarm, Event, Sample
from ground.testkit.report import Reporter, SilentReporter
from ground.vocabulary import AlarmSeverity

# pytest leaves this module's frames out of a failure's traceback: the message says it all.
__tracebackhide__ = True

STEP_TIMEOUT_S = 3600.0  # wall seconds a single step may take (a long one on a slow machine)
EVENT_POLL_S = 5.0  # mission seconds between looks for an event or an alarm

R = TypeVar("R", bound=Reply)


class ApiCore:
    """What every verb stands on: stepping the clock, asking the ground, reporting the step."""

    def __init__(
        self, client: GroundClient, reporter: Reporter | None = None, mission: Mission | None = None
    ) -> None:
        self.client = client
        self.mission = mission  # the processes and archive, when the test kit launched them
        self.reporter: Reporter = reporter or SilentReporter()
        self._dictionary: dict[str, Any] | None = None
        self._depth = 0  # verbs called by verbs are not reported twice
        self._release_s: dict[int, float] = {}  # time-tagged commands: id -> release time

    @property
    def now_s(self) -> float:
        """Mission time on the ground (where everything received so far has been taken in)."""
        return self._status().time_s

    def _status(self) -> GroundStatus:
        return self.client.call(GetStatus()).status

    def _heard_status(self) -> GroundStatus:
        """The ground's status; a HilFailure at once if the spacecraft has fallen silent, since
        nothing a test waits for can come from it then."""
        status = self._status()
        if status.silence is not None:
            log = self.mission.flight_log if self.mission is not None else None
            where = f"see the spacecraft's log, {log}" if log else "see the spacecraft's log"
            raise HilFailure(f"{status.silence}: nothing awaited can come; {where}")
        return status

    def _step(self, seconds: float) -> float:
        if seconds <= 0:
            return self._heard_status().time_s
        try:
            return self.client.call(Step(seconds), timeout_s=STEP_TIMEOUT_S).ground.time_s
        except ClientError:
            self._heard_status()  # the spacecraft fell silent during the step: say so
            raise

    def _until(
        self, found: Callable[[], Any], within: float, poll_s: float
    ) -> tuple[Any, float, float]:
        """Step by `poll_s` until `found()` returns something; (it or None, start, end)."""
        if within < 0:
            raise ValueError(f"within must be >= 0 mission seconds, got {within}")
        start_s = self._heard_status().time_s
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

    def _latest(self, name: str) -> Sample:
        return self._call(GetTelemetry(name)).sample

    def history(
        self, name: str, since: float | None = None, until: float | None = None
    ) -> list[Sample]:
        """Archived samples of `name`, in time order (mission seconds, both ends included)."""
        return self._call(GetHistory(name, since, until)).samples

    def events(
        self, since: float | None = None, until: float | None = None, min_severity: int = 1
    ) -> list[Event]:
        """Archived events in time order (severity 1 info .. 4 high)."""
        return self._call(GetEvents(min_severity, since, until)).events

    def alarms(self) -> list[Alarm]:
        """The active (unshelved) alarms, worst first."""
        return self._call(GetAlarms()).alarms

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

    def _call(self, request: Request[R]) -> R:
        try:
            return self.client.call(request)
        except ClientError as error:
            raise HilFailure(f"{request.op()} refused: {error}") from None

    @property
    def dictionary(self) -> dict[str, Any]:
        if self._dictionary is None:
            self._dictionary = self._call(GetDictionary()).dictionary
        return self._dictionary

    def _hk_period_s(self, name: str) -> float:
        return hk_period_s(self.dictionary, name)

    def _one_way_s(self) -> float:
        return self._call(GetStatus()).status.one_way_light_time_s

    def _round_trip_s(self) -> float:
        return 2.0 * self._one_way_s()

    def _recent(self, name: str, count: int = 8) -> list[Sample]:
        return self.history(name)[-count:]

    def _window(
        self, samples: list[Sample], since: float | None, until: float | None
    ) -> tuple[float, float]:
        first_s = samples[0].time_s if samples else None
        start_s = since if since is not None else (first_s if first_s is not None else 0.0)
        return start_s, until if until is not None else self.now_s


class _VerbOutcome:
    """What a verb reports when it passes (filled in by the verb)."""

    def __init__(self) -> None:
        self.detail = ""


def severity_rank(label: str) -> int:
    """The rank of an alarm severity named in any case (watch 1 .. severe 5), or ValueError."""
    return AlarmSeverity.parse(label).rank


def _args_text(args: dict[str, Any] | None) -> str:
    return " ".join(f"{key}={fmt_value(value)}" for key, value in (args or {}).items())
