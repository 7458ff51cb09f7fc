"""`attach` says what to do when it cannot find the run to attach to."""

from __future__ import annotations

from pathlib import Path

import pytest

from ground.api import GroundClient, attach
from ground.errors import ClientError


def test_attach_where_no_run_flies_says_how_to_start_one(tmp_path: Path) -> None:
    with pytest.raises(ClientError, match=r"no run flies in .* \(flying: none\); start one"):
        attach(tmp_path)
    with pytest.raises(ClientError, match=r"no run 'pass-2' flies"):
        attach(tmp_path, run="pass-2")


def test_a_client_made_without_the_feed_says_how_to_get_it() -> None:
    with GroundClient("tcp://127.0.0.1:1") as client, pytest.raises(ClientError, match="attach"):
        client.live_feed()
