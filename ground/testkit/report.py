"""The step-by-step report of a test or scenario: each verb with its mission time and outcome.

1. Battery cell fails on the sunlit side
   T+60.0 s      PASS  inject_fault power.battery_cell_failure cells=1  (at T+60.0 s)
   T+610.0 s     FAIL  await_event fdir.safe_mode_entered within 600 s
                       await_event timed out: ...
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, Protocol

from rich.console import Console
from rich.text import Text

from ground.api import mission_time

TIME_WIDTH = 14


class Reporter(Protocol):
    def begin_step(self, title: str, time_s: float | None) -> None: ...

    def end_step(self, title: str, time_s: float | None, error: BaseException | None) -> None: ...

    def verb(
        self, text: str, time_s: float | None, error: BaseException | None, detail: str
    ) -> None: ...

    def note(self, text: str, time_s: float | None) -> None: ...


class SilentReporter:
    """Reports nothing (the API used on its own)."""

    def begin_step(self, title: str, time_s: float | None) -> None:
        pass

    def end_step(self, title: str, time_s: float | None, error: BaseException | None) -> None:
        pass

    def verb(
        self, text: str, time_s: float | None, error: BaseException | None, detail: str
    ) -> None:
        pass

    def note(self, text: str, time_s: float | None) -> None:
        pass


@dataclass
class Tally:
    steps: int = 0
    failed_step: str | None = None
    verbs_passed: int = 0
    verbs_failed: int = 0
    titles: list[str] = field(default_factory=list)


class TextReporter:
    """Write the report as it happens to `out`; colours only on a terminal."""

    def __init__(self, out: IO[str], colour: bool | None = None) -> None:
        self.console = Console(
            file=out,
            force_terminal=colour,
            no_color=colour is False,
            highlight=False,
            soft_wrap=True,
        )
        self.tally = Tally()
        self._indent = "  "

    def begin_step(self, title: str, time_s: float | None) -> None:
        self.tally.steps += 1
        self.tally.titles.append(title)
        self.console.print(Text(f"  {self.tally.steps}. {title}", style="bold"))
        self._indent = "     "

    def end_step(self, title: str, time_s: float | None, error: BaseException | None) -> None:
        if error is not None and self.tally.failed_step is None:
            self.tally.failed_step = f"{self.tally.steps}. {title}"
        self._indent = "  "

    def verb(
        self, text: str, time_s: float | None, error: BaseException | None, detail: str
    ) -> None:
        when = mission_time(time_s).ljust(TIME_WIDTH)
        line = Text(f"{self._indent}{when}")
        if error is None:
            self.tally.verbs_passed += 1
            line.append("PASS  ", style="green")
            line.append(text)
            if detail:
                line.append(f"  ({detail})", style="dim")
            self.console.print(line)
            return
        self.tally.verbs_failed += 1
        line.append("FAIL  ", style="bold red")
        line.append(text)
        self.console.print(line)
        pad = " " * (len(self._indent) + TIME_WIDTH + 6)
        for message_line in str(error).splitlines() or [type(error).__name__]:
            self.console.print(Text(f"{pad}{message_line}", style="red"))

    def note(self, text: str, time_s: float | None) -> None:
        when = mission_time(time_s).ljust(TIME_WIDTH)
        self.console.print(Text(f"{self._indent}{when}NOTE  {text}", style="cyan"))
