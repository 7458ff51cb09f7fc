"""`mission console`: the operator's line-oriented console on the ground's control API.

Each line is a verb and its words; `key=value` words become arguments (numbers, true/false and
strings are told apart). The console reads a terminal interactively, or a script from stdin or
a file, and exits non-zero when a `check` fails or a command is refused in a script.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Callable, Iterable
from typing import Any, TextIO

from ground.client import ClientError, GroundClient

SEVERITY_NAMES = {1: "INFO", 2: "LOW", 3: "MEDIUM", 4: "HIGH"}


class ConsoleError(Exception):
    """A line the console cannot carry out; the message says how to write it."""


def parse_value(text: str) -> Any:
    """`true`/`false` to bool, numbers to int or float, anything else stays a string."""
    lowered = text.lower()
    if lowered in ("true", "on", "yes"):
        return True
    if lowered in ("false", "off", "no"):
        return False
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def parse_args(words: Iterable[str]) -> dict[str, Any]:
    args: dict[str, Any] = {}
    for word in words:
        if "=" not in word:
            raise ConsoleError(f"expected name=value, found {word!r}")
        key, value = word.split("=", 1)
        args[key] = parse_value(value)
    return args


class Console:
    """Carry out console lines against a ground; print results to `out`."""

    def __init__(self, client: GroundClient, out: TextIO = sys.stdout) -> None:
        self.client = client
        self.out = out
        self.failures = 0
        self.verbs: dict[str, tuple[Callable[[list[str]], None], str]] = {
            "help": (self._help, "help — list the verbs"),
            "status": (self._status, "status — mission time, link and ingest counters"),
            "cmd": (
                self._cmd,
                "cmd SUBSYSTEM.COMMAND [name=value ...] — validate and uplink a command",
            ),
            "ping": (self._ping, "ping [APPLICATION] — TC[17,1] to the executive or a subsystem"),
            "command": (self._command, "command ID — a command's verification stages"),
            "tlm": (self._tlm, "tlm SUBSYSTEM.PARAM — the latest value and its mission time"),
            "check": (
                self._check,
                "check SUBSYSTEM.PARAM OP VALUE — fail the script unless it holds",
            ),
            "alarms": (self._alarms, "alarms — the active alarms"),
            "ack": (self._ack, "ack ALARM [comment words] — acknowledge an alarm"),
            "faults": (self._faults, "faults [SUBSYSTEM] — the fault catalogue"),
            "inject": (self._inject, "inject SUBSYSTEM FAULT [name=value ...] — inject a fault"),
            "clear": (self._clear, "clear SUBSYSTEM FAULT — clear a fault"),
            "step": (self._step, "step SECONDS — advance a stepped clock"),
            "pause": (
                lambda w: self._say(self.client.call("pause")),
                "pause — pause a realtime clock",
            ),
            "resume": (
                lambda w: self._say(self.client.call("resume")),
                "resume — resume a realtime clock",
            ),
            "rate": (
                lambda w: self._say(self.client.call("set_rate", rate=float(w[0]))),
                "rate FACTOR — clock rate",
            ),
            "events": (self._events, "events [MIN_SEVERITY] — events archived so far"),
        }

    def run_line(self, line: str) -> bool:
        """Carry out one line; False when the console should stop."""
        line = line.strip()
        if not line or line.startswith("#"):
            return True
        words = shlex.split(line)
        verb, rest = words[0], words[1:]
        if verb in ("quit", "exit"):
            return False
        entry = self.verbs.get(verb)
        try:
            if entry is None:
                raise ConsoleError(f"unknown verb {verb!r}; `help` lists them")
            entry[0](rest)
        except (ConsoleError, ClientError, ValueError, IndexError) as error:
            self.failures += 1
            detail = (
                str(error)
                if not isinstance(error, IndexError)
                else f"missing words; usage: {entry[1] if entry else ''}"
            )
            self.out.write(f"error: {detail}\n")
        return True

    def run_script(self, lines: Iterable[str]) -> int:
        for line in lines:
            if line.strip() and not line.strip().startswith("#"):
                self.out.write(f"> {line.strip()}\n")
            if not self.run_line(line):
                break
        return 1 if self.failures else 0

    def _say(self, reply: dict[str, Any]) -> None:
        shown = {k: v for k, v in reply.items() if k != "ok"}
        self.out.write((" ".join(f"{k}={v}" for k, v in shown.items()) or "ok") + "\n")

    def _help(self, words: list[str]) -> None:
        for _, usage in self.verbs.values():
            self.out.write(f"  {usage}\n")
        self.out.write("  quit — leave the console\n")

    def _status(self, words: list[str]) -> None:
        status = self.client.call("status")
        ingest = status["ingest"]
        self.out.write(
            f"{status['mission']}  T+{status['time_s']:.1f} s  light time {status['one_way_light_time_s']:.3f} s  "
            f"frames {ingest['frames']} (refused {ingest['refused']}, missing {ingest['frames_missing']})  "
            f"events {status['events']}  alarms {status['alarms_active']}  commands pending {status['commands_pending']}\n"
        )

    def _cmd(self, words: list[str]) -> None:
        reply = self.client.call("cmd", name=words[0], args=parse_args(words[1:]))
        command = reply["command"]
        self.out.write(
            f"command {command['id']} {command['name']} sent (apid {command['apid']} seq {command['seq']})\n"
        )

    def _ping(self, words: list[str]) -> None:
        command = self.client.call("ping", target=words[0] if words else "executive")["command"]
        self.out.write(f"command {command['id']} ping sent\n")

    def _command(self, words: list[str]) -> None:
        command = self.client.call("command", id=int(words[0]))["command"]
        stages = "  ".join(f"{stage}@{time_s:.2f}" for stage, time_s in command["stages"].items())
        failure = (
            f"  code {command['code']} {command['error']}: {command['reason']}"
            if command["code"]
            else ""
        )
        self.out.write(
            f"command {command['id']} {command['name']}: {command['status']}  {stages}{failure}\n"
        )

    def _tlm(self, words: list[str]) -> None:
        reply = self.client.call("tlm", name=words[0])
        when = "never" if reply["time_s"] is None else f"T+{reply['time_s']:.1f} s"
        self.out.write(f"{reply['name']} = {reply['value']!r} ({when})\n")

    def _check(self, words: list[str]) -> None:
        if len(words) != 3:
            raise ConsoleError(
                "usage: check SUBSYSTEM.PARAM OP VALUE, with OP one of == != < <= > >="
            )
        name, op, expected = words[0], words[1], parse_value(words[2])
        reply = self.client.call("tlm", name=name)
        value = reply["value"]
        comparisons: dict[str, Callable[[Any, Any], bool]] = {
            "==": lambda a, b: a == b,
            "!=": lambda a, b: a != b,
            "<": lambda a, b: a < b,
            "<=": lambda a, b: a <= b,
            ">": lambda a, b: a > b,
            ">=": lambda a, b: a >= b,
        }
        if op not in comparisons:
            raise ConsoleError(f"unknown comparison {op!r}; use == != < <= > >=")
        if value is None or not comparisons[op](value, expected):
            raise ConsoleError(f"CHECK FAILED: {name} {op} {expected!r} (value {value!r})")
        self.out.write(f"CHECK: {name} {op} {expected!r} holds ({value!r})\n")

    def _alarms(self, words: list[str]) -> None:
        alarms = self.client.call("alarms")["alarms"]
        if not alarms:
            self.out.write("no active alarms\n")
        for alarm in alarms:
            self.out.write(
                f"{alarm.get('severity', '?'):>9}  {alarm.get('name')}  {alarm.get('state', '')}  {alarm.get('condition', '')}\n"
            )

    def _ack(self, words: list[str]) -> None:
        self.client.call("ack", name=words[0], comment=" ".join(words[1:]))
        self.out.write(f"acknowledged {words[0]}\n")

    def _faults(self, words: list[str]) -> None:
        faults = self.client.call("faults")["faults"]
        for name, fault in sorted(faults.items()):
            if words and not name.startswith(words[0] + "."):
                continue
            params = ", ".join(
                f"{p['name']}: {p['kind']}{' ' + p['unit'] if p['unit'] else ''}"
                for p in fault["params"]
            )
            self.out.write(f"{name}({params}) — {fault['description']}\n")

    def _inject(self, words: list[str]) -> None:
        reply = self.client.call(
            "inject", subsystem=words[0], fault=words[1], params=parse_args(words[2:])
        )
        self.out.write(f"injected {words[0]}.{words[1]} at T+{reply['time_s']:.1f} s\n")

    def _clear(self, words: list[str]) -> None:
        reply = self.client.call("clear", subsystem=words[0], fault=words[1])
        self.out.write(f"cleared {words[0]}.{words[1]} at T+{reply['time_s']:.1f} s\n")

    def _step(self, words: list[str]) -> None:
        reply = self.client.call("step", seconds=float(words[0]), timeout_s=3600.0)
        self.out.write(f"T+{reply['time_s']:.1f} s\n")

    def _events(self, words: list[str]) -> None:
        events = self.client.call("events", min_severity=int(words[0]) if words else 1)["events"]
        for ev in events:
            self.out.write(
                f"T+{ev['time_s']:.1f}  {SEVERITY_NAMES.get(ev['severity'], ev['severity']):6} {ev['subsystem']}.{ev['name']}: {ev['message']}\n"
            )
