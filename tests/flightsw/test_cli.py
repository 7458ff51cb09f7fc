"""The command-line conventions all three programs share: exit codes, options, version."""

from __future__ import annotations

import argparse

import pytest

from flightsw import __version__
from flightsw.cli import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_RUNTIME,
    EXIT_USAGE,
    add_clock_options,
    add_process_options,
    exit_codes,
)


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
        False,
        None,
        None,
    )
    given = parser.parse_args(
        ["--log-level", "DEBUG", "--exit-with-parent", "--clock", "stepped", "--rate", "2"]
    )
    assert (given.log_level, given.exit_with_parent, given.clock, given.rate) == (
        "DEBUG",
        True,
        "stepped",
        2.0,
    )


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
