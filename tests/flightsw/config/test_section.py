"""Reading a table: typed getters with ranges, and the ledger that refuses keys nobody read."""

from __future__ import annotations

import math
from typing import Any

import pytest

from flightsw.config import REQUIRED, ConfigError, Section


def section(data: dict[str, Any]) -> Section:
    return Section(data, "m.toml", "")


def refused(read: Any) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        read()
    return caught.value


def test_a_key_read_by_nobody_is_refused_with_the_closest_name() -> None:
    root = section({"clock": {"rat": 60, "tick_s": 1.0}})
    clock = root.section("clock")
    clock.float("rate", 1.0, 1e-3, 1e6)
    clock.float("tick_s", 1.0, 0.01, 60.0, "s")
    error = refused(root.refuse_unread)
    assert str(error) == "m.toml: [clock.rat] unknown key; did you mean rate?"


def test_a_key_like_nothing_read_lists_the_keys_that_are() -> None:
    root = section({"clock": {"warp": 9}})
    clock = root.section("clock")
    clock.str("mode", "realtime")
    clock.float("rate", 1.0, 1e-3, 1e6)
    error = refused(root.refuse_unread)
    assert (error.key, error.reason) == (
        "clock.warp",
        "unknown key; the keys read here: mode, rate",
    )


def test_a_misspelt_table_is_refused_at_the_top() -> None:
    root = section({"clokc": {}, "mission": {}})
    root.section("mission")
    root.section("clock", {})
    assert refused(root.refuse_unread).reason == "unknown key; did you mean clock?"


def test_a_required_table_that_is_misspelt_says_which_key_it_may_be() -> None:
    error = refused(lambda: section({"clokc": {}}).section("clock"))
    assert (error.key, error.reason) == ("clock", "is missing; is clokc a misspelling of it?")


def test_keys_in_arrays_of_tables_are_checked_each_with_its_index() -> None:
    root = section({"crew": [{"name": "A"}, {"name": "B", "mas_kg": 70}]})
    for member in root.sections("crew"):
        member.str("name")
        member.float("mass_kg", 75.0, 30, 200, "kg")
    error = refused(root.refuse_unread)
    assert (error.key, error.reason) == ("crew[1].mas_kg", "unknown key; did you mean mass_kg?")


def test_a_name_only_asked_about_is_known_for_suggestions() -> None:
    root = section({"nav": {"positon_m": [1, 2, 3]}})
    nav = root.section("nav")
    assert not nav.has("position_m")
    assert refused(root.refuse_unread).reason == "unknown key; did you mean position_m?"


def test_a_table_taken_whole_is_not_walked() -> None:
    root = section({"action": {"args": {"anything": 1}}})
    assert root.section("action").mapping("args") == {"anything": 1}
    root.refuse_unread()


def test_the_tables_another_reader_owns_can_be_left_to_it() -> None:
    root = section({"ground": {"rules": "r.toml"}, "link": {"channel": {"loss": 1}}})
    root.section("ground", {})
    root.section("link").section("channel", {})
    root.refuse_unread(skip=("ground", "link.channel"))
    assert refused(root.refuse_unread).key == "ground.rules"


def test_a_default_table_does_not_count_as_keys_of_the_file() -> None:
    root = section({})
    pump = root.section("pump", {"nodes": ["cabin"]})
    assert pump.str_list("nodes", ()) == ("cabin",)
    root.refuse_unread()


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_a_number_that_is_not_finite_is_refused_with_its_unit(bad: float) -> None:
    error = refused(lambda: section({"tick_s": bad}).float("tick_s", 1.0, 0.01, 60.0, "s"))
    assert (error.key, error.reason) == ("tick_s", f"expected a finite number in s, found {bad}")


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (0.001, "expected at least 0.01 s, found 0.001"),
        (61, "expected at most 60 s, found 61"),
        (True, "expected a number in s, found True"),
        ("1", "expected a number in s, found '1'"),
    ],
)
def test_a_number_is_held_to_its_range_and_type(value: Any, reason: str) -> None:
    error = refused(lambda: section({"tick_s": value}).float("tick_s", 1.0, 0.01, 60.0, "s"))
    assert error.reason == reason


def test_an_integer_is_held_to_its_range() -> None:
    table = section({"capacity_frames": 10**12})
    error = refused(lambda: table.int("capacity_frames", REQUIRED, 100, 10_000_000, "frames"))
    assert error.reason == f"expected at most 10000000 frames, found {10**12}"


def test_a_vector_names_the_element_out_of_range() -> None:
    table = section({"position_m": [0.0, 1e20, 0.0]})
    error = refused(lambda: table.vector("position_m", 3, REQUIRED, -1e13, 1e13, "m"))
    assert (error.key, error.reason) == ("position_m[1]", "expected at most 1e+13 m, found 1e+20")


def test_a_vector_of_the_wrong_length_is_refused() -> None:
    error = refused(lambda: section({"v": [1, 2]}).vector("v", 3, REQUIRED, -1, 1))
    assert error.reason == "expected a list of 3 numbers, found [1, 2]"


def test_a_string_is_bounded_in_length() -> None:
    error = refused(lambda: section({"name": "x" * 65}).str("name"))
    assert error.reason == "expected at most 64 characters, found 65"


def test_a_list_of_names_is_bounded_in_items_and_length() -> None:
    table = section({"modes": ["a"] * 21, "targets": ["", "power"]})
    assert (
        "at most 20 modes" in refused(lambda: table.str_list("modes", (), 20, what="modes")).reason
    )
    assert "each 1 to 64 characters" in refused(lambda: table.str_list("targets", ())).reason


def test_a_list_of_numbers_is_checked_item_by_item() -> None:
    table = section({"thresholds": [1.0, -2.0]})
    error = refused(lambda: table.float_list("thresholds", (), 0.0, 1e6, "mSv"))
    assert (error.key, error.reason) == ("thresholds[1]", "expected at least 0 mSv, found -2")


def test_a_table_of_free_names_is_bounded() -> None:
    table = section({f"load{i}": 1.0 for i in range(101)})
    assert refused(table.names).reason == "has 101 keys; at most 100"


def test_a_value_in_place_of_a_table_is_refused() -> None:
    error = refused(lambda: section({"clock": 5}).section("clock"))
    assert (error.key, error.reason) == ("clock", "expected a table, found 5")
