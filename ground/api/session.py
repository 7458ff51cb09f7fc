"""A run's session: where its ground can be reached, one file per run in `DATA_DIR/sessions/`.

`mission run`, the launcher (the test kit's runs too) and `mission replay` each write their own
`sessions/<run>.json` when the ground answers, and remove it when the run ends; `mission
console` lists them to find the ground it attaches to. A session whose processes are all gone
(a run killed outright) is stale: it stays until a new `mission run` in the folder clears it,
and nothing attaches to it. One file per run, so a second run in the same folder never takes
the first one's place.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flightsw.icd import Endpoints
from ground.api.liveness import Watch, listening, process_alive

SESSIONS_DIR = "sessions"


def sessions_dir(data_dir: Path) -> Path:
    return data_dir / SESSIONS_DIR


@dataclass(frozen=True, slots=True)
class Session:
    """A run: its ground's endpoints, the archive it writes, what it flies, its processes.

    Attributes:
        run_name: the run's name, also its session file's (an archive of a reset or a
            restarted ground may carry another name: see `archive`).
        archive: the archive the ground writes.
        endpoints: where its control API and live feed (and its spacecraft) listen.
        config: the mission config flown; None for a replay, which flies nothing.
        replay_of: the archive a replay re-reads; None for a live ground.
        flightsw_pid, ground_pid: the processes of a live run; None for a replay.
        mission_pid: the process that started the run and watches over it (`mission run`, a
            test run, or `mission replay`, whose ground runs inside it).
        started: when the run started, ISO 8601 with the offset from UTC.
        access: the access folder of its ground (`ground.api.credentials`); None for a
            ground open to any local client.
    """

    run_name: str
    archive: Path
    endpoints: Endpoints
    config: Path | None = None
    replay_of: Path | None = None
    flightsw_pid: int | None = None
    ground_pid: int | None = None
    mission_pid: int | None = None
    started: str = ""
    access: Path | None = None

    def path(self, data_dir: Path) -> Path:
        return sessions_dir(data_dir) / f"{self.run_name}.json"

    def write(self, data_dir: Path) -> Path:
        """Write `DATA_DIR/sessions/<run>.json` (made if need be) whole: a reader never sees
        half of it. Returns its path."""
        path = self.path(data_dir)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}")
        partial.write_text(json.dumps(self._to_json(), indent=2))
        os.replace(partial, path)
        return path

    def remove(self, data_dir: Path) -> None:
        """Remove this run's session file (the run has ended); nothing if it is not there."""
        with contextlib.suppress(FileNotFoundError):
            self.path(data_dir).unlink()

    @classmethod
    def read(cls, path: Path) -> Session | None:
        """The session in `path`, or None if there is none there (or none readable)."""
        try:
            return cls._from_json(json.loads(path.read_text()))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):  # not a session
            return None

    @property
    def server_pid(self) -> int | None:
        """The process that answers on the control socket: the ground, or a replay's mission."""
        return self.ground_pid if self.ground_pid is not None else self.mission_pid

    def live(self) -> bool:
        """Whether any of the run's processes is still running (else the session is stale)."""
        pids = (self.mission_pid, self.flightsw_pid, self.ground_pid)
        return any(process_alive(pid) for pid in pids if pid is not None)

    def describe(self) -> str:
        """One line for a list of runs: name, what it flies, when it started, its ground."""
        what = f"replay of {self.replay_of}" if self.replay_of else str(self.config or "?")
        started = f", started {self.started}" if self.started else ""
        pid = f", ground pid {self.server_pid}" if self.server_pid is not None else ""
        return f"{self.run_name} ({what}{started}{pid}; control {self.endpoints.control})"

    def _to_json(self) -> dict[str, Any]:
        info: dict[str, Any] = {
            "config": None if self.config is None else str(self.config),
            "run_name": self.run_name,
            "archive": str(self.archive),
            "started": self.started,
        }
        if self.replay_of is not None:
            info["replay_of"] = str(self.replay_of)
        info["endpoints"] = self.endpoints.as_dict()
        pids = {
            "mission": self.mission_pid,
            "flightsw": self.flightsw_pid,
            "ground": self.ground_pid,
        }
        info["pids"] = {name: pid for name, pid in pids.items() if pid is not None}
        if self.access is not None:
            info["access"] = str(self.access)
        return info

    @classmethod
    def _from_json(cls, info: dict[str, Any]) -> Session:
        pids = info.get("pids") or {}
        return cls(
            run_name=str(info["run_name"]),
            archive=Path(info["archive"]),
            endpoints=Endpoints(**info["endpoints"]),
            config=None if info.get("config") is None else Path(info["config"]),
            replay_of=None if info.get("replay_of") is None else Path(info["replay_of"]),
            flightsw_pid=pids.get("flightsw"),
            ground_pid=pids.get("ground"),
            mission_pid=pids.get("mission"),
            started=str(info.get("started") or ""),
            access=None if info.get("access") is None else Path(info["access"]),
        )


def sessions_in(data_dir: Path) -> list[Session]:
    """Every readable session in `DATA_DIR/sessions/`, live or stale, oldest first."""
    folder = sessions_dir(data_dir)
    found = [Session.read(path) for path in sorted(folder.glob("*.json"))]
    return sorted((s for s in found if s is not None), key=lambda s: (s.started, s.run_name))


def session_watch(data_dir: Path, run_name: str) -> Watch:
    """A watch on a run's ground, as a client of it sees it: the run has ended (its session is
    gone), its ground process has exited (and no restarted one has taken its place in the
    session), or nothing listens on its control socket. Read afresh at every look."""
    path = sessions_dir(data_dir) / f"{run_name}.json"

    def gone() -> str | None:
        session = Session.read(path)
        if session is None:
            return (
                f"run {run_name} has ended (its session {path} is gone); its archive keeps "
                "everything received. Start another with `mission run CONFIG`"
            )
        pid = session.server_pid
        if pid is not None and not process_alive(pid):
            return (
                f"the ground of run {run_name} (pid {pid}) is gone. `mission run` restarts a "
                "ground that dies and says so on its terminal: try again once it is back. "
                f"Its archive {session.archive} keeps everything received"
            )
        if listening(session.endpoints.control) is False:
            return (
                f"nothing listens on the control socket {session.endpoints.control} of run "
                f"{run_name}: its ground is not answering; its log is in {data_dir}"
            )
        return None

    return gone
