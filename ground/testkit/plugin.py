"""The pytest plugin: fixtures that fly the real `flightsw` and `ground` processes for a test.

Installed with the package (entry point `pytest11`), so any test folder can use it:

    @pytest.mark.mission("leo_station")
    def test_scrubber_failure_raises_the_co2_alarm(hil):
        hil.inject_fault("life_support", "scrubber_failure")
        hil.await_alarm("cabin_co2_high", within=3600)

`hil` launches both processes for the test, stepped, on free ports, and stops them afterwards
whatever happens. `hil_shared` keeps one pair per mission for the whole run and resets it (a new
spacecraft from the config, a new archive) before each test: the same result, less start-up.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ground.cli.launcher import Mission
from ground.testkit.api import HilApi
from ground.testkit.pool import MissionPool, MissionSpec
from ground.testkit.report import TextReporter

DEFAULT_MISSION = "leo_smallsat"
MISSION_KEY = pytest.StashKey[Mission]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("flightsw-hil", "flight software emulator test kit")
    group.addoption(
        "--hil-mission",
        help="mission for tests that name none: a shipped name or a config path "
        f"(default: the hil_mission ini value, else {DEFAULT_MISSION})",
    )
    group.addoption(
        "--hil-data-dir",
        type=Path,
        help="keep every test's archive and the process logs here (default: pytest's temporary directory)",
    )
    parser.addini(
        "hil_mission",
        "mission of the hil fixtures for tests that name none",
        default=DEFAULT_MISSION,
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "mission(name, light_time_s=None): the mission the hil fixtures fly (a shipped name such "
        "as leo_station, or a config path) and optionally a fixed one-way light time in seconds",
    )


@pytest.fixture(scope="session")
def hil_pool(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[MissionPool]:
    """Every mission this run launches; all stopped when the run ends."""
    data_dir = request.config.getoption("--hil-data-dir") or tmp_path_factory.mktemp("hil")
    pool = MissionPool(Path(data_dir))
    try:
        yield pool
    finally:
        pool.stop_all()


@pytest.fixture
def hil(request: pytest.FixtureRequest, hil_pool: MissionPool) -> Iterator[HilApi]:
    """The test kit on both processes launched for this test alone (stopped after it)."""
    mission = hil_pool.fresh(mission_spec(request), request.node.name)
    request.node.stash[MISSION_KEY] = mission
    try:
        yield HilApi(mission.client, TextReporter(sys.stdout, colour=False), mission)
    finally:
        hil_pool.release(mission)


@pytest.fixture
def hil_shared(request: pytest.FixtureRequest, hil_pool: MissionPool) -> Iterator[HilApi]:
    """The test kit on processes shared by the run, reset to a new spacecraft and archive."""
    mission = hil_pool.shared(mission_spec(request), request.node.name)
    request.node.stash[MISSION_KEY] = mission
    yield HilApi(mission.client, TextReporter(sys.stdout, colour=False), mission)


def mission_spec(request: pytest.FixtureRequest) -> MissionSpec:
    """From the fixture's parameter (indirect parametrization), else the `mission` marker, else
    the command line or ini default."""
    param: Any = getattr(request, "param", None)
    if isinstance(param, MissionSpec):
        return param
    if isinstance(param, str | Path):
        return MissionSpec(str(param))
    if isinstance(param, dict):
        return MissionSpec(str(param["mission"]), param.get("light_time_s"))
    marker = request.node.get_closest_marker("mission")
    if marker is not None:
        if not marker.args:
            raise pytest.UsageError("@pytest.mark.mission needs a mission name or config path")
        return MissionSpec(str(marker.args[0]), marker.kwargs.get("light_time_s"))
    config = request.config
    return MissionSpec(config.getoption("--hil-mission") or config.getini("hil_mission"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """On failure, say where the run's archive and logs are."""
    report = yield
    mission = item.stash.get(MISSION_KEY, None)
    if mission is not None and report.failed:
        report.sections.append(
            (
                "flight software emulator",
                f"archive: {mission.archive_path}\nlogs:    {mission.data_dir}/*.log\n"
                f"replay:  mission replay {mission.archive_path}",
            )
        )
    return report
