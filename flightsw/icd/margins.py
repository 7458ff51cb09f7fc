"""Margins both sides of the link must agree on, stated once."""

from __future__ import annotations

RELEASE_MARGIN_S = 1.0
"""A time-tagged command (TC[11,4]) must reach the schedule at least this long before its release
time; the spacecraft refuses one that does not, and the ground checks it before uplink."""

MAX_STEP_S = 30 * 86_400.0
"""The longest single step of a stepped clock the sim port takes, in mission seconds."""
