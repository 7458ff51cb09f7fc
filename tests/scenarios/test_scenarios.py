"""Every shipped scenario passes against the real processes (shared per mission, reset each time)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from flightsw.config.catalog import shipped_missions
from ground.testkit.api import HilApi
from ground.testkit.plugin import MISSION_KEY
from ground.testkit.pool import MissionPool
from ground.testkit.report import TextReporter
from ground.testkit.scenario import load_scenario, run_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
PROCEDURES = SCENARIOS / "procedures"  # what several missions' scenarios share; not scenarios
FILES = sorted(path for path in SCENARIOS.glob("*/*.py") if path.parent != PROCEDURES)


@pytest.mark.integration
@pytest.mark.parametrize("path", FILES, ids=lambda path: f"{path.parent.name}/{path.stem}")
def test_scenario_passes(path: Path, hil_pool: MissionPool, request: pytest.FixtureRequest) -> None:
    scenario = load_scenario(path)
    mission = hil_pool.shared(scenario.spec, f"{path.parent.name}-{path.stem}")
    request.node.stash[MISSION_KEY] = mission
    api = HilApi(mission.client, TextReporter(sys.stdout, colour=False), mission)
    outcome = run_scenario(scenario, api)
    if not outcome.passed:
        pytest.fail(
            f"{scenario.title}: failed at step {outcome.failed_at}\n{outcome.error}", pytrace=False
        )


@pytest.mark.parametrize("mission", shipped_missions())
def test_each_mission_ships_a_nominal_scenario_and_three_contingencies(mission: str) -> None:
    names = [path.stem for path in FILES if path.parent.name == mission]
    assert "nominal" in " ".join(names), f"{mission} has no nominal scenario: {names}"
    contingencies = [name for name in names if "nominal" not in name]
    assert len(contingencies) >= 3, f"{mission} has {len(contingencies)} contingencies: {names}"


def test_each_scenario_flies_the_mission_of_its_folder() -> None:
    for path in FILES:
        assert load_scenario(path).spec.config == path.parent.name, path
