"""Whether the spacecraft is heard: the wall time of its last word, and when it owes one.

A word is anything the spacecraft process says: a truth message, a frame, a sim-port reply.
It owes one in realtime all the time (a truth message per tick, or the answer to the ground's
probe while its clock is paused), and when stepped only while a sim-port request waits (a step
publishes a truth message per tick). Owing a word and saying nothing for `silence_s` wall
seconds is silence; so is a dropped connection, at once (its process is gone). The first word
after a silence ends it.

`SilenceWatch` reads no clock: the main loop passes wall times in (ground.process.liveness), so
the rules are tested with plain numbers. `announce_silence` and `announce_heard` are what the
ground does about it, through its service: an event, the red alarm `spacecraft_silent`, and no
verification left waiting for an answer that cannot come.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ground.api import Silence, SilenceChanged
from ground.rules.engine import RuleTransition
from ground.vocabulary import SPACECRAFT_HEARD, SPACECRAFT_SILENT, AlarmSeverity, RuleState

if TYPE_CHECKING:
    from ground.process.service import GroundService

log = logging.getLogger(__name__)

DEFAULT_SILENCE_S = 5.0
"""Wall seconds without a word, while one is owed, before the spacecraft counts as silent."""


class SilenceWatch:
    """Keep the spacecraft's last word and say when it falls silent and when it is heard again."""

    def __init__(self, silence_s: float, wall_s: float) -> None:
        """Watch with a limit of `silence_s` wall seconds, counted from `wall_s` (start-up)."""
        self.silence_s = silence_s
        self.last_heard_wall_s = wall_s
        self.last_heard_s: float | None = None  # mission time of the latest word that had one
        self.silence: Silence | None = None
        self.connected = True

    def heard(self, wall_s: float, mission_s: float | None = None) -> Silence | None:
        """A word at `wall_s` (of mission time `mission_s`, if it has one); the silence it ends."""
        self.last_heard_wall_s = wall_s
        if mission_s is not None and (self.last_heard_s is None or mission_s > self.last_heard_s):
            self.last_heard_s = mission_s
        ended, self.silence = self.silence, None
        return ended

    def dropped(self, what: str) -> Silence | None:
        """The connection of socket `what` dropped: the silence this starts (None if silent)."""
        self.connected = False
        return self._fall_silent(f"its {what} connection dropped")

    def reconnected(self) -> None:
        """The connections are up again; the spacecraft is heard once it speaks."""
        self.connected = True

    def check(self, wall_s: float, owed_since_wall_s: float | None) -> Silence | None:
        """The silence that starts now, if a word owed since `owed_since_wall_s` (None: none is
        owed) has not come for `silence_s`."""
        if self.silence is not None or owed_since_wall_s is None:
            return None
        if self.quiet_s(wall_s, owed_since_wall_s) < self.silence_s:
            return None
        return self._fall_silent(f"no word for {self.silence_s:g} s of wall time")

    def quiet_s(self, wall_s: float, owed_since_wall_s: float) -> float:
        """Wall seconds without a word since one has been owed."""
        return wall_s - max(self.last_heard_wall_s, owed_since_wall_s)

    def _fall_silent(self, cause: str) -> Silence | None:
        if self.silence is not None:
            return None
        self.silence = Silence(since_s=self.last_heard_s, cause=cause)
        return self.silence


# -- what the ground does about it -----------------------------------------------------------------


def announce_silence(service: GroundService, silence: Silence) -> None:
    """The spacecraft fell silent: an event, a red alarm, and no verification left to wait for."""
    service.silence = silence
    text = f"spacecraft silent since {silence.since} ({silence.cause})"
    _ground_event(service, SPACECRAFT_SILENT, 4, text, silence)
    service.record_alarms(
        service.alarms.update(service.now_s, [silence_alarm(silence, service.now_s, silent=True)])
    )
    for update in service.commands.give_up(service.now_s, f"no answer: {silence}"):
        service.commander.stage(update)


def announce_heard(service: GroundService) -> None:
    """A silent spacecraft spoke again: an event, and its alarm returns to normal."""
    silence, service.silence = service.silence, None
    if silence is None:
        return
    text = f"spacecraft heard again (silent since {silence.since})"
    _ground_event(service, SPACECRAFT_HEARD, 1, text, silence)
    service.record_alarms(
        service.alarms.update(service.now_s, [silence_alarm(silence, service.now_s, silent=False)])
    )


def silence_alarm(silence: Silence, time_s: float, *, silent: bool) -> RuleTransition:
    """The silence alarm's rule leaving GREEN (`silent`) or coming back to it."""
    old, new = (RuleState.GREEN, RuleState.VIOLATED)
    if not silent:
        old, new = new, old
    severity = AlarmSeverity.CRITICAL if silent else None
    condition = f"spacecraft silent ({silence.cause})"
    return RuleTransition(SPACECRAFT_SILENT, time_s, old, new, silence.since_s, severity, condition)


def _ground_event(
    service: GroundService, name: str, severity: int, text: str, silence: Silence
) -> None:
    """Archive and publish a change of silence as the ground's own event."""
    now_s = service.now_s
    params = {"since_s": silence.since_s, "cause": silence.cause}
    service.archive.record_event(now_s, "ground", name, severity, text, params, received_s=now_s)
    service.publish(SilenceChanged(time_s=now_s, silence=service.silence, text=text))
    if service.silence is None:
        log.info("%s", text)
    else:
        log.error("%s; is flightsw running? (see its log)", text)
