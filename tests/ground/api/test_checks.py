"""The check grammar the console and the test kit share: names, comparisons, quoting, errors."""

from __future__ import annotations

import pytest

from flightsw.icd import Scalar
from ground.api.checks import Check, parse_check, parse_value
from ground.errors import CheckError


@pytest.mark.parametrize(
    ("expression", "check"),
    [
        ("power.battery_soc > 0.5", Check("power.battery_soc", ">", 0.5)),
        ("executive.ticks >= 12", Check("executive.ticks", ">=", 12)),
        ("thermal.battery_temp_c < -5", Check("thermal.battery_temp_c", "<", -5)),
        ("propulsion.armed == false", Check("propulsion.armed", "==", False)),
        ("propulsion.armed == False", Check("propulsion.armed", "==", False)),
        ("payload.camera == ON", Check("payload.camera", "==", True)),
        ("fdir.mode != SAFE", Check("fdir.mode", "!=", "SAFE")),  # a bare word is a string
        ("  fdir.mode   <=   b  ", Check("fdir.mode", "<=", "b")),
        ("power.battery_soc>0.5", Check("power.battery_soc", ">", 0.5)),  # spaces optional
    ],
)
def test_an_unquoted_value_is_a_bool_a_number_or_a_word(expression: str, check: Check) -> None:
    assert parse_check(expression) == check


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("fdir.mode == 'safe'", "safe"),
        ('fdir.mode == "safe"', "safe"),
        ("payload.mode == 'off'", "off"),  # quoted: a string, not False
        ('comms.antenna == "1"', "1"),  # quoted: a string, not 1
        ("fdir.last_action == 'safe hold'", "safe hold"),  # quotes may hold spaces
        ("fdir.last_action == 'two  spaces'", "two  spaces"),
        ('fdir.last_action == "it\'s"', "it's"),  # the other quote inside
        ("fdir.mode==''", ""),
    ],
)
def test_a_quoted_value_is_always_the_string_between_the_quotes(
    expression: str, expected: str
) -> None:
    assert parse_check(expression).expected == expected


@pytest.mark.parametrize(
    ("bad", "why"),
    [
        ("", "no parameter name"),
        ("> 1", "no parameter name"),
        ("battery_soc > 1", "'battery_soc' is not a full parameter name"),
        ("power.battery_soc", "no comparison"),
        ("power.battery_soc 1", "no comparison"),
        ("power.soc >> 1", "'>>' is not a comparison"),
        ("power.soc => 1", "'=>' is not a comparison"),
        ("power.soc =", "'=' is not a comparison"),
        ("power.soc ==", "no value after =="),
        ("a.b > 'x", "quote ' of its value is not closed"),
        ("a.b > 'x'y'", "quote ' of its value is not closed"),
        ("fdir.mode == safe hold", "has spaces or quotes: quote it"),
    ],
)
def test_an_expression_that_cannot_be_read_says_why_and_how_to_write_one(
    bad: str, why: str
) -> None:
    with pytest.raises(CheckError) as caught:
        parse_check(bad)
    message = str(caught.value)
    assert why in message
    assert "SUBSYSTEM.PARAM OP VALUE" in message
    assert "== != < <= > >=" in message


def test_a_check_error_is_a_value_error_for_callers_that_catch_those() -> None:
    with pytest.raises(ValueError, match="cannot read the check"):
        parse_check("nonsense")


@pytest.mark.parametrize(
    ("expression", "value", "holds"),
    [
        ("power.battery_soc > 0.5", 0.6, True),
        ("power.battery_soc > 0.5", 0.5, False),
        ("power.battery_soc <= 0.5", 0.5, True),
        ("fdir.mode == 'SAFE'", "SAFE", True),
        ("fdir.mode != SAFE", "NOMINAL", True),
        ("propulsion.armed == false", False, True),
        ("payload.mode == 'off'", "off", True),
        ("payload.mode == 'off'", False, False),
        ('comms.antenna == "1"', 1, False),
        ("executive.ticks == 3", 3.0, True),
    ],
)
def test_a_check_holds_for_the_values_that_meet_it(
    expression: str, value: Scalar, holds: bool
) -> None:
    assert parse_check(expression).holds_for(value) is holds


@pytest.mark.parametrize("expression", ["fdir.mode != safe", "power.battery_soc < 1"])
def test_a_value_never_received_holds_no_check(expression: str) -> None:
    assert parse_check(expression).holds_for(None) is False


def test_a_string_against_a_number_cannot_be_judged_and_the_error_says_so() -> None:
    with pytest.raises(CheckError, match=r"cannot compare fdir\.mode = 'safe' with 0\.5"):
        parse_check("fdir.mode > 0.5").holds_for("safe")


@pytest.mark.parametrize(
    ("expression", "printed"),
    [
        ("power.battery_soc>0.5", "power.battery_soc > 0.5"),
        ("fdir.mode == safe", "fdir.mode == 'safe'"),
        ("propulsion.armed == off", "propulsion.armed == False"),
    ],
)
def test_a_check_prints_its_name_comparison_and_value(expression: str, printed: str) -> None:
    assert str(parse_check(expression)) == printed


@pytest.mark.parametrize(
    ("word", "value"),
    [("TRUE", True), ("yes", True), ("Off", False), ("no", False), ("7", 7), ("2.5", 2.5),
     ("1e3", 1000.0), ("nominal", "nominal")],
)  # fmt: skip
def test_a_word_is_read_as_a_bool_a_number_or_itself(word: str, value: Scalar) -> None:
    read = parse_value(word)
    assert (read, type(read)) == (value, type(value))
