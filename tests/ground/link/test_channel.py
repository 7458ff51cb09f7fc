"""The channel model: light time, blackouts, losses, bit errors and a rate-limited transmitter."""

from __future__ import annotations

import pytest

from flightsw.errors import FrameError
from flightsw.icd.packet import decode, encode_tm
from flightsw.physics.constants import MOON_MEAN_DISTANCE_M
from ground.link.channel import Blackouts, Channel, ChannelConfig, DelayLine, LightTime

FRAME = encode_tm(17, 0, 3, 25, 10.0, b"\x80" * 100)  # 121 octets


def test_light_time_from_the_lunar_distance_is_about_1_282_s() -> None:
    # docs/references.md#orbits-and-light-time: Moon mean distance 384 400 km, one-way light time
    # ≈ 1.282 s.
    assert LightTime("range", 0.0).one_way_s(MOON_MEAN_DISTANCE_M) == pytest.approx(
        1.282, abs=0.001
    )


def test_a_fixed_light_time_ignores_the_range() -> None:
    assert LightTime("fixed", 0.25).one_way_s(MOON_MEAN_DISTANCE_M) == 0.25


def test_frames_arrive_one_light_time_after_they_were_sent() -> None:
    channel = Channel(LightTime("fixed", 1.5))
    passage = channel.down(10.0, FRAME)
    assert passage is not None and passage.due_s == 11.5 and passage.frame == FRAME


def test_a_blackout_loses_frames_in_both_directions_and_counts_them() -> None:
    channel = Channel(LightTime("fixed", 1.0), Blackouts())
    channel.blackouts.add(100.0, 200.0)
    assert channel.down(98.0, FRAME) is not None  # arrives at 99 s, before the blackout
    assert channel.down(99.5, FRAME) is None  # arrives at 100.5 s, inside it
    assert channel.up(150.0, FRAME) is None
    assert channel.down(250.0, FRAME) is not None
    assert (channel.status()["lost_down"], channel.status()["lost_up"]) == (1, 1)


def test_a_lossy_channel_loses_about_its_probability_and_repeats_with_its_seed() -> None:
    def losses(seed: int) -> list[bool]:
        channel = Channel(
            LightTime("fixed", 0.0), config=ChannelConfig(loss_probability=0.1, seed=seed)
        )
        return [channel.down(float(t), FRAME) is None for t in range(5000)]

    first = losses(7)
    assert sum(first) == pytest.approx(500, abs=70)  # 10 % of 5000, about 3 sigma
    assert losses(7) == first
    assert losses(8) != first


def test_bit_errors_corrupt_frames_so_that_the_crc_refuses_them() -> None:
    channel = Channel(LightTime("fixed", 0.0), config=ChannelConfig(bit_error_rate=1e-3, seed=1))
    refused = 0
    for t in range(1000):
        passage = channel.down(float(t), FRAME)
        assert passage is not None
        try:
            decode(passage.frame)
        except FrameError as error:
            assert error.reason in ("bad_crc", "bad_version", "length_mismatch", "no_secondary_header",
                                    "bad_sequence_flags", "bad_pus_version")  # fmt: skip
            refused += 1
    # P(frame hit) = 1 - (1 - 1e-3)^(8*121) ≈ 0.62
    assert channel.status()["corrupted_down"] == refused
    assert refused == pytest.approx(620, abs=50)


def test_a_rate_limited_transmitter_queues_frames_and_the_backlog_shows() -> None:
    channel = Channel(LightTime("fixed", 0.0), config=ChannelConfig(downlink_rate_bytes_s=121.0))
    arrivals = [channel.down(0.0, FRAME) for _ in range(5)]  # five frames at once, one per second
    assert [p.due_s for p in arrivals if p] == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert channel.status()["downlink_backlog_s"] == 5.0


def test_loss_of_signal_when_the_station_is_out_of_view() -> None:
    channel = Channel(
        LightTime("fixed", 0.0), config=ChannelConfig(require_station_visibility=True)
    )
    assert channel.update(10.0, None, station_visible=False) == "los"
    assert channel.down(10.0, FRAME) is None
    assert channel.update(20.0, None, station_visible=True) == "aos"
    assert channel.status()["last_contact_s"] == 20.0


def test_the_delay_line_releases_in_order_only_what_is_due() -> None:
    line = DelayLine()
    for due_s in (1.0, 2.0, 3.0):
        line.push(0.0, due_s, due_s)
    assert [item.payload for item in line.release(2.0)] == [1.0, 2.0]
    assert line.next_due_s() == 3.0
