"""The sim port asked without waiting: replies stay with their requests, whatever their order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import zmq

from flightsw.icd import simport
from ground.process.simlink import SimLink

ENDPOINT = "inproc://sim-port"


@pytest.fixture
def sockets() -> Iterator[tuple[zmq.Socket[Any], zmq.Socket[Any]]]:
    """A spacecraft's ROUTER and the ground's DEALER, connected in-process."""
    context: zmq.Context[Any] = zmq.Context()
    router, dealer = context.socket(zmq.ROUTER), context.socket(zmq.DEALER)
    router.bind(ENDPOINT)
    dealer.connect(ENDPOINT)
    yield router, dealer
    router.close(linger=0)
    dealer.close(linger=0)
    context.term()


def answer(router: zmq.Socket[Any], reply: simport.SimReply) -> None:
    """Answer the next request as the flight software does: every envelope frame goes back."""
    assert router.poll(5000)
    parts = router.recv_multipart()
    router.send_multipart([*parts[:-1], simport.encode(reply)])


def settle(link: SimLink, dealer: zmq.Socket[Any]) -> None:
    assert dealer.poll(5000)
    link.drain()


def test_a_reply_goes_to_its_own_request_even_when_an_earlier_one_is_never_answered(
    sockets: tuple[zmq.Socket[Any], zmq.Socket[Any]],
) -> None:
    router, dealer = sockets
    link = SimLink(dealer, ENDPOINT, timeout_s=30.0)
    stepped: list[simport.SimReply] = []
    paused: list[simport.SimReply] = []
    link.request(simport.StepRequest(10.0), stepped.append)
    assert router.poll(5000)
    router.recv_multipart()  # the spacecraft that took the step dies with it
    link.request(simport.PauseRequest(), paused.append)
    answer(router, simport.TimeReply(time_s=1.0))  # the next one answers what it was asked
    settle(link, dealer)
    assert (stepped, paused) == ([], [simport.TimeReply(time_s=1.0)])
    assert link  # the step still waits, until its deadline


def test_a_request_not_answered_in_time_is_refused_and_its_late_reply_dropped(
    sockets: tuple[zmq.Socket[Any], zmq.Socket[Any]],
) -> None:
    router, dealer = sockets
    link = SimLink(dealer, ENDPOINT, timeout_s=-1.0)  # every deadline already past
    got: list[simport.SimReply] = []
    link.request(simport.PauseRequest(), got.append)
    link.expire()
    [refusal] = got
    assert (
        isinstance(refusal, simport.Refused) and "did not answer 'pause' in time" in refusal.error
    )
    assert not link
    answer(router, simport.TimeReply(time_s=1.0))
    settle(link, dealer)
    assert len(got) == 1
