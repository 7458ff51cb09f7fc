"""Commanding over the real link: refusals before uplink, confirmation, the queue, time-outs."""

from __future__ import annotations

from typing import Any

import pytest
from flying import LIGHT_TIME_S

from ground.api import (
    AddBlackout,
    GetCommand,
    GetStatus,
    GetTimeline,
    InjectFault,
    ListCommands,
    Refusal,
    SendCommand,
    SetQueue,
    Step,
)
from ground.cli.launcher import Mission
from ground.vocabulary import CommandStatus

pytestmark = pytest.mark.integration


def refusal(mission: Mission, name: str, args: dict[str, Any], **fields: Any) -> str:
    reply = mission.client.ask(SendCommand(name, args, **fields))
    assert isinstance(reply, Refusal)
    return reply.error


@pytest.mark.parametrize(
    ("name", "args", "reason"),
    [
        ("thermal.melt", {}, "no command 'thermal.melt'"),
        ("thermal.set_heater", {"heater": "battery"}, "missing argument set_point_c"),
        ("thermal.set_heater", {"heater": "battery", "set_point_c": "warm"}, "expected a number"),
        (
            "thermal.set_heater",
            {"heater": "battery", "set_point_c": 500.0},
            "above the maximum 100",
        ),
        (
            "thermal.set_heater",
            {"heater": "battery", "set_point_c": 5.0, "colour": "red"},
            "unknown argument colour",
        ),
        (
            "navigation.set_attitude_mode",
            {"mode": "tumble"},
            "expected one of sun, nadir, inertial",
        ),
        ("power.load_off", {"consumer": "payload_camera"}, "hazardous"),
    ],
    ids=[
        "unknown command",
        "missing",
        "wrong type",
        "out of range",
        "unknown argument",
        "enumeration",
        "hazardous",
    ],
)
def test_a_bad_command_is_refused_before_uplink_with_its_reason(
    mission: Mission, name: str, args: dict[str, Any], reason: str
) -> None:
    assert reason in refusal(mission, name, args)
    commands = mission.client.call(ListCommands()).commands
    assert [c.status for c in commands] == ["refused"]  # archived, never uplinked


def test_a_hazardous_command_goes_with_confirmation(mission: Mission) -> None:
    client = mission.client
    sent = client.call(
        SendCommand(name="power.load_off", args={"consumer": "payload_camera"}, confirm=True)
    ).command
    client.call(Step(seconds=5.0))
    assert client.call(GetCommand(id=sent.id)).command.status == "completed"


def test_a_blocked_queue_holds_commands_until_released(mission: Mission) -> None:
    client = mission.client
    client.call(SetQueue(state="blocked"))
    held = client.call(
        SendCommand(name="navigation.set_attitude_mode", args={"mode": "nadir"})
    ).command
    assert held.status == "queued"
    client.call(Step(seconds=10.0))
    assert client.call(GetCommand(id=held.id)).command.status == "queued"
    released = client.call(SetQueue(release=True)).released
    assert [c.id for c in released] == [held.id]
    client.call(Step(seconds=5.0))
    command = client.call(GetCommand(id=held.id)).command
    assert command.status == "completed"
    assert command.stages[CommandStatus.SENT] == 10.0  # it left when it was released


def test_a_disabled_queue_refuses_commands(mission: Mission) -> None:
    mission.client.call(SetQueue(state="disabled"))
    assert "queue is disabled" in refusal(mission, "navigation.set_attitude_mode", {"mode": "sun"})


def test_disabling_a_blocked_queue_refuses_what_it_held_and_sends_none_of_it(
    mission: Mission,
) -> None:
    client = mission.client
    client.call(SetQueue(state="blocked"))
    held = client.call(
        SendCommand(name="navigation.set_attitude_mode", args={"mode": "nadir"})
    ).command
    client.call(SetQueue(state="disabled"))
    client.call(Step(seconds=10.0))
    command = client.call(GetCommand(id=held.id)).command
    assert command.status == "refused"
    assert "dropped: the command queue was disabled" in command.reason
    assert "sent" not in command.stages


def test_a_command_lost_on_the_way_up_times_out_after_its_acceptance_window(
    mission: Mission,
) -> None:
    client = mission.client
    client.call(Step(seconds=10.0))
    client.call(AddBlackout(start_s=10.0, end_s=20.0))
    lost = client.call(
        SendCommand(name="navigation.set_attitude_mode", args={"mode": "nadir"})
    ).command
    client.call(Step(seconds=2 * LIGHT_TIME_S + 5.0))
    assert client.call(GetCommand(id=lost.id)).command.status == "sent"  # window still open
    client.call(Step(seconds=10.0))  # acceptance window: round trip + 10 s
    command = client.call(GetCommand(id=lost.id)).command
    assert command.status == "timed_out"
    assert "not accepted within" in command.reason
    assert client.call(GetStatus()).status.channel.lost_up == 1


def test_the_timeline_puts_commands_stages_events_and_injections_in_order(mission: Mission) -> None:
    client = mission.client
    client.call(SendCommand(name="navigation.set_attitude_mode", args={"mode": "nadir"}))
    client.call(InjectFault(subsystem="power", fault="array_degraded", params={"fraction": 0.3}))
    client.call(Step(seconds=10.0))
    timeline = client.call(GetTimeline()).timeline
    kinds = [entry.kind for entry in timeline]
    assert {"command", "verification", "event", "injection"} <= set(kinds)
    times = [entry.time_s for entry in timeline]
    assert times == sorted(times)
