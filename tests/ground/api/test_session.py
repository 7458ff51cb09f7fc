"""session.json: what `mission run` and `mission replay` leave for `mission console` to find."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flightsw.icd import Endpoints
from ground.api.session import SESSION_FILE, Session

ENDPOINTS = Endpoints.on_ports([6001, 6002, 6003, 6004, 6005, 6006])


def test_a_live_session_is_written_as_consoles_have_always_read_it(tmp_path: Path) -> None:
    live = Session(
        "day",
        tmp_path / "day.sqlite",
        ENDPOINTS,
        config=Path("configs/leo_smallsat.toml"),
        flightsw_pid=101,
        ground_pid=102,
    )
    path = live.write(tmp_path / "runs")
    assert path == tmp_path / "runs" / SESSION_FILE
    assert json.loads(path.read_text()) == {
        "config": "configs/leo_smallsat.toml",
        "run_name": "day",
        "archive": str(tmp_path / "day.sqlite"),
        "endpoints": ENDPOINTS.as_dict(),
        "pids": {"flightsw": 101, "ground": 102},
    }
    assert Session.read(tmp_path / "runs") == live


def test_a_replay_session_names_what_it_replays_and_has_no_processes(tmp_path: Path) -> None:
    replay = Session(
        "day-replay", tmp_path / "day-replay.sqlite", ENDPOINTS, replay_of=tmp_path / "day.sqlite"
    )
    replay.write(tmp_path)
    written = json.loads((tmp_path / SESSION_FILE).read_text())
    assert list(written) == ["config", "run_name", "archive", "replay_of", "endpoints", "pids"]
    assert (written["config"], written["pids"]) == (None, {})
    assert Session.read(tmp_path) == replay


@pytest.mark.parametrize(
    "content", [None, "not json", "[]", '{"run_name": "x"}', '{"endpoints": {"control": 1}}']
)
def test_a_folder_without_a_readable_session_has_none(tmp_path: Path, content: str | None) -> None:
    if content is not None:
        (tmp_path / SESSION_FILE).write_text(content)
    assert Session.read(tmp_path) is None
