"""`ground --resume` takes a run up only if its archive is sound and of this mission and config."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from types import MappingProxyType

import pytest
from grounds import POWER_APID, ground_on, leo_dictionary, power

from flightsw.config import MissionConfig, load_mission
from ground.archive import Archive
from ground.errors import ResumeRefused
from ground.process.attachment import Attachment
from ground.process.main import open_archive
from ground.process.resume import open_for_resume, take_up


@pytest.fixture(scope="module")
def leo() -> MissionConfig:
    return load_mission("leo_smallsat")


def a_run(directory: Path, config: MissionConfig, name: str = "run") -> Path:
    """A run's archive as the ground makes one, closed as a crash would leave it."""
    archive = open_archive(config, directory, name)
    archive.set_meta("dictionary", json.dumps(leo_dictionary().raw))
    archive.begin_segment(0.0, "the run began")
    path = archive.path
    archive.close()
    return path


def test_a_sound_run_of_this_mission_and_config_is_reopened_to_write_on(
    tmp_path: Path, leo: MissionConfig
) -> None:
    a_run(tmp_path, leo, "older")
    a_run(tmp_path, leo, "newer")
    with open_for_resume(tmp_path, "older", leo, leo_dictionary()) as archive:
        assert archive.path.stem == "older"
        archive.record_event(1.0, "ground", "x", 1, "written")


def set_meta(key: str, value: str) -> Callable[[Path], None]:
    def spoil(path: Path) -> None:
        with Archive.open(path, readonly=False) as archive:
            archive.set_meta(key, value)

    return spoil


@pytest.mark.parametrize(
    ("spoil", "said"),
    [
        (Path.unlink, "no run 'run' to resume in"),
        (lambda path: path.write_bytes(b"not sqlite" * 500), "cannot resume 'run'"),
        (set_meta("mission", "mars"), "the mission differs from the run's"),
        (
            set_meta("dictionary", "{}"),
            "the spacecraft's dictionary (another flight software or config) differs",
        ),
    ],
    ids=["missing", "not an archive", "another mission", "another dictionary"],
)
def test_a_run_that_cannot_be_taken_up_is_refused_saying_why(
    tmp_path: Path, leo: MissionConfig, spoil: Callable[[Path], object], said: str
) -> None:
    spoil(a_run(tmp_path, leo))
    with pytest.raises(ResumeRefused, match="resume") as refused:
        open_for_resume(tmp_path, "run", leo, leo_dictionary())
    assert said in str(refused.value)


def test_a_run_flown_with_a_config_that_has_changed_since_is_refused(
    tmp_path: Path, leo: MissionConfig
) -> None:
    copy = tmp_path / "leo.toml"
    shutil.copy(leo.path, copy)
    a_run(tmp_path, load_mission(copy))
    copy.write_text(copy.read_text() + "\n# tuned since\n")
    with pytest.raises(ResumeRefused, match=r"the config file .* has changed since the run began"):
        open_for_resume(tmp_path, "run", load_mission(copy), leo_dictionary())


def test_a_spacecraft_started_again_while_the_ground_was_down_begins_a_new_segment(
    tmp_path: Path, leo: MissionConfig
) -> None:
    path = a_run(tmp_path, leo)
    live = ground_on(Archive.open(path, readonly=False))
    live.downlink(*(power(seq, 10.0 * seq) for seq in range(6)), until_s=60.0)
    live.service.archive.close()
    resumed = ground_on(open_for_resume(tmp_path, "run", leo, leo_dictionary()))
    restarted = Attachment(generation=1, time_s=5.0, tick_s=1.0, downlink_sent=3, truth_sent=5,
                           uplink_received=0, generated=MappingProxyType({POWER_APID: 1}))  # fmt: skip
    assert take_up(resumed.service, restarted) is None  # nothing to recover of another one
    assert resumed.service.archive.segment == 2
    [(reason,)] = resumed.values("SELECT reason FROM segments WHERE segment = 2")
    assert "went back from T+50.0 s to T+5.0 s" in str(reason)
