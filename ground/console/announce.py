"""A console that speaks up: what happens, said above the prompt as it happens.

At an interactive console a thread follows the live feed and says, each on a line of its own
above the line being typed (prompt_toolkit's `patch_stdout` keeps that line whole): alarms
(raised, escalated, back in limits, cleared, acknowledged and shelved by anyone), commands that
end (completed, failed, refused, timed out), events of severity low or worse, and the link
coming and going. `announce alarms` keeps only alarms, command failures and silences; `announce
off` keeps quiet; `announce all` is the default. Scripts never get announcements: their output
stays what their lines asked for.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from enum import StrEnum

from ground.api import (
    AlarmChanged,
    CommandStaged,
    Credentials,
    EventArrived,
    FeedEvent,
    LinkChanged,
    LiveFeed,
    SilenceChanged,
    fmt_value,
    mission_time,
)
from ground.errors import ClientError
from ground.vocabulary import AlarmTransitionKind

POLL_S = 0.2  # how often the thread looks whether it should stop
MIN_EVENT_SEVERITY = 2  # events said unasked: low, medium and high (info ones are many)
RED = "\x1b[1;31m"
YELLOW = "\x1b[33m"
GREEN = "\x1b[32m"
DIM = "\x1b[2m"
PLAIN = "\x1b[0m"


class Level(StrEnum):
    """How much the console says unasked."""

    ALL = "all"  # alarms, commands that end, events of severity low or worse, the link
    ALARMS = "alarms"  # alarms, commands that did not complete, the spacecraft falling silent
    OFF = "off"


def announcement(event: FeedEvent, level: Level) -> tuple[str, str] | None:
    """What to say of `event` at `level`, and its colour; None to say nothing."""
    if level is Level.OFF:
        return None
    if isinstance(event, AlarmChanged):
        entry = event.entry
        who = f" by {entry.operator}" if entry.operator else ""
        colour = (
            GREEN
            if entry.kind in (AlarmTransitionKind.CLEARED, AlarmTransitionKind.RETURNED)
            else RED
            if entry.severity.red
            else YELLOW
        )
        text = (
            f"alarm {entry.name} {entry.kind}{who} [{entry.severity}]: {entry.condition} "
            f"(value {fmt_value(entry.value)})"
        )
        return _at(entry.time_s, text), colour
    if isinstance(event, CommandStaged):
        command = event.command
        if not event.stage.final:
            return None
        if event.stage.unsuccessful:
            why = f": {command.reason}" if command.reason else ""
            text = f"command #{command.id} {command.name} {event.stage}{why}"
            return _at(event.time_s, text), RED
        if level is Level.ALARMS:
            return None
        return _at(event.time_s, f"command #{command.id} {command.name} {event.stage}"), GREEN
    if isinstance(event, SilenceChanged):
        return _at(event.time_s, event.text), YELLOW if event.silence is None else RED
    if level is Level.ALARMS:
        return None
    if isinstance(event, EventArrived) and event.event.severity >= MIN_EVENT_SEVERITY:
        found = event.event
        colour = RED if found.severity >= 3 else YELLOW
        return _at(found.time_s, f"event {found.full_name}: {found.message}"), colour
    if isinstance(event, LinkChanged):
        return _at(event.time_s, f"link {event.change}: {event.text}"), DIM
    return None


def _at(time_s: float, text: str) -> str:
    return f"{mission_time(time_s)}  {text}"


class Announcer:
    """A thread that follows the live feed and says what happens through `say`."""

    def __init__(
        self,
        endpoint: str,
        credentials: Credentials | None,
        say: Callable[[str], None],
        colour: bool,
    ) -> None:
        self.endpoint = endpoint
        self.credentials = credentials
        self.say = say
        self.colour = colour
        self.level = Level.ALL
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="announcer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        with LiveFeed(self.endpoint, self.credentials) as feed:
            while not self._stop.is_set():
                with contextlib.suppress(ClientError):  # another version's event: verbs say
                    event = feed.next(POLL_S)
                    said = None if event is None else announcement(event, self.level)
                    if said is not None:
                        text, colour = said
                        self.say(f"{colour}{text}{PLAIN}" if self.colour else text)
