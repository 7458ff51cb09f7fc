"""Refusal reports under a flood: the first of each reason at once, the rest in one summary."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from flightsw.icd.reporting import RefusalReporter


def test_the_first_of_each_reason_is_reported_and_the_rest_summarised_per_window() -> None:
    reporter = RefusalReporter(interval_s=60.0)
    admitted = [reporter.admit(reason, 0.0) for reason in ["bad_crc"] * 3 + ["too_short"] * 2]
    assert admitted == [True, False, False, True, False]
    assert reporter.summary(59.0) is None  # the window is still open
    summary = reporter.summary(60.0)
    assert summary is not None
    assert summary.by_reason == (("bad_crc", 2), ("too_short", 1))
    assert summary.text() == "3 more refused in 60 s (bad_crc 2, too_short 1)"
    assert reporter.admit("bad_crc", 61.0)  # a new window: the first again in full
    assert reporter.counts == {"bad_crc": 4, "too_short": 2}


def test_a_quiet_window_closes_without_a_summary() -> None:
    reporter = RefusalReporter(interval_s=60.0)
    assert reporter.admit("bad_crc", 0.0)
    assert reporter.summary(100.0) is None
    assert reporter.admit("bad_crc", 100.0)


def test_a_clock_that_goes_back_closes_the_window() -> None:
    reporter = RefusalReporter(interval_s=60.0)
    reporter.admit("bad_crc", 500.0)
    reporter.admit("bad_crc", 500.0)
    summary = reporter.summary(0.0)  # a new spacecraft flies from mission time 0
    assert summary is not None and summary.total == 1


def test_an_octet_budget_holds_back_what_would_pass_it() -> None:
    reporter = RefusalReporter(full_per_reason=10, octets_per_window=100)
    assert [reporter.admit("bad_crc", 0.0, octets=40) for _ in range(3)] == [True, True, False]
    assert reporter.admit("too_short", 0.0, octets=20)


@given(
    st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.floats(0, 1000)), max_size=200).map(
        lambda items: sorted(items, key=lambda item: item[1])
    )
)
def test_every_refusal_is_reported_or_summarised_and_reports_stay_bounded(
    refusals: list[tuple[str, float]],
) -> None:
    reporter = RefusalReporter(full_per_reason=2, interval_s=60.0)
    summaries = []
    for reason, time_s in refusals:
        summary = reporter.summary(time_s)
        if summary is not None:
            summaries.append(summary)
        reporter.admit(reason, time_s)
    last = reporter.summary(10_000.0)
    summaries += [last] if last is not None else []
    assert reporter.reported + sum(s.total for s in summaries) == len(refusals)
    windows = len({int(t // 60) for _, t in refusals}) + 1
    assert reporter.reported <= 3 * 2 * windows  # reasons x full per reason x windows, at most
