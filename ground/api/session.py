"""`session.json`: where a running ground can be reached, left in its data folder for clients.

`mission run` (a live ground) and `mission replay` write it; `mission console --data-dir` reads
it to find the control API, the live feed and the archive. One value, one writer, one reader.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flightsw.icd import Endpoints

SESSION_FILE = "session.json"


@dataclass(frozen=True, slots=True)
class Session:
    """A running ground: its endpoints, the archive it writes and what it runs.

    Attributes:
        run_name: the archive's name without extension.
        archive: the archive the ground writes.
        endpoints: where its control API and live feed (and its spacecraft) listen.
        config: the mission config flown; None for a replay, which flies nothing.
        replay_of: the archive a replay re-reads; None for a live ground.
        flightsw_pid, ground_pid: the processes of a live run; None for a replay.
    """

    run_name: str
    archive: Path
    endpoints: Endpoints
    config: Path | None = None
    replay_of: Path | None = None
    flightsw_pid: int | None = None
    ground_pid: int | None = None

    def write(self, data_dir: Path) -> Path:
        """Write `DATA_DIR/session.json` (the folder is made if need be); return its path."""
        data_dir.mkdir(parents=True, exist_ok=True)
        path = data_dir / SESSION_FILE
        path.write_text(json.dumps(self._to_json(), indent=2))
        return path

    @classmethod
    def read(cls, data_dir: Path) -> Session | None:
        """The session left in `data_dir`, or None if there is none (or none readable)."""
        try:
            info = json.loads((data_dir / SESSION_FILE).read_text())
            return cls._from_json(info)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):  # not a session
            return None

    def _to_json(self) -> dict[str, Any]:
        info: dict[str, Any] = {
            "config": None if self.config is None else str(self.config),
            "run_name": self.run_name,
            "archive": str(self.archive),
        }
        if self.replay_of is not None:
            info["replay_of"] = str(self.replay_of)
        info["endpoints"] = self.endpoints.as_dict()
        pids = {"flightsw": self.flightsw_pid, "ground": self.ground_pid}
        info["pids"] = {name: pid for name, pid in pids.items() if pid is not None}
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
        )
