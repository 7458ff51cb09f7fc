"""Shared fixtures: every actor a test starts is stopped after it, pass or fail."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pykka
import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(autouse=True)
def stop_all_actors() -> Iterator[None]:
    yield
    pykka.ActorRegistry.stop_all(timeout=10)
