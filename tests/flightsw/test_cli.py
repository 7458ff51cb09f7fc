"""The command-line conventions all three programs share: exit codes, options, version."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from flightsw import __version__
from flightsw.cli import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_RUNTIME,
    EXIT_USAGE,
    PARENT_AT_START,
    ParentWatch,
    add_clock_options,
    add_process_options,
    exit_codes,
    signal_name,
)

ROOT = Path(__file__).resolve().parents[2]


def test_the_exit_codes_are_the_documented_four() -> None:
    assert (EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_RUNTIME) == (0, 1, 2, 3)


def test_a_help_text_lists_a_programs_exit_codes_in_order_whatever_the_keyword_order() -> None:
    text = exit_codes(runtime="could not start", ok="stopped cleanly", usage="bad arguments")
    assert text == "Exit codes: 0 stopped cleanly, 2 bad arguments, 3 could not start."


def test_a_process_takes_log_level_exit_with_parent_and_the_clock_overrides() -> None:
    parser = argparse.ArgumentParser(prog="flightsw")
    add_clock_options(parser)
    add_process_options(parser, "flightsw")
    defaults = parser.parse_args([])
    assert (defaults.log_level, defaults.exit_with_parent, defaults.clock, defaults.rate) == (
        "INFO",
        None,
        None,
        None,
    )
    given = parser.parse_args(
        ["--log-level", "DEBUG", "--exit-with-parent", "--clock", "stepped", "--rate", "2"]
    )
    assert (given.log_level, given.exit_with_parent, given.clock, given.rate) == (
        "DEBUG",
        PARENT_AT_START,
        "stepped",
        2.0,
    )
    assert parser.parse_args(["--exit-with-parent", "4242"]).exit_with_parent == 4242


def test_a_signal_is_named_as_people_know_it() -> None:
    assert (signal_name(signal.SIGTERM), signal_name(signal.SIGHUP)) == ("SIGTERM", "SIGHUP")
    assert signal_name(200) == "signal 200"


def test_the_parent_watch_sees_a_parent_that_is_not_this_process_parent_as_gone() -> None:
    assert not ParentWatch(os.getppid()).gone()
    assert ParentWatch(os.getpid()).gone()  # whoever that is, it is not our parent


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_watching_the_parent_asks_the_kernel_for_sigterm_when_it_dies() -> None:
    # In a child of its own: the request would otherwise stay on the test run's process.
    shown = subprocess.run(
        [sys.executable, "-c", ASK_FOR_DEATH_SIGNAL],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    watched_pid, death_signal = shown.stdout.split()
    assert int(watched_pid) == os.getpid()  # the child's parent: this test run
    assert int(death_signal) == signal.SIGTERM


ASK_FOR_DEATH_SIGNAL = """
import ctypes, logging
from flightsw.cli import PARENT_AT_START, watch_parent
watch = watch_parent(PARENT_AT_START, logging.getLogger())
libc = ctypes.CDLL(None)
death_signal = ctypes.c_int()
libc.prctl(2, ctypes.byref(death_signal), 0, 0, 0)  # PR_GET_PDEATHSIG
print(watch.pid, death_signal.value)
"""


def test_a_log_level_or_clock_it_does_not_know_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    parser = argparse.ArgumentParser(prog="ground")
    add_clock_options(parser)
    add_process_options(parser, "ground")
    for wrong in (["--log-level", "LOUD"], ["--clock", "warp"]):
        with pytest.raises(SystemExit) as stopped:
            parser.parse_args(wrong)
        assert stopped.value.code == EXIT_USAGE
        assert "invalid choice" in capsys.readouterr().err


def test_version_names_the_program_and_the_one_product_version(
    capsys: pytest.CaptureFixture[str],
) -> None:
    parser = argparse.ArgumentParser(prog="ground")
    add_process_options(parser, "ground")
    with pytest.raises(SystemExit) as stopped:
        parser.parse_args(["--version"])
    assert stopped.value.code == EXIT_OK
    assert capsys.readouterr().out.strip() == f"ground {__version__}"


@pytest.mark.parametrize("rate", ["nan", "inf", "0", "-5", "1e9", "fast"])
def test_a_rate_outside_the_configs_range_is_a_usage_error(
    rate: str, capsys: pytest.CaptureFixture[str]
) -> None:
    parser = argparse.ArgumentParser(prog="mission")
    add_clock_options(parser)
    with pytest.raises(SystemExit) as stopped:
        parser.parse_args(["--rate", rate])
    assert stopped.value.code == EXIT_USAGE
    assert "argument --rate: expected" in capsys.readouterr().err
