"""What the integration tests fly: the small LEO satellite, with a fixed one-way light time."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LEO = ROOT / "configs" / "leo_smallsat.toml"
LIGHT_TIME_S = 1.25  # long enough that a round trip spans several ticks
