"""A bad config, met by each real program: exit 2 with file, key and reason, and nothing started.

`flightsw` and `ground` are given a port someone already holds: had either opened a socket
before checking the config it would exit 3 (port in use); exit 2 shows the check came first.
`mission run` is given a data folder that must stay absent: the launcher creates it, with the
processes' logs, only once the whole config has been checked.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flying import LEO, ROOT

from flightsw.config import ConfigError
from ground.archive.store import Archive
from ground.cli.launcher import launch

pytestmark = pytest.mark.integration

RUN_TIMEOUT_S = 120


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args],
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
        cwd=cwd,
    )


@pytest.fixture
def held_port() -> Iterator[int]:
    """A loopback port this test holds, so a process that binds it fails with exit 3."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder.getsockname()[1]


def misspelt_subsystem_key(path: Path) -> str:
    path.write_text(
        LEO.read_text().replace(
            "[subsystems.power]\n", "[subsystems.power]\nbattery_capcity_wh = 9\n"
        )
    )
    return "[subsystems.power.battery_capcity_wh] unknown key; did you mean battery_capacity_wh?"


def nan_tick(path: Path) -> str:
    path.write_text(LEO.read_text().replace("tick_s = 1.0", "tick_s = nan"))
    return "[clock.tick_s] expected a finite number, found nan"


def binary_file(path: Path) -> str:
    path.write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 8)
    return "[-] is a binary file (it holds NUL bytes), not a mission config"


BAD_CONFIGS: list[Callable[[Path], str]] = [misspelt_subsystem_key, nan_tick, binary_file]


def bad_config(tmp_path: Path, write: Callable[[Path], str]) -> tuple[Path, str]:
    """A broken copy of the small LEO satellite beside its rules, and the expected refusal."""
    folder = tmp_path / "mission"
    shutil.copytree(ROOT / "configs" / "rules", folder / "rules")
    path = folder / "leo.toml"
    return path, f"{path}: {write(path)}"


@pytest.mark.parametrize("write", BAD_CONFIGS, ids=lambda w: w.__name__)
def test_flightsw_refuses_a_bad_config_before_it_opens_a_socket(
    tmp_path: Path, held_port: int, write: Callable[[Path], str]
) -> None:
    path, refusal = bad_config(tmp_path, write)
    result = run("flightsw", "--config", str(path), "--uplink", f"tcp://127.0.0.1:{held_port}")
    assert result.returncode == 2, result.stderr
    assert refusal in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("write", BAD_CONFIGS, ids=lambda w: w.__name__)
def test_ground_refuses_a_bad_config_before_it_opens_a_socket(
    tmp_path: Path, held_port: int, write: Callable[[Path], str]
) -> None:
    path, refusal = bad_config(tmp_path, write)
    result = run("ground", "--config", str(path), "--downlink", f"tcp://127.0.0.1:{held_port}")
    assert result.returncode == 2, result.stderr
    assert refusal in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("write", BAD_CONFIGS, ids=lambda w: w.__name__)
def test_mission_run_refuses_a_bad_config_and_starts_no_process(
    tmp_path: Path, write: Callable[[Path], str]
) -> None:
    path, refusal = bad_config(tmp_path, write)
    data_dir = tmp_path / "runs"
    result = run(
        "ground.cli.mission", "run", str(path), "--clock", "stepped", "--duration-s", "60",
        "--headless", "--data-dir", str(data_dir),
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert f"mission: {refusal}" in result.stderr
    assert "starting" not in result.stdout
    assert not data_dir.exists()  # no logs, no archive: neither process was started


def test_ground_refuses_a_key_of_its_own_the_spacecraft_leaves_to_it(
    tmp_path: Path, held_port: int
) -> None:
    def misspelt_ground_key(path: Path) -> str:
        path.write_text(LEO.read_text().replace("[ground]\n", '[ground]\ndatadir = "x"\n'))
        return "[ground.datadir] unknown key; did you mean data_dir?"

    path, refusal = bad_config(tmp_path, misspelt_ground_key)
    result = run("ground", "--config", str(path), "--downlink", f"tcp://127.0.0.1:{held_port}")
    assert result.returncode == 2, result.stderr
    assert refusal in result.stderr


def test_mission_script_checks_every_config_before_it_flies_a_scenario(tmp_path: Path) -> None:
    path, refusal = bad_config(tmp_path, misspelt_subsystem_key)
    data_dir = tmp_path / "runs"
    scenario = ROOT / "scenarios" / "leo_smallsat" / "nominal_orbits.py"
    result = run(
        "ground.cli.mission", "script", str(scenario), "--mission", str(path),
        "--data-dir", str(data_dir), "--colour", "never",
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert f"mission script: {refusal}" in result.stderr
    assert not data_dir.exists()


def test_a_config_flies_from_another_folder_with_its_rules_beside_it(tmp_path: Path) -> None:
    """The rule file is named relative to the config; the working folder has nothing to do with it."""
    folder = tmp_path / "mission"
    shutil.copytree(ROOT / "configs" / "rules", folder / "rules")
    shutil.copy(LEO, folder / "leo.toml")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = run(
        "ground.cli.mission", "run", "../mission/leo.toml", "--clock", "stepped",
        "--duration-s", "60", "--headless", "--data-dir", "runs", "--run-name", "away",
        cwd=elsewhere,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    with Archive.open(elsewhere / "runs" / "away.sqlite") as archive:
        assert archive.meta()["rules"] == str(folder / "rules" / "leo_smallsat.toml")


@pytest.mark.parametrize("write", BAD_CONFIGS, ids=lambda w: w.__name__)
def test_the_launcher_refuses_a_bad_config_before_it_starts_a_process(
    tmp_path: Path, write: Callable[[Path], str]
) -> None:
    path, refusal = bad_config(tmp_path, write)
    data_dir = tmp_path / "runs"
    with pytest.raises(ConfigError) as caught:
        launch(path, data_dir, "never", clock="stepped")
    assert str(caught.value) == refusal
    assert not data_dir.exists()
