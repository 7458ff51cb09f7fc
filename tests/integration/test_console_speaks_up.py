"""The interactive console at a real terminal says what happens as it happens, above the line
being typed, which stays whole."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from processes import STOP_WITHIN_S, TERMINAL, Output, kill_if_alive

from ground.api import InjectFault, Step
from ground.cli.launcher import Mission

pytestmark = pytest.mark.integration


class Terminal:
    """`mission console` in a pseudo-terminal of its own, typed into as a person would."""

    def __init__(self, mission: Mission) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable, str(TERMINAL), sys.executable, "-m", "ground.cli.mission",
                "console", "--data-dir", str(mission.data_dir),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env={**os.environ, "TERM": "xterm"},
        )  # fmt: skip
        assert self.process.stdout is not None
        self.output = Output(self.process.stdout.fileno())

    def type(self, text: str, enter: bool = True) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write((text if enter else f"type {text}").encode() + b"\n")
        self.process.stdin.flush()

    def close(self) -> None:
        kill_if_alive(self.process.pid)
        self.process.wait(STOP_WITHIN_S)
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()


@pytest.fixture
def terminal(mission: Mission) -> Iterator[Terminal]:
    console = Terminal(mission)
    try:
        console.output.expect("mission>")
        yield console
    finally:
        console.close()


def test_an_alarm_is_said_above_the_line_being_typed(mission: Mission, terminal: Terminal) -> None:
    mission.client.call(Step(seconds=60.0))
    terminal.type("stat", enter=False)  # half a line, left at the prompt
    inject = InjectFault(
        subsystem="thermal", fault="heater_stuck_on", params={"heater": "avionics"}
    )
    mission.client.call(inject)
    mission.client.call(Step(seconds=60.0))
    terminal.output.expect("alarm avionics_heater_off triggered [watch]")
    terminal.output.expect("event thermal.fault_injected")
    terminal.type("us")  # the line typed before the announcement, finished
    terminal.output.expect("commands pending")  # what `status` shows
    terminal.type("announce alarms")  # what each level says is tested in test_announce.py
    terminal.output.expect("announcing: alarms")
    terminal.type("quit")
    assert terminal.process.wait(STOP_WITHIN_S) == 0
