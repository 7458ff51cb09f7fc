"""Tab completion in the console, against a small dictionary shaped like the `dictionary` op's."""

from __future__ import annotations

from typing import Any

import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document

from ground.console.complete import ConsoleCompleter, Vocabulary

HEATER = {"name": "heater", "kind": "enum", "unit": "", "choices": ["avionics", "battery"]}
SET_POINT = {
    "name": "set_point_c",
    "kind": "float",
    "unit": "degC",
    "minimum": -100.0,
    "choices": [],
}
ENABLED = {"name": "enabled", "kind": "bool", "unit": "", "choices": [], "default": True}
DICTIONARY: dict[str, Any] = {
    "mission": "test",
    "apids": {"executive": 1, "thermal": 18},
    "subsystems": [
        {
            "name": "thermal",
            "hk_period_s": 10.0,
            "commands": [
                {"name": "set_heater", "args": [HEATER, SET_POINT, ENABLED]},
                {"name": "heater_enable", "args": [HEATER, ENABLED]},
                {"name": "pump", "args": []},
            ],
            "telemetry": [
                {"name": "battery_temp_c", "unit": "degC", "kind": "float"},
                {"name": "battery_set_point_c", "unit": "degC", "kind": "float"},
            ],
            "faults": [{"name": "heater_stuck_on", "params": [HEATER]}],
        }
    ],
}


@pytest.fixture
def completer() -> ConsoleCompleter:
    verbs = ("cmd", "check", "clear", "inject", "ack", "tlm", "wait_check")
    return ConsoleCompleter(
        Vocabulary.from_dictionary(DICTIONARY, verbs), alarms=lambda: ["battery_soc"]
    )


def offered(completer: ConsoleCompleter, text: str) -> list[str]:
    document = Document(text, len(text))
    return [c.text for c in completer.get_completions(document, CompleteEvent(True))]


def test_a_verb_completes_from_its_first_letters(completer: ConsoleCompleter) -> None:
    assert offered(completer, "c") == ["cmd", "check", "clear"]


def test_a_command_name_completes_after_cmd(completer: ConsoleCompleter) -> None:
    assert offered(completer, "cmd thermal.se") == ["thermal.set_heater"]


def test_argument_names_complete_with_their_equals_sign_leaving_out_those_given(
    completer: ConsoleCompleter,
) -> None:
    assert offered(completer, "cmd thermal.set_heater heater=battery s") == ["set_point_c="]
    assert "heater=" not in offered(completer, "cmd thermal.set_heater heater=battery ")


def test_enum_choices_complete_after_the_argument_name(completer: ConsoleCompleter) -> None:
    assert offered(completer, "cmd thermal.set_heater heater=") == ["avionics", "battery"]
    assert offered(completer, "cmd thermal.set_heater heater=b") == ["battery"]
    assert offered(completer, "cmd thermal.set_heater enabled=") == ["true", "false"]


def test_parameters_faults_and_alarms_complete_where_their_verbs_take_them(
    completer: ConsoleCompleter,
) -> None:
    assert offered(completer, "wait_check thermal.battery_t") == ["thermal.battery_temp_c"]
    assert offered(completer, "check thermal.battery_temp_c ") == ["==", "!=", "<", "<=", ">", ">="]
    assert offered(completer, "inject thermal heater_s") == ["heater_stuck_on"]
    assert offered(completer, "inject thermal heater_stuck_on heater=a") == ["avionics"]
    assert offered(completer, "ack ") == ["battery_soc"]
