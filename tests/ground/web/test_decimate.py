"""Min-max decimation: at most the points asked for, in time order, every run's extremes kept."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ground.api import Sample
from ground.web.decimate import decimated

values = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False)


@given(st.lists(values, min_size=1, max_size=500), st.integers(min_value=2, max_value=600))
def test_a_decimated_history_keeps_its_extremes_in_time_order(
    numbers: list[float], points: int
) -> None:
    samples = [Sample(float(index), value) for index, value in enumerate(numbers)]
    cut = decimated(samples, points)
    assert len(cut) <= points
    assert [sample.time_s for sample in cut] == sorted({sample.time_s for sample in cut})
    assert set(cut) <= set(samples)
    assert min(s.value for s in cut) == min(numbers)  # type: ignore[type-var]
    assert max(s.value for s in cut) == max(numbers)  # type: ignore[type-var]


def test_a_short_history_comes_back_whole() -> None:
    samples = [Sample(0.0, 1.0), Sample(10.0, math.nan), Sample(20.0, 3.0)]
    assert decimated(samples, 3) == samples


def test_a_run_of_text_keeps_its_first_value_and_its_first_change() -> None:
    modes = ["nadir"] * 50 + ["sun"] * 50
    samples = [Sample(float(index), mode) for index, mode in enumerate(modes)]
    cut = decimated(samples, 2)
    assert [sample.value for sample in cut] == ["nadir", "sun"]


def test_fewer_than_two_points_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 2"):
        decimated([Sample(0.0, 1.0)], 1)
