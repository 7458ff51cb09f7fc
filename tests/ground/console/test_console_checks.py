"""`check` and `wait_check` in the console: the shared check grammar, quotes kept, on a fake ground."""

from __future__ import annotations

import io
from typing import Any

import pytest

from flightsw.icd import Scalar
from ground.api import (
    ChannelStatus,
    DictionaryReply,
    GetDictionary,
    GetStatus,
    GetTelemetry,
    GroundStatus,
    IngestCounts,
    PlaybackCounts,
    Reply,
    Request,
    StatusReply,
    Step,
    StepReply,
    TlmReply,
    TruthCounts,
)
from ground.console.verbs import Console
from ground.console.words import split_expression


class FakeGround:
    """Answers `tlm`, `status`, `step` and `dictionary`; a step may change a value."""

    def __init__(self, values: dict[str, Scalar], after_step: dict[str, Scalar] | None = None):
        self.values = dict(values)
        self.after_step = after_step or {}
        self.time_s = 0.0

    def call(self, request: Request[Any], timeout_s: float | None = None) -> Reply:
        match request:
            case GetTelemetry(name=name):
                return TlmReply(name=name, time_s=self.time_s, value=self.values[name])
            case GetStatus():
                return StatusReply(status=self.status())
            case Step(seconds=seconds):
                self.time_s += seconds
                if seconds > 0:
                    self.values.update(self.after_step)
                return StepReply(time_s=self.time_s, ground=self.status())
            case GetDictionary():
                return DictionaryReply(dictionary={"subsystems": []})
        raise AssertionError(f"unexpected request {request}")

    def status(self) -> GroundStatus:
        """A quiet ground at this mission time: nothing lost, nothing received but values."""
        return GroundStatus(
            mission="fake",
            time_s=self.time_s,
            one_way_light_time_s=0.0,
            range_m=None,
            in_flight_down=0,
            last_frame_s=None,
            ingest=IngestCounts(0, 0, 0, {}, 0, 0),
            truth=TruthCounts(0, 0, {}, ""),
            channel=ChannelStatus(0.0, None, True, True, None, 0, 0, 0, 0, 0.0, []),
            playback=PlaybackCounts(0, 0),
            events=0,
            commands_pending=0,
            alarms_active=0,
        )


def run(ground: FakeGround, line: str) -> tuple[int, str]:
    out = io.StringIO()
    console = Console(ground, out, tty=False)  # type: ignore[arg-type]
    console.run_line(line)
    return console.failures, out.getvalue()


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("check payload.mode == 'off'", "off"),  # quoted: the string
        ("check payload.mode == off", False),  # unquoted: the bool
        ('check comms.antenna == "1"', "1"),
        ("check fdir.last_action == 'safe  hold'", "safe  hold"),
        ("check power.battery_soc>0.5", 0.6),
    ],
)
def test_check_reads_its_expression_by_the_shared_grammar(line: str, value: Scalar) -> None:
    name = line.split()[1].split(">")[0]
    failures, out = run(FakeGround({name: value}), line)
    assert failures == 0, out
    assert "CHECK: " in out and "holds" in out


def test_a_quoted_value_is_not_read_as_a_bool() -> None:
    failures, out = run(FakeGround({"payload.mode": False}), "check payload.mode == 'off'")
    assert failures == 1
    assert "CHECK FAILED: payload.mode == 'off' (value False" in out


def test_wait_check_takes_within_from_anywhere_and_waits_for_a_quoted_string() -> None:
    ground = FakeGround({"fdir.mode": "nominal"}, after_step={"fdir.mode": "safe hold"})
    failures, out = run(ground, "wait_check fdir.mode within=30 == 'safe hold'")
    assert failures == 0, out
    assert "WAIT_CHECK: fdir.mode == 'safe hold' holds ('safe hold') after 10.0 s" in out


def test_a_check_that_cannot_be_read_says_how_to_write_one() -> None:
    failures, out = run(FakeGround({}), "check battery_soc > 1")
    assert failures == 1
    assert "'battery_soc' is not a full parameter name" in out
    assert "SUBSYSTEM.PARAM OP VALUE" in out


def test_a_string_against_a_number_is_a_failure_that_says_so() -> None:
    failures, out = run(FakeGround({"fdir.mode": "safe"}), "check fdir.mode > 0.5")
    assert failures == 1
    assert "cannot compare fdir.mode = 'safe' with 0.5" in out


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("a.b == 1 within=60", ["a.b == 1", "within=60"]),
        ("within=60 a.b == 'x  y'", ["a.b == 'x  y'", "within=60"]),
        ("a.b == 'within=60'", ["a.b == 'within=60'"]),  # inside quotes: part of the value
        ("a.b == 1", ["a.b == 1"]),
    ],
)
def test_split_expression_takes_options_out_and_keeps_the_expression_as_typed(
    text: str, words: list[str]
) -> None:
    assert split_expression(text, "within") == words
