"""Fixtures that fly the real `flightsw` and `ground` processes on free loopback ports, stepped."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flying import LEO, LIGHT_TIME_S

from ground.cli.launcher import Mission, launch


@pytest.fixture
def mission(tmp_path: Path) -> Iterator[Mission]:
    """Both processes for the small LEO satellite, stopped after the test whatever happens."""
    flying = launch(LEO, tmp_path, "test", clock="stepped", light_time_s=LIGHT_TIME_S)
    try:
        yield flying
    finally:
        flying.stop()
