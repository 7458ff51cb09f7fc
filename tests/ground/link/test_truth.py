"""Truth intake: good truth decoded, bad truth refused and counted, the log not flooded."""

from __future__ import annotations

import logging

import msgpack
import pytest

from flightsw.icd import Truth, encode_truth
from ground.link.truth import TruthIntake


def test_a_good_truth_message_is_decoded() -> None:
    truth = Truth(1, 10.0, 42, 7.0e6, True, True)
    assert TruthIntake().take(encode_truth(truth)) == truth


def test_a_flood_of_bad_truth_is_counted_and_summarised_not_logged_line_by_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    intake = TruthIntake()
    with caplog.at_level(logging.WARNING, logger="ground.link.truth"):
        for _ in range(2000):  # all at mission time 0: one window
            assert intake.take(msgpack.packb({"generation": 1, "time_s": -5.0}), 0.0) is None
        assert intake.take(b"\xc1", 1.0) is None  # no msgpack at all
        # The window closes when time has moved on past it: one summary of those held back.
        assert intake.take(encode_truth(Truth(1, 70.0, 0, None, None, None)), 70.0) is not None
    counters = intake.counters()
    assert counters["refused_by_reason"] == {"out_of_range": 2000, "not_msgpack": 1}
    assert counters["received"] == 2002
    # One line for the first refusal of each reason, one summary for the window.
    assert len(caplog.records) == 2 + 1
    assert "Truth: " in caplog.records[0].getMessage()
    assert "1999 more refused in 70 s (out_of_range 1999)" in caplog.records[-1].getMessage()
