"""Every rule kind and the alarm life cycle, on the small satellite's rules, stepped."""

from __future__ import annotations

from typing import Any

import pytest

from ground.api import (
    Acknowledge,
    AddBlackout,
    ClearFault,
    GetAlarms,
    GetTimeline,
    InjectFault,
    Refusal,
    Shelve,
    Step,
)
from ground.cli.launcher import Mission

pytestmark = pytest.mark.integration


def alarms(mission: Mission) -> dict[str, dict[str, Any]]:
    return {a.name: a for a in mission.client.call(GetAlarms()).alarms}


def short_the_camera(mission: Mission, extra_w: float = 300.0) -> None:
    mission.client.call(
        InjectFault(
            subsystem="power",
            fault="load_short",
            params={"consumer": "payload_camera", "extra_w": extra_w},
        )
    )


def test_a_limit_rule_with_persistence_and_a_combination_trip_on_a_draining_battery(
    mission: Mission,
) -> None:
    client = mission.client
    client.call(Step(seconds=60.0))
    assert "battery_soc" not in alarms(mission)
    short_the_camera(mission)
    client.call(Step(seconds=1800.0))
    raised = alarms(mission)
    # The alarm quotes the band it is in: by now the battery is in the yellow band.
    assert raised["battery_soc"].condition == "power.battery_soc < 0.5 (yellow) for 2 samples"
    assert raised["power_trouble"].condition == "any(battery_soc, bus_voltage, bus_voltage_jump)"


def test_a_delta_rule_trips_on_a_step_of_the_bus_voltage(mission: Mission) -> None:
    client = mission.client
    client.call(Step(seconds=60.0))
    short_the_camera(mission, extra_w=600.0)  # 20 A more through 0.1 ohm: a 2 V step
    client.call(Step(seconds=30.0))
    assert "bus_voltage_jump" in alarms(mission)


def test_an_expected_value_rule_trips_when_a_heater_is_stuck_on(mission: Mission) -> None:
    client = mission.client
    client.call(Step(seconds=60.0))
    client.call(
        InjectFault(subsystem="thermal", fault="heater_stuck_on", params={"heater": "avionics"})
    )
    client.call(Step(seconds=60.0))
    alarm = alarms(mission)["avionics_heater_off"]
    assert alarm.severity == "watch"
    assert alarm.condition == "thermal.avionics_heater_on != false for 3 samples"


def test_a_staleness_rule_trips_when_telemetry_stops(mission: Mission) -> None:
    client = mission.client
    client.call(Step(seconds=60.0))
    client.call(AddBlackout(start_s=60.0, end_s=300.0))
    client.call(Step(seconds=120.0))
    alarm = alarms(mission)["flight_software_silent"]
    assert alarm.rule_state == "STALE"


def test_an_alarm_clears_only_when_acknowledged_and_back_in_limits(mission: Mission) -> None:
    client = mission.client
    client.call(Step(seconds=60.0))
    client.call(
        InjectFault(subsystem="thermal", fault="heater_stuck_on", params={"heater": "avionics"})
    )
    client.call(Step(seconds=60.0))
    assert alarms(mission)["avionics_heater_off"].state == "UNACKNOWLEDGED"
    client.call(
        Acknowledge(name="avionics_heater_off", operator="flight", comment="stuck heater, clearing")
    )
    assert (
        alarms(mission)["avionics_heater_off"].state == "ACKNOWLEDGED"
    )  # acknowledged, still violated
    client.call(ClearFault(subsystem="thermal", fault="heater_stuck_on"))
    client.call(Step(seconds=60.0))
    assert "avionics_heater_off" not in alarms(mission)  # acknowledged and back in limits: cleared
    life = [
        entry.text.split()[2]
        for entry in client.call(GetTimeline()).timeline
        if entry.kind == "alarm" and entry.text.split()[1] == "avionics_heater_off"
    ]
    assert life == ["triggered", "acknowledged", "cleared"]


def test_an_alarm_back_in_limits_waits_for_its_acknowledgement(mission: Mission) -> None:
    client = mission.client
    client.call(Step(seconds=60.0))
    client.call(
        InjectFault(subsystem="thermal", fault="heater_stuck_on", params={"heater": "avionics"})
    )
    client.call(Step(seconds=60.0))
    client.call(ClearFault(subsystem="thermal", fault="heater_stuck_on"))
    client.call(Step(seconds=60.0))
    assert alarms(mission)["avionics_heater_off"].state == "RTN_UNACKNOWLEDGED"
    client.call(Acknowledge(name="avionics_heater_off"))
    assert "avionics_heater_off" not in alarms(mission)


def test_a_shelved_alarm_is_hidden_until_its_shelve_expires(mission: Mission) -> None:
    client = mission.client
    client.call(Step(seconds=60.0))
    client.call(
        InjectFault(subsystem="thermal", fault="heater_stuck_on", params={"heater": "avionics"})
    )
    client.call(Step(seconds=60.0))
    client.call(Shelve(name="avionics_heater_off", duration_s=300.0))
    assert "avionics_heater_off" not in alarms(mission)
    client.call(Step(seconds=400.0))
    assert "avionics_heater_off" in alarms(mission)


def test_an_unknown_alarm_cannot_be_acknowledged(mission: Mission) -> None:
    reply = mission.client.ask(Acknowledge("no_such_alarm"))
    assert isinstance(reply, Refusal) and "no_such_alarm" in reply.error
