"""Fuzzing the spacecraft's uplink path: any message, from raw parts through dispatch, is a
telecommand handled (TM[1,x]) or a refused frame counted; nothing escapes into the tick."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fakes import CollectingDownlink, CounterModel
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import msgpack_values

from flightsw.clock import SteppedClock
from flightsw.errors import FrameError
from flightsw.executive.actors.bus import SoftwareBus
from flightsw.executive.dispatcher import Dispatcher
from flightsw.executive.executive import Executive
from flightsw.executive.supervisor import Supervisor
from flightsw.icd import ARRIVAL, REFUSAL_SUMMARY_INTERVAL_S, EventReport, encode_tc
from flightsw.icd.codec import ENCODER
from flightsw.icd.envelope import open_envelope

APIDS = {"executive": 1, "counter": 16}
SERVICES = [(17, 1), (8, 1), (3, 31), (20, 1), (11, 4), (15, 9), (42, 7)]


@pytest.fixture
def flight() -> Iterator[tuple[Executive, Any]]:
    bus = SoftwareBus.start()
    supervisor = Supervisor(bus, 1.0)
    supervisor.start(CounterModel(), APIDS["counter"], hk_period_s=5.0)
    downlink = CollectingDownlink.start()
    dispatcher = Dispatcher(APIDS, supervisor, APIDS["executive"])
    executive = Executive(
        SteppedClock(), 1.0, supervisor, dispatcher, bus, downlink, APIDS["executive"]
    )
    yield executive, downlink
    supervisor.stop_all()
    for actor in (bus, downlink):
        actor.stop()


@st.composite
def telecommands(draw: st.DrawFn) -> bytes:
    """A telecommand with a good CRC, of any service, with any body: attacks the body checks."""
    service, subtype = draw(st.sampled_from(SERVICES))
    body = draw(st.one_of(st.binary(max_size=40), msgpack_values.map(ENCODER.encode)))
    return encode_tc(draw(st.sampled_from([1, 16, 99])), draw(st.integers(0, 16383)),
                     service, subtype, body, ack_flags=draw(st.integers(0, 15)))  # fmt: skip


@st.composite
def damaged(draw: st.DrawFn) -> bytes:
    """A telecommand with bits flipped, cut short or grown."""
    frame = bytearray(draw(telecommands()))
    for index in draw(st.lists(st.integers(0, len(frame) - 1), max_size=3)):
        frame[index] ^= draw(st.integers(1, 255))
    return bytes(frame[: draw(st.integers(0, len(frame) + 2))])


frames = st.one_of(telecommands(), damaged(), st.binary(max_size=80))
arrivals = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(ARRIVAL.pack), st.binary(max_size=9)
)
messages = st.one_of(
    frames.map(lambda frame: [frame]),
    st.tuples(arrivals, frames).map(list),
    st.lists(st.binary(max_size=16), min_size=0, max_size=4),
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batch=st.lists(messages, min_size=1, max_size=8))
def test_any_uplink_message_is_handled_or_refused_and_counted_never_raised(
    flight: tuple[Executive, Any], batch: list[list[bytes]]
) -> None:
    executive, downlink = flight
    dispatcher = executive.dispatcher

    def tally() -> int:
        """Every message taken in is refused, handled (TM[1,x]) or still waiting to arrive."""
        refused = sum(dispatcher.frames_refused.values())
        return refused + dispatcher.completed + dispatcher.failed + executive.uplink_queued

    before = tally()
    for parts in batch:  # as the process' uplink drain does
        try:
            arrival_s, frame = open_envelope(parts)
        except FrameError as error:
            executive.refuse(error)
            continue
        executive.receive(frame, arrival_s)
    executive.run_until(executive.time_s + 1.0)
    assert tally() - before == len(batch)
    # Refusal events stay bounded: one per reason per window, not one per frame.
    packets = downlink.ask("packets", timeout=5)
    names = [p.message.name for p in packets if isinstance(p.message, EventReport)]
    windows = executive.time_s / REFUSAL_SUMMARY_INTERVAL_S + 2
    assert names.count("tc_frame_refused") <= windows * len(dispatcher.frames_refused)
    assert names.count("tc_frame_refusals") <= windows
