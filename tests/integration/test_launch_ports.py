"""A port chosen free but taken before a process binds it: the launch tries fresh ports.

Another program (or another launch on the host: a test process per core) may take a port
between the launcher choosing it and a process binding it. The test takes one on purpose.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from flying import LEO

from flightsw.icd import Endpoints
from ground.api import GetStatus
from ground.cli import launcher
from ground.cli.launcher import launch
from ground.errors import PortTaken

pytestmark = pytest.mark.integration


@pytest.fixture
def taken() -> Iterator[int]:
    """A loopback port someone else listens on."""
    holder = socket.create_server(("127.0.0.1", 0))
    try:
        yield holder.getsockname()[1]
    finally:
        holder.close()


def test_a_port_taken_meanwhile_is_replaced_by_a_free_one(
    tmp_path: Path, taken: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen: list[list[int]] = []
    free_ports = launcher.free_ports

    def first_one_taken(count: int) -> list[int]:
        ports = free_ports(count)
        chosen.append([taken, *ports[1:]] if not chosen else ports)
        return chosen[-1]

    monkeypatch.setattr(launcher, "free_ports", first_one_taken)
    flying = launch(LEO, tmp_path, "ports", clock="stepped")
    try:
        assert len(chosen) == 2 and taken not in chosen[1]
        assert flying.client.call(GetStatus()).status.mission == "leo-smallsat"
    finally:
        flying.stop()


def test_endpoints_given_are_not_changed_behind_the_callers_back(
    tmp_path: Path, taken: int
) -> None:
    ports = launcher.free_ports(6)
    with pytest.raises(PortTaken, match="Address already in use"):
        launch(LEO, tmp_path, "ports", clock="stepped",
               endpoints=Endpoints.on_ports([taken, *ports[1:]]))  # fmt: skip
