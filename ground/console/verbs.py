"""`mission console`: the operator's console on the ground's control API, COSMOS-style verbs.

Each line is a verb and its words; `key=value` words become arguments (numbers, true/false and
strings are told apart). The console reads a terminal interactively, or a script from stdin or
a file; a script echoes each line with its result and exits non-zero when a `check` or
`wait_check` fails, a command is refused, or a line cannot be carried out.
"""

from __future__ import annotations

import difflib
import shlex
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NamedTuple, TextIO

import msgspec

from flightsw.cli import EXIT_FAILED, EXIT_OK, EXIT_RUNTIME
from flightsw.icd import MissionDictionary, Scalar
from ground.api import (
    Acknowledge,
    Check,
    ClearFault,
    Command,
    DumpRecorder,
    GetAlarms,
    GetAudit,
    GetCommand,
    GetDictionary,
    GetEvents,
    GetFaults,
    GetHistory,
    GetReports,
    GetStatus,
    GetTelemetry,
    GetTimeline,
    GroundClient,
    InjectFault,
    ListCommands,
    Pause,
    ReceivedSchedule,
    Reply,
    RequestSchedule,
    Resume,
    Sample,
    SendCommand,
    SendPing,
    SetQueue,
    SetRate,
    Shelve,
    TlmReply,
    fmt_value,
    mission_time,
    parse_check,
    parse_value,
)
from ground.console.announce import Announcer, Level
from ground.console.render import Renderer
from ground.console.wait import MissionClock
from ground.console.watch import QUIET_REALTIME_MS, QUIET_STEPPED_MS, Feed, watch
from ground.console.words import (
    number,
    parse_args,
    parse_range,
    split_expression,
    split_options,
    whole_number,
)
from ground.dictionary import hk_period_s
from ground.errors import ConsoleError, GroundError, GroundGone
from ground.vocabulary import CommandStatus, QueueState

__all__ = ["Console", "ConsoleError", "parse_args", "parse_value"]

REPLY_BUDGET_S = 120.0  # mission seconds to wait for a report or a command's last stage
REPLY_STEP_S = 1.0
PLAIN_PLOT_WIDTH = 80
WAIT_CHECK_USAGE = "wait_check SUBSYSTEM.PARAM OP VALUE within=SECONDS"


def _whole(text: str) -> list[str]:
    return split_expression(text)


def _with_within(text: str) -> list[str]:
    return split_expression(text, "within")


class Verb(NamedTuple):
    run: Callable[[list[str]], None]
    usage: str
    summary: str
    # How the rest of the line becomes the verb's words. Checks take their expression whole,
    # quotes and all, so the console reads it by the same grammar as the test kit.
    split: Callable[[str], list[str]] = shlex.split


class Console:
    """Carry out console lines against a ground; show results through a Renderer on `out`."""

    def __init__(
        self,
        client: GroundClient,
        out: TextIO = sys.stdout,
        feed_endpoint: str | None = None,
        tty: bool | None = None,
        archive_path: Path | None = None,
    ) -> None:
        self.client = client
        self.render = Renderer(out, tty)
        self.feed_endpoint = feed_endpoint
        self.archive_path = archive_path
        self.failures = 0
        self.lost: GroundGone | None = None  # the ground went away during the last line
        self._feed: Feed | None = None
        self._dictionary: dict[str, Any] | None = None
        self.clock = MissionClock(client, self.feed)
        self.announcer: Announcer | None = None  # an interactive console's (see `announce`)
        v = Verb
        self.verbs: dict[str, Verb] = {
            "help": v(self._help, "help [VERB | SUBSYSTEM.COMMAND]", "list the verbs, explain one, or show a command's arguments with units, ranges and choices"),
            "status": v(self._status, "status", "mission time, link, ingest and alarm counts"),
            "cmd": v(self._cmd, "cmd SUBSYSTEM.COMMAND [name=value ...] [at=T|at=+S] [confirm]",
                     "validate and uplink a command; at= time-tags it (absolute or +seconds from now); confirm for hazardous ones"),
            "tlm": v(self._tlm, "tlm SUBSYSTEM.PARAM", "the latest value and its mission time"),
            "check": v(self._check, "check SUBSYSTEM.PARAM OP VALUE",
                       "fail the script unless it holds now (OP: == != < <= > >=; quote a string value)",
                       _whole),
            "wait_check": v(self._wait_check, WAIT_CHECK_USAGE,
                            "let mission time pass until it holds; fail after SECONDS of mission time",
                            _with_within),
            "wait": v(self._wait, "wait SECONDS", "let SECONDS of mission time pass (steps a stepped clock)"),
            "step": v(self._wait, "step SECONDS", "the same as wait"),
            "command": v(self._command, "command ID", "a command's verification stages"),
            "commands": v(self._commands, "commands", "every command of this run: who sent it, how far it got"),
            "audit": v(self._audit, "audit [OPERATOR]", "who asked the ground for what beyond reading, and what it refused"),
            "ping": v(self._ping, "ping [APPLICATION]", "TC[17,1] to the executive or a subsystem"),
            "inject": v(self._inject, "inject SUBSYSTEM FAULT [name=value ...]", "inject a fault"),
            "clear": v(self._clear, "clear SUBSYSTEM FAULT", "clear a fault"),
            "faults": v(self._faults, "faults [SUBSYSTEM]", "the fault catalogue with parameters, units, ranges, choices"),
            "alarms": v(self._alarms, "alarms", "the active alarms, coloured by severity"),
            "ack": v(self._ack, "ack ALARM [comment words]", "acknowledge an alarm"),
            "shelve": v(self._shelve, "shelve ALARM SECONDS [comment words]", "shelve an alarm for a time"),
            "events": v(self._events, "events [MIN_SEVERITY]", "events archived so far (1 info .. 4 high)"),
            "timeline": v(self._timeline, "timeline [START END]", "events, commands, alarms and injections in time order"),
            "schedule": v(self._schedule, "schedule", "ask for the onboard schedule (TM[11,10]) and show it"),
            "queue": v(self._queue, "queue [enabled|blocked|disabled|release]", "show, set or release the command queue"),
            "dump": v(self._dump, "dump START END", "play back what the onboard recorder holds in a time range"),
            "history": v(self._history, "history SUBSYSTEM.PARAM [START END]", "archived samples of a parameter"),
            "plot": v(self._plot, "plot SUBSYSTEM.PARAM [START END] [--png PATH]", "a text chart of a parameter's history"),
            "watch": v(self._watch, "watch SUBSYSTEM.PARAM ... [for=N]", "follow parameters on the live feed until Ctrl-C (or N updates)"),
            "pause": v(lambda w: self._say(self.client.call(Pause())), "pause", "pause a realtime clock"),
            "resume": v(lambda w: self._say(self.client.call(Resume())), "resume", "resume a realtime clock"),
            "rate": v(lambda w: self._say(self.client.call(SetRate(number(w[0], "the rate")))), "rate FACTOR", "set a realtime clock's rate"),
            "announce": v(self._announce, "announce [all|alarms|off]",
                          "what an interactive console says unasked, above the prompt: all (alarms, commands that end, events, the link), alarms (and command failures), or off"),
            "quit": v(lambda w: None, "quit", "leave the console"),
        }  # fmt: skip

    # -- running lines ---------------------------------------------------------------------------

    def run_line(self, line: str) -> bool:
        """Carry out one line; False when the console should stop."""
        line = line.strip()
        if not line or line.startswith("#"):
            return True
        verb, *rest = line.split(None, 1)
        text = rest[0] if rest else ""
        if verb in ("quit", "exit"):
            return False
        entry = self.verbs.get(verb)
        if entry is None:
            self._fail(f"unknown verb {verb!r}; `help` lists them")
            return True
        try:
            words = entry.split(text)
        except ValueError as error:
            self._fail(f"cannot split the line: {error}")
            return True
        self.lost = None
        try:
            entry.run(words)
        except GroundGone as error:
            self.lost = error
            self._fail(str(error))
        except (ConsoleError, GroundError, ValueError) as error:
            self._fail(str(error))
        except IndexError:
            self._fail(f"missing words; usage: {entry.usage if entry else ''}")
        except KeyboardInterrupt:
            self._fail(f"{verb} interrupted")
        return True

    def run_script(self, lines: Iterable[str]) -> int:
        """Run lines, echoing each; EXIT_FAILED (1) when anything failed, else EXIT_OK (0).

        A script stops when its ground is gone (EXIT_RUNTIME, 3): every line after would fail
        the same way, and the script's outcome would not be the spacecraft's.
        """
        for line in lines:
            if line.strip() and not line.strip().startswith("#"):
                self.render.line(f"> {line.strip()}", "dim")
            if not self.run_line(line):
                break
            if self.lost is not None:
                return EXIT_RUNTIME
        return EXIT_FAILED if self.failures else EXIT_OK

    def feed(self) -> Feed:
        if self.feed_endpoint is None:
            raise ConsoleError("this verb needs the live feed; give `--feed` or `--data-dir`")
        if self._feed is None:
            self._feed = Feed(self.feed_endpoint, self.client.credentials)
        return self._feed

    def close(self) -> None:
        if self._feed is not None:
            self._feed.close()

    @property
    def dictionary(self) -> dict[str, Any]:
        if self._dictionary is None:
            self._dictionary = self.client.call(GetDictionary()).dictionary
        return self._dictionary

    def _fail(self, text: str) -> None:
        self.failures += 1
        self.render.error(text)

    def _say(self, reply: Reply) -> None:
        shown = {k: v for k, v in msgspec.structs.asdict(reply).items() if k != "ok"}
        self.render.line(" ".join(f"{k}={v}" for k, v in shown.items()) or "ok")

    def _now(self) -> str:
        return mission_time(self.clock.now_s())

    # -- verbs -----------------------------------------------------------------------------------

    def _help(self, words: list[str]) -> None:
        if words and "." in words[0]:
            self._help_command(words[0])
            return
        if words:
            entry = self.verbs.get(words[0])
            if entry is None:
                raise ConsoleError(f"no verb {words[0]!r}; `help` lists them")
            self.render.line(f"{entry.usage}\n  {entry.summary}")
            return
        self.render.table(("verb", "what"), [(e.usage, e.summary) for e in self.verbs.values()])

    def _help_command(self, name: str) -> None:
        """A command's description and arguments: kind, unit, range, choices, default."""
        flight = msgspec.convert(self.dictionary, MissionDictionary)
        subsystem, _, short = name.partition(".")
        for spec in flight.subsystems:
            for command in spec.commands if spec.name == subsystem else ():
                if command.name == short:
                    self.render.command_help(name, command)
                    return
        known = [f"{s.name}.{c.name}" for s in flight.subsystems for c in s.commands]
        close = difflib.get_close_matches(name, known, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else "; Tab completes the names"
        raise ConsoleError(f"no command {name!r}{hint}")

    def _announce(self, words: list[str]) -> None:
        if self.announcer is None:
            raise ConsoleError("only an interactive console speaks up unasked; a script does not")
        if words:
            try:
                self.announcer.level = Level(words[0])
            except ValueError:
                raise ConsoleError(
                    f"announce takes {', '.join(level.value for level in Level)}; got {words[0]!r}"
                ) from None
        self.render.line(f"announcing: {self.announcer.level}")

    def _status(self, words: list[str]) -> None:
        self.render.status(self.client.call(GetStatus()).status)

    def _cmd(self, words: list[str]) -> None:
        name = words[0]
        release_s: float | None = None
        confirm = False
        args_words = []
        for word in words[1:]:
            if word == "confirm":
                confirm = True
            elif word.startswith("confirm="):
                confirm = bool(parse_value(word[len("confirm=") :]))
            elif word.startswith("at="):
                at = word[len("at=") :]
                release_s = number(at, "at=")
                if at.startswith("+"):  # seconds from now
                    release_s += self.clock.now_s()
            else:
                args_words.append(word)
        request = SendCommand(name, parse_args(args_words), release_s=release_s, confirm=confirm)
        command = self.client.call(request).command
        when = f", release at {mission_time(release_s)}" if release_s is not None else ""
        self.render.line(
            f"command {command.id} {command.name} {command.status} "
            f"(apid {command.apid} seq {command.seq}{when})"
        )

    def _ping(self, words: list[str]) -> None:
        command = self.client.call(SendPing(words[0] if words else "executive")).command
        self.render.line(f"command {command.id} ping sent")

    def _command(self, words: list[str]) -> None:
        self.render.command(self.client.call(GetCommand(whole_number(words[0], "ID"))).command)

    def _commands(self, words: list[str]) -> None:
        commands = self.client.call(ListCommands()).commands
        for command in commands:
            self.render.line(str(command))
        if not commands:
            self.render.line("no command yet")

    def _audit(self, words: list[str]) -> None:
        entries = self.client.call(GetAudit(operator=words[0] if words else None)).audit
        for entry in entries:
            self.render.line(str(entry), "31" if entry.outcome.startswith("refused") else "")
        if not entries:
            self.render.line("nothing audited yet")

    def _tlm(self, words: list[str]) -> None:
        reply = self.client.call(GetTelemetry(words[0]))
        self.render.line(f"{reply.name} = {fmt_value(reply.value)} ({mission_time(reply.time_s)})")

    def _latest(self, check: Check) -> tuple[bool, TlmReply]:
        reply = self.client.call(GetTelemetry(check.name))
        return check.holds_for(reply.value), reply

    def _check(self, words: list[str]) -> None:
        check = parse_check(words[0])
        holds, reply = self._latest(check)
        if not holds:
            raise ConsoleError(
                f"CHECK FAILED: {check} (value {fmt_value(reply.value)} "
                f"at {mission_time(reply.time_s)}; mission time {self._now()})"
            )
        self.render.line(f"CHECK: {check} holds ({fmt_value(reply.value)})", "green")

    def _wait_check(self, words: list[str]) -> None:
        options = parse_args(words[1:])
        if "within" not in options:
            raise ConsoleError(f"usage: {WAIT_CHECK_USAGE}")
        within_s = number(str(options["within"]), "within=")
        check = parse_check(words[0])
        last = Sample(None, None)

        def holds() -> bool:
            nonlocal last
            ok, reply = self._latest(check)
            last = reply.sample
            return ok

        start_s = self.clock.now_s()
        if not self.clock.until(holds, within_s, self._hk_period_s(check.name)):
            raise ConsoleError(
                f"WAIT_CHECK FAILED: awaited {check} for {within_s:g} s of mission time from "
                f"{mission_time(start_s)}; last value {fmt_value(last.value)} at "
                f"{mission_time(last.time_s)}; mission time {self._now()}"
            )
        self.render.line(
            f"WAIT_CHECK: {check} holds ({fmt_value(last.value)}) "
            f"after {self.clock.now_s() - start_s:.1f} s",
            "green",
        )

    def _hk_period_s(self, name: str) -> float:
        return hk_period_s(self.dictionary, name)

    def _wait(self, words: list[str]) -> None:
        self.render.line(mission_time(self.clock.advance(number(words[0], "SECONDS"))))

    def _inject(self, words: list[str]) -> None:
        params = parse_args(words[2:])
        reply = self.client.call(InjectFault(words[0], words[1], params))
        self.render.line(
            f"injected {words[0]}.{words[1]} at {mission_time(reply.time_s)}", "magenta"
        )

    def _clear(self, words: list[str]) -> None:
        reply = self.client.call(ClearFault(words[0], words[1]))
        self.render.line(
            f"cleared {words[0]}.{words[1]} at {mission_time(reply.time_s)}", "magenta"
        )

    def _faults(self, words: list[str]) -> None:
        self.render.faults(self.client.call(GetFaults()).faults, words[0] if words else None)

    def _alarms(self, words: list[str]) -> None:
        self.render.alarms(self.client.call(GetAlarms()).alarms)

    def _ack(self, words: list[str]) -> None:
        self.client.call(Acknowledge(words[0], comment=" ".join(words[1:])))
        self.render.line(f"acknowledged {words[0]}")

    def _shelve(self, words: list[str]) -> None:
        comment = " ".join(words[2:])
        duration_s = number(words[1], "SECONDS")
        self.client.call(Shelve(words[0], duration_s, comment=comment))
        self.render.line(f"shelved {words[0]} for {duration_s:g} s")

    def _events(self, words: list[str]) -> None:
        request = GetEvents(min_severity=whole_number(words[0], "MIN_SEVERITY") if words else 1)
        self.render.events(self.client.call(request).events)

    def _timeline(self, words: list[str]) -> None:
        self.render.timeline(self.client.call(GetTimeline(*parse_range(words))).timeline)

    def _queue(self, words: list[str]) -> None:
        if not words:
            request = SetQueue()
        elif words[0] == "release":
            request = SetQueue(release=True)
        elif words[0] in set(QueueState):
            request = SetQueue(QueueState(words[0]))
        else:
            states = ", ".join(QueueState)
            raise ConsoleError(f"queue state must be one of {states}, not {words[0]!r}")
        self.render.queue(self.client.call(request))

    def _schedule(self, words: list[str]) -> None:
        before = self._schedule_report()
        command = self.client.call(RequestSchedule()).command
        self.render.line(
            f"command {command.id} {command.name} {command.status}; awaiting TM[11,10]"
        )

        def arrived() -> bool:
            self._refuse_stuck(command.id)
            return self._schedule_report() not in (None, before)

        self._await(arrived, "the TM[11,10] schedule report")
        self.render.schedule(self._schedule_report())

    def _schedule_report(self) -> ReceivedSchedule | None:
        return self.client.call(GetReports()).schedule

    def _await(self, done: Callable[[], bool], what: str) -> None:
        if not self.clock.until(done, REPLY_BUDGET_S, REPLY_STEP_S):
            raise ConsoleError(
                f"awaited {what} for {REPLY_BUDGET_S:g} s of mission time; it did not come; "
                f"mission time {self._now()}"
            )

    def _refuse_stuck(self, command_id: int) -> Command:
        """A command's state; ConsoleError if it failed or the blocked queue holds it."""
        command = self.client.call(GetCommand(command_id)).command
        if command.failed:
            raise ConsoleError(
                f"command {command_id} {command.name} {command.status}: {command.reason}"
            )
        if command.status == CommandStatus.QUEUED:
            raise ConsoleError(
                f"command {command_id} {command.name} is held by the blocked queue; `queue release`"
            )
        return command

    def _dump(self, words: list[str]) -> None:
        start_s, end_s = parse_range(words)
        if start_s is None or end_s is None:
            raise ConsoleError("usage: dump START END (mission seconds)")
        command = self.client.call(DumpRecorder(start_s, end_s)).command

        self._await(
            lambda: self._refuse_stuck(command.id).status == CommandStatus.COMPLETED,
            f"command {command.id} completing",
        )
        self.render.command(self.client.call(GetCommand(command.id)).command)

    def _samples(self, name: str, words: list[str]) -> list[Sample]:
        return self.client.call(GetHistory(name, *parse_range(words))).samples

    def _history(self, words: list[str]) -> None:
        self.render.history(words[0], self._samples(words[0], words[1:]))

    def _plot(self, words: list[str]) -> None:
        from ground.plots import figures as plots  # numpy and the archive; only `plot` needs them
        from ground.plots import text as plot_text

        png = None
        if "--png" in words:
            index = words.index("--png")
            png, words = Path(words[index + 1]), words[:index] + words[index + 2 :]
        samples = self._samples(words[0], words[1:])
        width = min(self.render.rich.width, 160) if self.render.tty else PLAIN_PLOT_WIDTH
        self.render.line(f"{words[0]} ({len(samples)} samples)")
        self.render.line(plot_text.terminal_plot(_archived(samples), width, 16))
        if png is not None:
            if self.archive_path is None:
                raise ConsoleError("--png reads the archive; start the console with --data-dir")
            # the `history` call above flushed the ground's archive, so the file has the samples
            span = parse_range(words[1:])
            path = plots.plot_parameters(self.archive_path, [words[0]], png, *span)
            self.render.line(f"wrote {path}")

    def _watch(self, words: list[str]) -> None:
        names, options = split_options(words, "for")
        if not names:
            raise ConsoleError("usage: watch SUBSYSTEM.PARAM ... [for=N]")
        for name in names:
            self.client.call(GetTelemetry(name))  # refuses an unknown name, with suggestions
        period_s = min(self._hk_period_s(name) for name in names)
        # A quiet feed steps a stepped clock, and on a realtime one asks whether the ground is
        # still there: a dead ground's feed is quiet forever.
        stepped = self.clock.stepped
        on_quiet = (lambda: self.clock.step(period_s)) if stepped else self.client.ensure_there
        quiet_ms = QUIET_STEPPED_MS if stepped else QUIET_REALTIME_MS
        updates = whole_number(str(options["for"]), "for=") if "for" in options else None
        count = watch(self.feed(), names, self.render, updates, on_quiet, quiet_ms)
        self.render.line(f"watched {count} update(s)")


def _archived(samples: list[Sample]) -> list[tuple[float, Scalar]]:
    """History samples as plain pairs (an archived sample always has its time and value)."""
    return [(s.time_s, s.value) for s in samples if s.time_s is not None and s.value is not None]
