"""The command-line conventions both processes share: exit codes, common options, logging, signals.

`flightsw`, `ground` and `mission` follow one set of conventions, declared here on the flight
side because the flight software may not import the ground (the ground imports this module):

- exit codes: 0 clean, 1 a check failed, 2 bad config or arguments, 3 could not start, 4 a
  run could not be resumed;
- `--log-level` and `--version` on every program, `--exit-with-parent` on both processes,
  `--clock` and `--rate` wherever a spacecraft is flown;
- log lines on stderr, stamped with the program's name;
- SIGTERM, SIGHUP and SIGINT ask a process to stop cleanly;
- a process started with `--exit-with-parent` stops when its parent goes, however it went.
"""

from __future__ import annotations

import argparse
import ctypes
import logging
import os
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType

from flightsw import __version__
from flightsw.config.mission import RATE_MAX, RATE_MIN, RATE_UNIT

EXIT_OK = 0
EXIT_FAILED = 1  # a check or a scenario failed
EXIT_USAGE = 2  # a bad config, file or argument: nothing was started
EXIT_RUNTIME = 3  # could not start (a port in use, no spacecraft) or lost a process on the way
EXIT_CANNOT_RESUME = 4  # `--resume` refused: the run's archive is missing, damaged or another's

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
CLOCK_MODES = ("stepped", "realtime")
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)
PARENT_AT_START = 0  # `--exit-with-parent` without a pid: whichever process started this one
PR_SET_PDEATHSIG = 1  # prctl(2) option, from <linux/prctl.h>


def exit_codes(**meaning: str) -> str:
    """`Exit codes: 0 …, 2 …` for a --help text, from what each code means to this program.

    Keywords are the codes' names without `EXIT_`, in lower case: `ok`, `failed`, `usage`,
    `runtime`, `cannot_resume`; codes a program never returns are left out.
    """
    codes = {
        "ok": EXIT_OK,
        "failed": EXIT_FAILED,
        "usage": EXIT_USAGE,
        "runtime": EXIT_RUNTIME,
        "cannot_resume": EXIT_CANNOT_RESUME,
    }
    named = sorted((codes[name], text) for name, text in meaning.items())
    return "Exit codes: " + ", ".join(f"{code} {text}" for code, text in named) + "."


def add_version(parser: argparse.ArgumentParser, program: str) -> None:
    """`--version`: the program's name and the product's one version."""
    parser.add_argument("--version", action="version", version=f"{program} {__version__}")


def add_process_options(parser: argparse.ArgumentParser, program: str) -> None:
    """`--exit-with-parent`, `--log-level` and `--version`, as both processes take them."""
    parser.add_argument(
        "--exit-with-parent",
        nargs="?",
        type=int,
        const=PARENT_AT_START,
        metavar="PID",
        help="stop when PID (default: the process that started this one) goes away, even if it "
        "was killed outright; `mission run` and the test kit pass their own pid",
    )
    parser.add_argument("--log-level", default="INFO", choices=LOG_LEVELS)
    add_version(parser, program)


def add_clock_options(parser: argparse.ArgumentParser) -> None:
    """`--clock` and `--rate`: fly the config's spacecraft on another clock."""
    parser.add_argument("--clock", choices=CLOCK_MODES, help="override the config's clock mode")
    parser.add_argument(
        "--rate", type=clock_rate, help="override the config's clock rate (realtime)"
    )


def clock_rate(text: str) -> float:
    """`--rate`, held to the range the config's `[clock] rate` is held to (NaN included)."""
    try:
        rate = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, found {text!r}") from None
    if not RATE_MIN <= rate <= RATE_MAX:  # NaN fails both comparisons
        raise argparse.ArgumentTypeError(
            f"expected {RATE_MIN:g} to {RATE_MAX:g} {RATE_UNIT}, found {text}"
        )
    return rate


def log_to_stderr(program: str, level: str) -> None:
    """Log lines on stderr, each stamped with the time and `program`."""
    logging.basicConfig(
        level=level,
        format=f"%(asctime)s {program} %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def signal_name(signum: int) -> str:
    """`SIGTERM` for 15: the name people know a signal by."""
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


def stop_on_signals(stop: Callable[[], None], log: logging.Logger) -> None:
    """Call `stop` on SIGTERM, SIGHUP or SIGINT (on the main thread, between Python opcodes).

    `stop` must only ask: whatever the main thread is waiting on has to notice and wind down,
    so that everything already accepted is kept.
    """

    def request_stop(signum: int, frame: FrameType | None) -> None:
        log.warning("%s: stopping cleanly", signal_name(signum))
        stop()

    for signum in STOP_SIGNALS:
        signal.signal(signum, request_stop)


@dataclass(frozen=True, slots=True)
class ParentWatch:
    """The process this one must not outlive; `gone()` once it has exited.

    Polling is the portable fallback: on Linux the kernel also sends SIGTERM the moment the
    parent dies (see `watch_parent`), so the process stops at once rather than at its next poll.
    """

    pid: int

    def gone(self) -> bool:
        # An orphan is adopted by init or a subreaper: its parent pid changes, never back.
        return os.getppid() != self.pid


def watch_parent(pid: int, log: logging.Logger) -> ParentWatch:
    """Stop with the parent `pid` (PARENT_AT_START: the one that started this process).

    Asks the kernel for SIGTERM when the parent dies, where it can (Linux' PR_SET_PDEATHSIG),
    and returns the watch to poll. Call it before anything long: a parent that died before the
    request shows in the poll, since `pid` is then no longer this process' parent.
    """
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
            log.warning(
                "cannot ask to be told of the parent's death (%s); polling for it instead",
                os.strerror(ctypes.get_errno()),
            )
    return ParentWatch(os.getppid() if pid == PARENT_AT_START else pid)
