"""`mission web` refuses, before serving, what would be unsafe or cannot work, with its exit code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from flightsw.cli import EXIT_RUNTIME, EXIT_USAGE

WITHIN_S = 60.0  # a bound on failure


def web(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ground.cli.mission", "web", "--data-dir", str(tmp_path),
         "--control", "tcp://127.0.0.1:1", "--port", "0", *args],
        capture_output=True, text=True, timeout=WITHIN_S,
    )  # fmt: skip


def test_a_ground_without_keys_is_never_served_beyond_this_host(tmp_path: Path) -> None:
    refused = web(tmp_path, "--feed", "tcp://127.0.0.1:1", "--host", "0.0.0.0")
    assert refused.returncode == EXIT_USAGE
    assert "anyone who reaches this host could command the spacecraft" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_a_feed_it_cannot_follow_is_said_and_nothing_is_served(tmp_path: Path) -> None:
    lost = web(tmp_path, "--feed", "not-an-endpoint")
    assert lost.returncode == EXIT_RUNTIME
    assert "cannot follow the ground's live feed: not-an-endpoint" in lost.stderr
    assert "serving" not in lost.stdout and "Traceback" not in lost.stderr
