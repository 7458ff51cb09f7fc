"""Fuzzing the ground's downlink path: any octets, from the antenna through ingest into a real
SQLite archive, are ingested or refused and counted; the archive of refusals stays bounded.

Packets come in good transfer frames (what a spacecraft whose software goes wrong sends), or
damaged as whole messages (what the radio or an intruder sends)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import msgpack_values

from flightsw.config import load_mission
from flightsw.executive.spacecraft import mission_dictionary
from flightsw.icd import FRAME_LENGTH, Framer, encode_tm
from flightsw.icd.codec import ENCODER
from flightsw.subsystems import build_models
from ground.api import FeedEvent, FrameRefused
from ground.archive import Archive
from ground.dictionary import Dictionary
from ground.link import Channel, LightTime
from ground.process.refused import KEPT_PER_REASON
from ground.process.service import GroundService
from ground.rules import AlarmManager, RuleEngine

LIGHT_TIME_S = 2.0
SERVICES = [(3, 25), (5, 1), (5, 4), (1, 1), (1, 2), (17, 2), (20, 2), (9, 2), (11, 10),
            (15, 13), (99, 1)]  # fmt: skip
"""Every TM service but a dump's (TM[15,16]), whose frames inside are counted as they land."""


@pytest.fixture(scope="module")
def dictionary() -> Dictionary:
    config = load_mission("leo_smallsat")
    return Dictionary.from_flight(mission_dictionary(config, build_models(config)))


@pytest.fixture
def ground(
    tmp_path: Path, dictionary: Dictionary
) -> Iterator[tuple[GroundService, list[FeedEvent]]]:
    published: list[FeedEvent] = []
    service = GroundService(
        dictionary, Archive.create(tmp_path, "fuzz"), RuleEngine([]), AlarmManager(),
        Channel(LightTime("fixed", LIGHT_TIME_S)), publish=published.append,
        uplink=lambda arrival_s, frame: None,
    )  # fmt: skip
    yield service, published
    service.archive.close()


@st.composite
def reports(draw: st.DrawFn) -> bytes:
    """A TM frame with a good CRC, of any service, with any body: attacks the body checks."""
    service, subtype = draw(st.sampled_from(SERVICES))
    body = draw(st.one_of(st.binary(max_size=40), msgpack_values.map(ENCODER.encode)))
    apid = draw(st.sampled_from([1, 16, 17, 18, 0x123]))
    time_s = draw(st.one_of(st.floats(0.0, 100.0), st.floats(0.0, 4.2e9)))
    return encode_tm(apid, draw(st.integers(0, 16383)), service, subtype, time_s, body)


@st.composite
def damaged(draw: st.DrawFn) -> bytes:
    frame = bytearray(draw(reports()))
    for index in draw(st.lists(st.integers(0, len(frame) - 1), max_size=3)):
        frame[index] ^= draw(st.integers(1, 255))
    return bytes(frame[: draw(st.integers(0, len(frame) + 2))])


@st.composite
def messages(draw: st.DrawFn) -> bytes:
    """A downlink message: packets in good frames, a damaged message, or noise."""
    packets = draw(st.lists(st.one_of(reports(), damaged()), min_size=1, max_size=4))
    good = Framer().message(packets, 0.0)
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return good
    if kind == 1:  # a few octets changed: the FECF (or the length) refuses a frame
        octets = bytearray(good)
        for index in draw(st.lists(st.integers(0, len(octets) - 1), min_size=1, max_size=3)):
            octets[index] ^= draw(st.integers(1, 255))
        return bytes(octets)
    if kind == 2:
        return good[: draw(st.integers(0, len(good) + 2))]
    return draw(st.binary(max_size=80))


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batch=st.lists(messages(), min_size=1, max_size=6))
def test_any_message_is_ingested_or_refused_and_counted_never_raised(
    ground: tuple[GroundService, list[FeedEvent]], batch: list[bytes]
) -> None:
    service, _ = ground
    before = service.status().ingest
    for message in batch:
        service.on_downlink_message(message)
    service.advance(service.now_s + LIGHT_TIME_S + 1.0)
    service.archive.flush()
    after = service.status().ingest
    frames = sum(len(m) // FRAME_LENGTH if m and len(m) % FRAME_LENGTH == 0 else 1 for m in batch)
    assert after.transfer_frames - before.transfer_frames == frames
    # Each packet taken out of a frame that landed is good or refused, and counted once.
    packets_refused = (after.refused - before.refused) - (
        after.transfer_frames_refused - before.transfer_frames_refused
    )
    assert after.frames - before.frames == (after.good - before.good) + packets_refused


def test_a_flood_of_refused_frames_archives_only_the_first_of_each_reason_per_window(
    ground: tuple[GroundService, list[FeedEvent]],
) -> None:
    service, published = ground
    rng = random.Random(7)
    for _ in range(5000):  # all at mission time 0: one refusal window
        service.on_downlink_message(bytes(rng.randrange(256) for _ in range(rng.randrange(30))))
    ingest = service.status().ingest
    assert ingest.refused == 5000
    kept = sum(min(count, KEPT_PER_REASON) for count in ingest.refused_by_reason.values())
    assert (
        ingest.refused_archived
        == kept
        == len([e for e in published if isinstance(e, FrameRefused)])
    )
    service.advance(61.0)  # the window closes: one summary of the rest
    service.archive.flush()
    (summary,) = service.archive.events()
    assert (summary.subsystem, summary.name) == ("ground", "frames_refused")
    assert sum(summary.params.values()) == 5000 - kept
