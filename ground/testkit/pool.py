"""Missions a test run has launched: fresh ones per test, and shared ones reset between tests."""

from __future__ import annotations

import atexit
import itertools
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from flightsw.config import resolve_config
from ground.cli.launcher import Mission, launch
from ground.errors import ClientError

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class MissionSpec:
    """Which mission to fly: a shipped name or a config path, and an optional fixed light time."""

    config: str
    light_time_s: float | None = None

    @property
    def path(self) -> Path:
        return resolve_config(self.config).resolve()


class MissionPool:
    """Launch missions on free ports in stepped mode; stop every one of them, whatever happens.

    `fresh` launches a pair of processes for one user; `shared` keeps one pair per spec and
    resets it (new spacecraft, new archive) for each user, which is cheaper than launching.
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._shared: dict[MissionSpec, Mission] = {}
        self._fresh: list[Mission] = []
        self._names: set[str] = set()
        self._counter = itertools.count(1)
        atexit.register(self.stop_all)  # a run cut short still takes its processes down

    def run_name(self, wanted: str) -> str:
        """A file-safe archive name, unique in this pool."""
        base = re.sub(r"[^A-Za-z0-9_.-]+", "_", wanted).strip("._")[:80] or "run"
        name = base
        while name in self._names or (self.data_dir / f"{name}.sqlite").exists():
            name = f"{base}-{next(self._counter)}"
        self._names.add(name)
        return name

    def fresh(self, spec: MissionSpec, run_name: str) -> Mission:
        mission = launch(
            spec.path,
            self.data_dir,
            self.run_name(run_name),
            clock="stepped",
            light_time_s=spec.light_time_s,
        )
        self._fresh.append(mission)
        return mission

    def shared(self, spec: MissionSpec, run_name: str) -> Mission:
        """The shared processes for `spec`, reset to a new run; launched on first use."""
        name = self.run_name(run_name)
        mission = self._shared.get(spec)
        if mission is not None and mission.alive():
            try:
                mission.reset(name)
                return mission
            except ClientError as error:  # a test broke it: start again rather than fail the next
                log.warning(
                    "shared %s could not be reset (%s); launching it again", spec.config, error
                )
                mission.stop()
        mission = launch(
            spec.path,
            self.data_dir,
            name,
            clock="stepped",
            light_time_s=spec.light_time_s,
        )
        self._shared[spec] = mission
        return mission

    def release(self, mission: Mission) -> None:
        """Stop a fresh mission (shared ones live until `stop_all`)."""
        mission.stop()
        self._fresh = [m for m in self._fresh if m is not mission]

    def stop_all(self) -> None:
        for mission in [*self._fresh, *self._shared.values()]:
            mission.stop()
        self._fresh.clear()
        self._shared.clear()
