"""Attaching to a spacecraft in flight: counting from its counts, telling what came before."""

from __future__ import annotations

from types import MappingProxyType

from grounds import event, power

from flightsw.icd import Framer, Truth
from ground.process.attachment import Attachment, Backlog, Flying, Known, why_another
from tests.downlink import message

FLYING = Attachment(
    generation=1,
    time_s=100.0,
    tick_s=1.0,
    downlink_sent=8,
    truth_sent=100,
    uplink_received=3,
    generated=MappingProxyType({1: 5, 17: 3}),
)


def sent(packet: bytes) -> bytes:
    """A downlink message that begins with `packet`, as the spacecraft sends one."""
    return message(Framer(), packet)


def test_frames_from_before_count_as_they_come_and_the_lost_ones_once_the_backlog_ends() -> None:
    backlog = Backlog(FLYING, now_s=0.0)
    assert backlog.open
    # Power frames 1 and 2 waited in the spacecraft's socket; 0 and five others were lost.
    assert backlog.take(sent(power(1, 98.0)), now_s=0.1) == 1
    assert backlog.take(sent(power(2, 99.0)), now_s=0.2) == 1
    assert backlog.open
    # Frame 3 is the first the spacecraft made on the APID after the attachment.
    assert backlog.take(sent(power(3, 101.0)), now_s=0.3) == 1 + (8 - 2)
    assert not backlog.open
    assert backlog.take(sent(power(4, 102.0)), now_s=0.4) == 1


def test_a_backlog_that_stays_quiet_ends_and_counts_what_never_came() -> None:
    backlog = Backlog(FLYING, now_s=0.0)
    backlog.take(sent(power(2, 99.0)), now_s=0.5)
    assert backlog.settle(now_s=0.5 + Backlog.QUIET_S) == 0  # not quiet for long enough
    assert backlog.settle(now_s=0.6 + Backlog.QUIET_S) == 8 - 1
    assert not backlog.open


def test_a_spacecraft_that_has_sent_nothing_has_no_backlog() -> None:
    assert not Backlog(Attachment.fresh(tick_s=1.0), now_s=0.0).open


def test_what_is_not_a_telemetry_frame_neither_ends_a_backlog_nor_escapes_the_count() -> None:
    backlog = Backlog(FLYING, now_s=0.0)
    assert backlog.take(b"\xff\x00", now_s=0.1) == 1
    assert backlog.open


def test_a_truth_message_from_before_the_attachment_is_told_by_its_time() -> None:
    assert FLYING.sent_before(truth(100.0, 8))
    assert not FLYING.sent_before(truth(101.0, 9))


def test_a_spacecraft_whose_counts_and_time_went_on_is_the_same_one() -> None:
    known = Known(time_s=90.0, downlink_sent=7, generated={1: 5, 17: 2}, generation=1)
    assert why_another(known, FLYING) is None
    # A telecommand's answer stamped between ticks may be ahead of the last tick's time.
    assert why_another(Known(time_s=100.5), FLYING) is None


def test_a_spacecraft_whose_time_or_counts_went_back_is_another_one() -> None:
    assert "generation went from 2 to 1" in str(why_another(Known(0.0, generation=2), FLYING))
    assert "went back from T+500.0 s to T+100.0 s" in str(why_another(Known(500.0), FLYING))
    assert "frame count went back from 9 to 8" in str(why_another(Known(0.0, 9), FLYING))
    fewer = why_another(Known(0.0, generated={17: 4}), FLYING)
    assert fewer == "it has made 3 frames on APID 17, where 4 were known"


def truth(time_s: float, sent: int, generation: int = 1) -> Truth:
    return Truth(generation, time_s, sent, None, None, None)


def test_truth_from_before_the_attachment_is_dropped_and_after_it_taken() -> None:
    flying = Flying(FLYING)
    assert flying.suspects(truth(99.0, 7)) is None and not flying.takes(truth(99.0, 7))
    assert flying.suspects(truth(101.0, 9)) is None and flying.takes(truth(101.0, 9))


def test_truth_that_goes_back_or_comes_from_another_generation_is_a_sign() -> None:
    flying = Flying(FLYING)
    flying.takes(truth(101.0, 9))
    assert "went back from T+101.0 s to T+1.0 s" in str(flying.suspects(truth(1.0, 2)))
    assert "generation 2 where 1 flew" in str(flying.suspects(truth(102.0, 10, generation=2)))
    flying.retired.add(2)  # a reset's old spacecraft: its late truth is no sign, and not taken
    assert flying.suspects(truth(5.0, 1, generation=2)) is None
    assert not flying.takes(truth(5.0, 1, generation=2))


def test_a_first_frame_from_before_the_ground_s_clock_is_a_sign() -> None:
    flying = Flying(FLYING)
    assert flying.suspects_frame(sent(event(0, 0.0)), ground_now_s=100.0)
    assert not flying.suspects_frame(sent(event(0, 99.5)), ground_now_s=100.0)  # within a tick
    assert not flying.suspects_frame(sent(event(1, 0.0)), ground_now_s=100.0)  # not a count's start
