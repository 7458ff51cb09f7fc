"""The command-line conventions both processes share: exit codes, common options, logging, signals.

`flightsw`, `ground` and `mission` follow one set of conventions, declared here on the flight
side because the flight software may not import the ground (the ground imports this module):

- exit codes: 0 clean, 1 a check failed, 2 bad config or arguments, 3 could not start, 4 a
  run could not be resumed;
- `--log-level` and `--version` on every program, `--exit-with-parent` on both processes,
  `--clock` and `--rate` wherever a spacecraft is flown;
- log lines on stderr, stamped with the program's name;
- SIGTERM and SIGINT ask a process to stop cleanly, once.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from collections.abc import Callable
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
        action="store_true",
        help="stop when the process that started this one goes away (test harnesses use it)",
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


def stop_on_signals(stop: Callable[[], None], log: logging.Logger) -> None:
    """Call `stop` on SIGTERM or SIGINT (it runs on the main thread, between Python opcodes)."""

    def request_stop(signum: int, frame: FrameType | None) -> None:
        log.info("signal %d: stopping", signum)
        stop()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
