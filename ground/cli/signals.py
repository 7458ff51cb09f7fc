"""SIGTERM, SIGHUP and SIGINT as `Stopped` on `mission`'s main thread: once, then held.

`mission run` spends its time waiting on sockets (a step's reply, the live feed); an exception
raised by the handler ends any such wait at once, where a flag would be seen only when the wait
ended. The first signal raises; from `hold()` on (the stop under way) a signal only says that
the stop is under way, so nothing can cut the stop itself short and leave a child behind.
"""

from __future__ import annotations

import signal
from collections.abc import Callable
from types import FrameType
from typing import Any

from flightsw.cli import STOP_SIGNALS, signal_name
from ground.errors import Stopped

Handler = Callable[[int, FrameType | None], Any] | int | None


class StopOnSignals:
    """While entered, the first stop signal raises `Stopped`; later ones are only reported."""

    def __init__(self, program: str = "mission") -> None:
        self.program = program
        self.received: Stopped | None = None
        self.holding = False
        self._previous: dict[int, Handler] = {}

    def __enter__(self) -> StopOnSignals:
        for signum in STOP_SIGNALS:
            self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc_info: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)

    def hold(self) -> None:
        """From now on a signal does not interrupt: the stop is already under way."""
        self.holding = True

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        name = signal_name(signum)
        if self.holding or self.received is not None:
            print(f"\n{self.program}: {name}: already stopping, please wait", flush=True)
            return
        self.received = Stopped(signum, name)
        self.holding = True
        raise self.received


def describe(stopped: Stopped) -> str:
    """`Ctrl-C (SIGINT)` for SIGINT, what a person most likely did; the signal's name otherwise."""
    return "Ctrl-C (SIGINT)" if stopped.signum == signal.SIGINT else stopped.name
