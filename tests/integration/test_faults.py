"""Every fault of every shipped mission: injected, seen in telemetry and events, cleared.

One stepped pair of processes per mission and subsystem serves that subsystem's faults: a fault
elsewhere can set off FDIR (safe mode sheds the payload, for one) and change what this one sees,
while a fresh pair per fault would cost minutes of start-ups for nothing. Each test injects its fault, checks that the
subsystem's `faults_active` counts it and that a `fault_injected` event came down, clears it
and checks that the count is back.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from flightsw.config.mission import load_mission
from flightsw.subsystems.registry import build_models
from ground.api import (
    ClearFault,
    Crash,
    DumpRecorder,
    GetCommand,
    GetDictionary,
    GetEvents,
    GetFaults,
    GetHistory,
    GetStatus,
    GetTelemetry,
    InjectFault,
    Step,
)
from ground.cli.launcher import Mission, launch

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
MISSIONS = sorted((ROOT / "configs").glob("*.toml"))


def fault_cases() -> list[Any]:
    cases = []
    for path in MISSIONS:
        config = load_mission(path)
        for model in build_models(config):
            for fault in model.faults:
                cases.append(
                    pytest.param(
                        path, model.name, fault.name, id=f"{path.stem}-{model.name}.{fault.name}"
                    )
                )
    return cases


@pytest.fixture(scope="module")
def missions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[Any, Mission]]:
    """Missions started on first use (per key) and stopped at the end of the module, pass or fail."""
    flying: list[Mission] = []

    class Lazy(dict):  # type: ignore[type-arg]
        def __missing__(self, key: Any) -> Mission:
            path = key[0] if isinstance(key, tuple) else key
            mission = launch(path, tmp_path_factory.mktemp(path.stem), "faults", clock="stepped")
            flying.append(mission)
            self[key] = mission
            return mission

    try:
        yield Lazy()
    finally:
        for mission in flying:
            mission.stop()


def example_params(mission: Mission, subsystem: str, fault: str) -> dict[str, Any]:
    """Parameters for a fault: each default, the first choice of an enumeration, else a name."""
    spec = mission.client.call(GetFaults()).faults[f"{subsystem}.{fault}"]
    params: dict[str, Any] = {}
    for param in spec.params:
        if param.default is not None:
            continue
        if param.choices:
            # Each fault of a subsystem takes a different unit (heater, instrument, sensor), so
            # a fault that leaves a unit switched off does not spoil the next fault's test.
            faults = [
                name
                for name in mission.client.call(GetFaults()).faults
                if name.startswith(subsystem + ".")
            ]
            index = faults.index(f"{subsystem}.{fault}")
            params[param.name] = param.choices[index % len(param.choices)]
        elif param.name == "consumer":
            names = mission.client.call(GetDictionary()).dictionary["subsystems"]
            power = next(s for s in names if s["name"] == "power")
            params["consumer"] = next(
                p["name"][: -len("_load_w")]
                for p in power["telemetry"]
                if p["name"].endswith("_load_w")
            )
        else:
            pytest.fail(f"{subsystem}.{fault} needs {param.name} and the test cannot guess it")
    return params


def settle_s(mission: Mission, subsystem: str) -> float:
    """Long enough for a housekeeping report to be made and to come down."""
    dictionary = mission.client.call(GetDictionary()).dictionary
    period_s = next(s["hk_period_s"] for s in dictionary["subsystems"] if s["name"] == subsystem)
    return (
        2 * period_s
        + 2 * mission.client.call(GetStatus()).status.one_way_light_time_s
        + dictionary["tick_s"]
    )


@pytest.mark.parametrize(("config", "subsystem", "fault"), fault_cases())
def test_a_fault_shows_in_telemetry_and_events_and_clears(
    missions: dict[Any, Mission], config: Path, subsystem: str, fault: str
) -> None:
    mission = missions[(config, subsystem)]
    client = mission.client
    wait_s = settle_s(mission, subsystem)
    client.call(Step(seconds=wait_s))
    before = client.call(GetTelemetry(name=f"{subsystem}.faults_active")).value
    injected_s = client.call(
        InjectFault(
            subsystem=subsystem, fault=fault, params=example_params(mission, subsystem, fault)
        )
    ).time_s
    client.call(Step(seconds=wait_s))
    events = client.call(GetEvents(min_severity=3, start_s=injected_s)).events
    assert any(e.name == "fault_injected" and e.params["fault"] == fault for e in events)
    # Some faults cost the downlink (a failed transmitter, a lost wheel mispointing the
    # high-gain antenna): the ground then hears of them from the recorder once the link is back.
    link_lost = not client.call(GetStatus()).status.channel.signal
    if not link_lost:
        assert client.call(GetTelemetry(name=f"{subsystem}.faults_active")).value == before + 1
    client.call(ClearFault(subsystem=subsystem, fault=fault))
    for _ in range(4):  # re-pointing and relocking take a few reports
        client.call(Step(seconds=wait_s))
        if client.call(GetTelemetry(name=f"{subsystem}.faults_active")).value == before:
            break
    assert client.call(GetTelemetry(name=f"{subsystem}.faults_active")).value == before
    if link_lost:
        assert any(e.name == "los" for e in client.call(GetEvents(start_s=injected_s)).events)
        dump = client.call(DumpRecorder(start_s=injected_s, end_s=injected_s + wait_s)).command
        client.call(Step(seconds=wait_s))
        assert client.call(GetCommand(id=dump.id)).command.status == "completed"
        played = client.call(
            GetHistory(
                name=f"{subsystem}.faults_active", start_s=injected_s, end_s=injected_s + wait_s
            )
        ).samples
        assert before + 1 in [value for _, value in played]


def subsystem_cases() -> list[Any]:
    return [
        pytest.param(path, model.name, id=f"{path.stem}-{model.name}")
        for path in MISSIONS
        for model in build_models(load_mission(path))
    ]


@pytest.mark.parametrize(("config", "subsystem"), subsystem_cases())
def test_an_actor_that_crashes_is_restarted_within_a_tick_and_flies_on(
    missions: dict[Any, Mission], config: Path, subsystem: str
) -> None:
    mission = missions[config]
    client = mission.client
    wait_s = settle_s(mission, subsystem)
    client.call(Step(seconds=wait_s))
    restarts = client.call(GetTelemetry(name="executive.actor_restarts")).value
    crashed_s = client.call(Crash(subsystem=subsystem)).time_s
    client.call(Step(seconds=wait_s))
    events = client.call(GetEvents(min_severity=4, start_s=crashed_s)).events
    restarted = [
        e for e in events if e.name == "actor_restarted" and e.params["subsystem"] == subsystem
    ]
    assert len(restarted) == 1
    subsystems = client.call(GetDictionary()).dictionary["subsystems"]
    period_s = next(s["tick_period_s"] for s in subsystems if s["name"] == subsystem)
    # Restarted at the subsystem's very next tick (its rate group's period).
    assert crashed_s < restarted[0].time_s <= crashed_s + period_s
    assert client.call(GetTelemetry(name="executive.actor_restarts")).value == restarts + 1
    first_param = next(s["telemetry"][0]["name"] for s in subsystems if s["name"] == subsystem)
    latest = client.call(GetTelemetry(name=f"{subsystem}.{first_param}"))
    assert latest.time_s > restarted[0].time_s  # housekeeping goes on after the restart
