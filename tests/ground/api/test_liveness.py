"""Whether a ground is there: its process running (a zombie is not), its port listening."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from ground.api.client import GroundClient
from ground.api.liveness import endpoint_watch, listening, process_alive
from ground.api.requests import GetStatus
from ground.errors import GroundGone


def test_a_running_process_is_alive_and_an_exited_one_is_not() -> None:
    assert process_alive(os.getpid())
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    # Exited but not yet reaped: a zombie, which is no longer running.
    os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)
    assert not process_alive(child.pid)
    child.wait()
    assert not process_alive(child.pid)


def test_a_port_listens_while_a_socket_is_bound_there() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        assert listening(f"tcp://127.0.0.1:{port}") is True
        assert listening(f"tcp://localhost:{port}") is True
    assert listening(f"tcp://127.0.0.1:{port}") is False
    assert listening("ipc:///tmp/ground.sock") is None  # not one this probe can judge


def free_port() -> int:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        return int(holder.getsockname()[1])


def test_a_client_watching_a_ground_that_is_not_there_refuses_at_once() -> None:
    endpoint = f"tcp://127.0.0.1:{free_port()}"
    client = GroundClient(endpoint, timeout_s=600.0, watch=endpoint_watch(endpoint))
    with client, pytest.raises(GroundGone, match="nothing listens on the ground's control socket"):
        client.call(GetStatus())


def test_a_wait_for_a_reply_ends_when_the_watch_finds_the_ground_gone() -> None:
    with socket.socket() as silent:  # accepts, never answers: a ground that hangs, then goes
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        looks = iter([None, None, "the ground went"])
        endpoint = f"tcp://127.0.0.1:{silent.getsockname()[1]}"
        client = GroundClient(endpoint, timeout_s=600.0, watch=lambda: next(looks))
        # Only the watch raises GroundGone; a time-out would be a ClientError after 600 s.
        with client, pytest.raises(GroundGone, match="the ground went"):
            client.call(GetStatus())
