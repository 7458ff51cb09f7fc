"""Scenarios: operations procedures written against the test kit API, runnable without pytest.

A scenario is a Python file with a docstring (its first line is the title), `MISSION` (a shipped
mission name or a config path relative to the file), optionally `LIGHT_TIME_S`, and
`run(hil)`, which drives the mission through the same API as a test:

    \"\"\"Battery cell failure: load shed, safe mode, recovery from the ground.\"\"\"
    MISSION = "leo_smallsat"

    def run(hil):
        with hil.step("Battery healthy in sunlight"):
            hil.wait_check("power.battery_soc > 0.5", within=600)
        ...

`mission script FILE` runs it against freshly launched processes and prints each step.

Scenarios share procedures as ordinary Python modules. Before loading a scenario, the loader
puts two folders at the front of the import path: the scenario's own folder and the one above
it. So a scenario imports a module beside it (`import helpers`), and the scenarios of several
missions, each in its mission's folder, import what they share from a folder next to theirs:

    scenarios/procedures/propulsion.py      from procedures import propulsion
    scenarios/leo_station/thruster_stuck_open.py
    scenarios/mars_cruise/thruster_stuck_open.py

This holds however the scenario is run (`mission script` from any folder, the test suite, a
user's own tree with the installed package): the folders come from the file's own path. A
module name stands for one file for the whole run, as anywhere in Python.
"""

from __future__ import annotations

import importlib.util
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flightsw.clock import wall_time_s
from flightsw.config import resolve_config
from ground.errors import ScenarioError
from ground.testkit.api import HilApi
from ground.testkit.pool import MissionSpec


@dataclass(frozen=True)
class Scenario:
    path: Path
    title: str
    spec: MissionSpec
    run: Callable[[HilApi], Any]


@dataclass(frozen=True)
class Outcome:
    """How a scenario went: `error` is None when it passed."""

    scenario: Scenario
    error: BaseException | None
    failed_at: str | None
    start_s: float | None
    end_s: float | None
    wall_s: float

    @property
    def passed(self) -> bool:
        return self.error is None


def load_scenario(path: Path) -> Scenario:
    """Import a scenario file; ScenarioError if it is not one."""
    if not path.is_file():
        raise ScenarioError(f"{path}: no such scenario file")
    _make_shared_modules_importable(path)
    module_name = f"flightsw_scenario_{abs(hash(path.resolve()))}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ScenarioError(f"{path}: not a Python file")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as error:
        where = traceback.format_exception_only(type(error), error)[-1].strip()
        raise ScenarioError(f"{path}: cannot be loaded: {where}") from None
    run = getattr(module, "run", None)
    if not callable(run):
        raise ScenarioError(f"{path}: defines no run(hil) function")
    mission = getattr(module, "MISSION", None)
    if not isinstance(mission, str):
        raise ScenarioError(f'{path}: MISSION must name the mission, e.g. MISSION = "leo_smallsat"')
    relative = path.parent / mission
    config = str(relative) if relative.suffix == ".toml" and relative.is_file() else mission
    if not resolve_config(config).is_file():
        raise ScenarioError(
            f"{path}: MISSION {mission!r} is neither a shipped mission nor a config file"
        )
    light_time_s = getattr(module, "LIGHT_TIME_S", None)
    doc = (module.__doc__ or path.stem).strip()
    return Scenario(path, doc.splitlines()[0], MissionSpec(config, light_time_s), run)


def _make_shared_modules_importable(path: Path) -> None:
    """Put the scenario's folder, then the folder above it, first on the import path (once)."""
    folder = path.resolve().parent
    for entry in (str(folder.parent), str(folder)):  # inserted in turn: the folder ends first
        if entry in sys.path:
            sys.path.remove(entry)
        sys.path.insert(0, entry)


def run_scenario(scenario: Scenario, hil: HilApi) -> Outcome:
    """Run one scenario to its end or its first failure; never raises for a failed check."""
    started = wall_time_s()
    start_s = _time(hil)
    error: BaseException | None = None
    try:
        scenario.run(hil)
    except Exception as caught:  # a failed check, a refused command, a scenario's own bug
        error = caught
    tally = getattr(hil.reporter, "tally", None)
    failed_at = getattr(tally, "failed_step", None) if error is not None else None
    return Outcome(scenario, error, failed_at, start_s, _time(hil), wall_time_s() - started)


def _time(hil: HilApi) -> float | None:
    try:
        return hil.now_s
    except Exception:  # the ground is gone: the outcome says so without a time
        return None
