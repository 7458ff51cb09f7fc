"""Alarm verbs: the ground's alarms, as they are now and as they went."""

from __future__ import annotations

from ground.api import Acknowledge, GetAlarmLog
from ground.errors import HilFailure, HilTimeout
from ground.testkit.core import EVENT_POLL_S, ApiCore, severity_rank
from ground.testkit.failures import explain
from ground.testkit.records import Alarm, AlarmEntry
from ground.vocabulary import AlarmTransitionKind

# pytest leaves this module's frames out of a failure's traceback: the message says it all.
__tracebackhide__ = True

RAISED = (AlarmTransitionKind.TRIGGERED, AlarmTransitionKind.ESCALATED)


class AlarmVerbs(ApiCore):
    """await_alarm, assert_alarm, assert_alarm_active, assert_no_alarms, the alarm log."""

    def alarm_log(
        self, since: float | None = None, until: float | None = None, name: str | None = None
    ) -> list[AlarmEntry]:
        """Every step in the alarms' lives (triggered, escalated, acknowledged, cleared, ...)."""
        return self._call(GetAlarmLog(since, until, name)).alarm_log

    def _raised(
        self, since: float | None, name: str | None, severity: str | None
    ) -> AlarmEntry | None:
        """The first time alarm `name` triggered or escalated to `severity` or worse."""
        floor = severity_rank(severity) if severity else 0
        for entry in self.alarm_log(since=since, name=name):
            if entry.kind in RAISED and entry.severity.rank >= floor:
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
        floor = severity_rank(severity)
        with self._verb(f"assert_no_alarms ({severity} or worse)"):
            active = [a for a in self.alarms() if a.severity.rank >= floor]
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
            self._call(Acknowledge(alarm, operator="test", comment=comment))
