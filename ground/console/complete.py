"""Tab completion for the console, from the spacecraft's dictionary, and its prompt session.

What is offered depends on the verb and the word's position: verbs first; then command names
after `cmd`, then their `argument=` names, then enum (or bool) choices after `argument=`;
parameter names after `tlm`, `check`, `wait_check`, `history`, `plot` and `watch`; subsystems and
fault names after `faults`, `inject` and `clear`; alarm names after `ack` and `shelve`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prompt_toolkit import PromptSession
from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document
from prompt_toolkit.history import FileHistory

from ground.api.checks import COMPARISONS
from ground.vocabulary import QueueState

OPERATORS = tuple(COMPARISONS)
QUEUE_WORDS = (*QueueState, "release")
PARAMETER_VERBS = ("tlm", "history", "plot", "watch")
HISTORY_FILE = ".console_history"


@dataclass(frozen=True, slots=True)
class Arg:
    """An argument (or fault parameter) as completion needs it."""

    name: str
    kind: str
    unit: str = ""
    choices: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Arg:
        choices = tuple(str(c) for c in raw.get("choices") or ())
        if raw.get("kind") == "bool" and not choices:
            choices = ("true", "false")
        return cls(str(raw["name"]), str(raw.get("kind", "")), str(raw.get("unit", "")), choices)


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The words the console knows: verbs, and names from the dictionary."""

    verbs: tuple[str, ...]
    commands: dict[str, tuple[Arg, ...]] = field(default_factory=dict)
    parameters: tuple[str, ...] = ()
    faults: dict[str, tuple[Arg, ...]] = field(default_factory=dict)  # `subsystem.fault`
    applications: tuple[str, ...] = ()

    @classmethod
    def from_dictionary(cls, raw: dict[str, Any], verbs: Iterable[str]) -> Vocabulary:
        """Build from the `dictionary` op's reply (`subsystems[].commands[].args[]` …)."""
        commands: dict[str, tuple[Arg, ...]] = {}
        parameters: list[str] = []
        faults: dict[str, tuple[Arg, ...]] = {}
        for subsystem in raw.get("subsystems", []):
            name = subsystem["name"]
            for command in subsystem.get("commands", []):
                args = tuple(Arg.from_dict(a) for a in command.get("args", []))
                commands[f"{name}.{command['name']}"] = args
            parameters += [f"{name}.{p['name']}" for p in subsystem.get("telemetry", [])]
            for fault in subsystem.get("faults", []):
                faults[f"{name}.{fault['name']}"] = tuple(
                    Arg.from_dict(p) for p in fault.get("params", [])
                )
        applications = tuple(raw.get("apids", {}))
        return cls(tuple(verbs), commands, tuple(parameters), faults, applications)

    @property
    def fault_subsystems(self) -> tuple[str, ...]:
        return tuple(sorted({name.split(".", 1)[0] for name in self.faults}))


class ConsoleCompleter(Completer):
    """Offer what may come next at the cursor; `alarms` lists active alarm names on demand."""

    def __init__(
        self, vocabulary: Vocabulary, alarms: Callable[[], Iterable[str]] | None = None
    ) -> None:
        self.vocabulary = vocabulary
        self.alarms = alarms

    def get_completions(
        self, document: Document, complete_event: CompleteEvent
    ) -> Iterator[Completion]:
        text = document.text_before_cursor
        words = text.split()
        if not words or text[-1].isspace():
            words.append("")
        current = words[-1]
        if "=" in current and len(words) > 2:
            key, partial = current.split("=", 1)
            for choice in self._values(words[0], words[1:-1], key):
                if choice.lower().startswith(partial.lower()):
                    yield Completion(choice, start_position=-len(partial), display=choice)
            return
        for candidate in self._candidates(words[0], words[1:-1], len(words) - 1):
            if candidate.lower().startswith(current.lower()):
                yield Completion(candidate, start_position=-len(current))

    def _candidates(self, verb: str, before: Sequence[str], position: int) -> Iterable[str]:
        v = self.vocabulary
        if position == 0:
            return v.verbs
        given = {word.split("=", 1)[0] for word in before if "=" in word}
        if verb == "cmd":
            if position == 1:
                return sorted(v.commands)
            args = v.commands.get(before[0], ())
            extra = [] if "confirm" in before else ["confirm"]
            return [f"{a.name}=" for a in args if a.name not in given] + ["at=", *extra]
        if verb in ("check", "wait_check"):
            if position == 1:
                return v.parameters
            if position == 2:
                return OPERATORS
            return ["within="] if verb == "wait_check" and position > 3 else []
        if verb in PARAMETER_VERBS:
            if verb == "watch":
                return [*v.parameters, "for="]
            return v.parameters if position == 1 else []
        if verb in ("inject", "clear"):
            if position == 1:
                return v.fault_subsystems
            if position == 2:
                prefix = before[0] + "."
                return sorted(n[len(prefix) :] for n in v.faults if n.startswith(prefix))
            params = v.faults.get(f"{before[0]}.{before[1]}", ()) if verb == "inject" else ()
            return [f"{p.name}=" for p in params if p.name not in given]
        if position == 1:
            return self._first_word(verb)
        return []

    def _first_word(self, verb: str) -> Iterable[str]:
        v = self.vocabulary
        if verb == "faults":
            return v.fault_subsystems
        if verb == "queue":
            return QUEUE_WORDS
        if verb == "help":
            return v.verbs
        if verb == "ping":
            return v.applications
        if verb == "events":
            return ("1", "2", "3", "4")
        if verb in ("ack", "shelve") and self.alarms is not None:
            try:
                return sorted(self.alarms())
            except Exception:  # a ground that does not answer must not break the prompt
                return []
        return []

    def _values(self, verb: str, before: Sequence[str], key: str) -> Iterable[str]:
        v = self.vocabulary
        args: tuple[Arg, ...] = ()
        if verb == "cmd" and before:
            args = v.commands.get(before[0], ())
        elif verb == "inject" and len(before) >= 2:
            args = v.faults.get(f"{before[0]}.{before[1]}", ())
        for arg in args:
            if arg.name == key:
                return arg.choices
        return ()


def history_path(data_dir: Path | None) -> Path:
    """Under the data dir when there is one, else `~/.flightsw_history`."""
    if data_dir is not None and data_dir.is_dir():
        return data_dir / HISTORY_FILE
    return Path.home() / ".flightsw_history"


def prompt_session(completer: ConsoleCompleter, history: Path) -> PromptSession[str]:
    """A prompt with line editing, a persistent history and Tab completion."""
    return PromptSession(
        history=FileHistory(str(history)),
        completer=completer,
        complete_while_typing=False,
    )
