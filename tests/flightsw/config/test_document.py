"""The bounded TOML reader: a file that is not a sane config is refused before any reader sees it."""

from __future__ import annotations

from pathlib import Path

import pytest

from flightsw.config import ConfigError, read_toml
from flightsw.config.document import MAX_DEPTH, MAX_FILE_BYTES, MAX_ITEMS, MAX_STRING_CHARS


def refusal(path: Path) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        read_toml(path)
    assert caught.value.path == str(path)
    return caught.value


def written(tmp_path: Path, content: str | bytes) -> Path:
    path = tmp_path / "mission.toml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return path


def test_a_plain_document_reads_as_tomllib_reads_it(tmp_path: Path) -> None:
    text = '[clock]\nrate = 60.0\nmode = "stepped"\n[[crew]]\nname = "A"\n'
    assert read_toml(written(tmp_path, text)) == {
        "clock": {"rate": 60.0, "mode": "stepped"},
        "crew": [{"name": "A"}],
    }


def test_a_missing_file_says_so_and_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        read_toml(tmp_path / "nowhere.toml", if_missing="pass a config")
    assert (caught.value.key, caught.value.reason) == ("-", "no such file; pass a config")


def test_a_folder_cannot_be_read(tmp_path: Path) -> None:
    assert refusal(tmp_path).reason.startswith("cannot be read: ")


def test_a_binary_file_is_refused_as_binary(tmp_path: Path) -> None:
    error = refusal(written(tmp_path, b"\x7fELF\x02\x01\x01\x00\x00\x00" * 20))
    assert (error.key, error.reason) == (
        "-",
        "is a binary file (it holds NUL bytes), not a mission config",
    )


def test_text_that_is_not_utf8_is_refused_with_the_first_bad_byte(tmp_path: Path) -> None:
    error = refusal(written(tmp_path, 'name = "caf\xe9"\n'.encode("latin-1")))
    assert error.reason.startswith("is not UTF-8 text (byte 0xe9 at offset 11)")


def test_a_huge_file_is_refused_by_its_size_before_it_is_parsed(tmp_path: Path) -> None:
    comment = "# " + "x" * 98 + "\n"  # valid TOML: only the size is wrong
    error = refusal(written(tmp_path, comment * (MAX_FILE_BYTES // 100 + 1)))
    assert error.reason == "is larger than 256 KiB; a mission config is a few kB of text"


def test_an_endless_device_is_refused_by_size_rather_than_read_forever() -> None:
    with pytest.raises(ConfigError, match="larger than 256 KiB"):
        read_toml(Path("/dev/zero"))


def test_a_ten_megabyte_string_never_reaches_the_parser(tmp_path: Path) -> None:
    error = refusal(written(tmp_path, f'description = "{"x" * 10_000_000}"\n'))
    assert "larger than 256 KiB" in error.reason


def test_a_very_long_line_is_refused_with_its_number(tmp_path: Path) -> None:
    # tomllib's time on a dotted key grows with the square of its parts: 2000 parts on one line.
    error = refusal(written(tmp_path, "[a]\n" + "b." * 2000 + "c = 1\n"))
    assert error.reason.startswith("line 2 has 4005 characters, more than 1000")


def test_arrays_nested_over_many_lines_are_refused_not_a_recursion_error(tmp_path: Path) -> None:
    error = refusal(written(tmp_path, "a = " + "[\n" * 5000 + "]\n" * 5000))
    assert error.reason == f"arrays or tables nested too deeply (at most {MAX_DEPTH} levels)"


def test_tables_nested_by_dotted_keys_are_refused_at_the_key_too_deep(tmp_path: Path) -> None:
    error = refusal(written(tmp_path, "a" + ".a" * 40 + " = 1\n"))
    assert error.key == "a" + ".a" * MAX_DEPTH
    assert error.reason == f"nested more than {MAX_DEPTH} levels deep"


@pytest.mark.parametrize(
    ("text", "key", "found"),
    [
        ("tick_s = nan\n", "tick_s", "nan"),
        ("[clock]\ntick_s = +nan\n", "clock.tick_s", "nan"),
        ("[clock]\nrate = inf\n", "clock.rate", "inf"),
        ("[[crew]]\nmass_kg = -inf\n", "crew[0].mass_kg", "-inf"),
        ("position_m = [1.0, nan, 3.0]\n", "position_m[1]", "nan"),
        ("args = { set_point_kpa = nan }\n", "args.set_point_kpa", "nan"),
    ],
)
def test_nan_and_infinities_are_refused_wherever_they_stand(
    tmp_path: Path, text: str, key: str, found: str
) -> None:
    error = refusal(written(tmp_path, text))
    assert (error.key, error.reason) == (key, f"expected a finite number, found {found}")


def test_an_integer_outside_64_bits_is_refused(tmp_path: Path) -> None:
    error = refusal(written(tmp_path, f"seed = {2**63}\n"))
    assert (error.key, error.reason) == ("seed", "integer outside TOML's 64-bit range")


def test_a_long_string_over_many_lines_is_refused(tmp_path: Path) -> None:
    text = 'description = """\n' + "words words\n" * (MAX_STRING_CHARS // 12 + 1) + '"""\n'
    error = refusal(written(tmp_path, text))
    assert error.key == "description"
    assert error.reason.endswith(f"characters; at most {MAX_STRING_CHARS}")


def test_a_huge_array_is_refused(tmp_path: Path) -> None:
    text = "values = [\n" + "1,\n" * (MAX_ITEMS + 1) + "]\n"
    error = refusal(written(tmp_path, text))
    assert (error.key, error.reason) == (
        "values",
        f"holds {MAX_ITEMS + 1} items; at most {MAX_ITEMS} are read",
    )
