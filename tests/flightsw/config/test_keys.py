"""Telecommand key files (flightsw.config.keys): made secret, read only when secret."""

from __future__ import annotations

import contextlib
import stat
import threading
from pathlib import Path

import pytest

from flightsw.config import ConfigError, keys_path, new_keys, read_keys, with_active
from flightsw.config.keys import KEYS_MADE
from flightsw.icd import sdls


def test_a_new_key_file_is_its_owners_alone_and_reads_back(tmp_path: Path) -> None:
    path = keys_path(tmp_path, "leo-smallsat")

    made = new_keys(path, "leo-smallsat", spi=3)
    read = read_keys(path)

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path == tmp_path / "keys" / "leo-smallsat.toml"
    assert read.keys == made.keys and read.active_spi == 3
    assert sorted(read.keys) == list(range(3, 3 + KEYS_MADE))  # the spares are for rekeys
    assert len(set(read.keys.values())) == KEYS_MADE
    assert len(read.active_key) == sdls.KEY_LENGTH


def test_a_rekey_writes_the_new_active_key_in_place_and_keeps_the_file_secret(
    tmp_path: Path,
) -> None:
    made = new_keys(tmp_path / "k.toml", "m", spi=1)

    changed = with_active(made, 2, "m")

    assert read_keys(made.path) == changed and changed.active_spi == 2
    assert stat.S_IMODE(made.path.stat().st_mode) == 0o600
    with pytest.raises(KeyError):
        with_active(made, 99, "m")


def test_two_new_keys_differ(tmp_path: Path) -> None:
    first = new_keys(tmp_path / "a.toml", "m")
    second = new_keys(tmp_path / "b.toml", "m")

    assert first.active_key != second.active_key


def test_a_key_file_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "k.toml"
    made = new_keys(path, "m")

    with pytest.raises(FileExistsError):
        new_keys(path, "m")
    assert read_keys(path).active_key == made.active_key
    assert sorted(tmp_path.iterdir()) == [path]  # and no draft is left beside it


def test_runs_making_a_key_at_once_all_end_with_one_whole_key(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "m.toml"
    start = threading.Barrier(8)
    made: list[bytes] = []

    def make() -> None:
        start.wait()
        with contextlib.suppress(FileExistsError):
            made.append(new_keys(path, "m").active_key)

    threads = [threading.Thread(target=make) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert made == [read_keys(path).active_key]
    assert sorted(path.parent.iterdir()) == [path]


def test_a_key_file_others_may_read_is_refused_with_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "k.toml"
    new_keys(path, "m")
    path.chmod(0o644)

    with pytest.raises(ConfigError, match="chmod 600"):
        read_keys(path)


def test_a_missing_key_file_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="mission keys new"):
        read_keys(tmp_path / "none.toml")


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('active = 1\n[[key]]\nspi = 1\nkey = "abcd"\n', "hexadecimal digits"),
        ('active = 1\n[[key]]\nspi = 1\nkey = "' + "zz" * 32 + '"\n', "hexadecimal digits"),
        ('active = 2\n[[key]]\nspi = 1\nkey = "' + "00" * 32 + '"\n', "no key has SPI 2"),
        ('active = 1\n[[key]]\nspi = 70000\nkey = "' + "00" * 32 + '"\n', "spi"),
        ('active = 1\nactiv = 1\n[[key]]\nspi = 1\nkey = "' + "00" * 32 + '"\n', "activ"),
    ],
)
def test_a_wrong_key_file_is_refused_with_its_key(tmp_path: Path, text: str, said: str) -> None:
    path = tmp_path / "k.toml"
    path.write_text(text)
    path.chmod(0o600)

    with pytest.raises(ConfigError, match=said):
        read_keys(path)


def test_a_key_file_in_a_folder_others_may_change_is_refused(tmp_path: Path) -> None:
    """They could replace the anti-replay state beside it, and replay old telecommands."""
    path = new_keys(tmp_path / "shared" / "k.toml", "m").path
    path.parent.chmod(0o777)

    with pytest.raises(ConfigError, match="chmod 700"):
        read_keys(path)
