"""The payload's instruments as configured: modes, power and data rate per mode, limiter.

Keys of `[[subsystems.payload.instruments]]`:

    name = "camera"
    mass_kg = 2.5
    modes = ["off", "standby", "science"]   # "off" is added first if missing
    power_w = { standby = 2.0, science = 8.0 }          # per mode; unlisted modes draw 0
    data_rate_bps = { science = 1.0e6 }                 # per mode; unlisted modes make none
    max_power_w = 9.6                # current-limiter setting; default 1.2 × the largest mode
    initial_mode = "off"

Without `instruments`, the two instruments of DEFAULT_INSTRUMENTS fly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flightsw.config.ledger import suggest
from flightsw.config.section import Section

OFF = "off"  # the mode of a switched-off (or unpowered) instrument, first in every list
LIMIT_MARGIN = 1.2  # default limiter setting above the hungriest mode: a typical fuse margin
MAX_INSTRUMENTS = 50  # each adds its points to every housekeeping report

DEFAULT_INSTRUMENTS: list[dict[str, Any]] = [
    {
        "name": "camera",
        "mass_kg": 2.5,
        "modes": [OFF, "standby", "science"],
        "power_w": {"standby": 2.0, "science": 8.0},
        "data_rate_bps": {"science": 1.0e6},
    },
    {
        "name": "radiometer",
        "mass_kg": 1.0,
        "modes": [OFF, "standby", "science"],
        "power_w": {"standby": 0.5, "science": 3.0},
        "data_rate_bps": {"science": 2.0e4},
    },
]


@dataclass(frozen=True, slots=True)
class Instrument:
    """One instrument as configured."""

    name: str
    mass_kg: float
    modes: tuple[str, ...]  # "off" first
    power_w: tuple[float, ...]  # per mode
    data_rate_bps: tuple[float, ...]  # per mode
    max_power_w: float
    initial_mode: str

    @property
    def boot_mode(self) -> str:
        return self.modes[1]  # the first mode after "off", which always comes first

    def mode_power_w(self, mode: str) -> float:
        return self.power_w[self.modes.index(mode)]

    def mode_rate_bps(self, mode: str) -> float:
        return self.data_rate_bps[self.modes.index(mode)]


def _per_mode(table: Section, key: str, modes: tuple[str, ...], unit: str) -> tuple[float, ...]:
    """A `{mode = value}` table as one value per mode (0 for modes it does not list)."""
    values = table.section(key, {})
    for mode in values.names():
        if mode not in modes:
            raise values.error(mode, f"no mode {mode!r}; {suggest(mode, modes, 'modes')}")
    got = [values.float(mode, 0.0, 0.0, 1e9, unit) for mode in modes]
    if got[0] != 0.0:
        raise values.error(OFF, "mode off is unpowered: it can draw no power and make no data")
    return tuple(got)


def read_instrument(table: Section) -> Instrument:
    """One `[[subsystems.payload.instruments]]` table, checked."""
    name = table.str("name")
    listed = table.str_list("modes", (OFF, "standby", "science"), max_items=20, what="mode names")
    if not listed:
        raise table.error("modes", "expected a non-empty list of mode names")
    modes = (OFF, *dict.fromkeys(m for m in listed if m != OFF))
    if len(modes) < 2:
        raise table.error("modes", "give at least one mode besides off to power on into")
    power_w = _per_mode(table, "power_w", modes, "W")
    default_limit_w = LIMIT_MARGIN * max(power_w)
    return Instrument(
        name=name,
        mass_kg=table.float("mass_kg", 0.0, 0.0, 1e5, "kg"),
        modes=modes,
        power_w=power_w,
        data_rate_bps=_per_mode(table, "data_rate_bps", modes, "bit/s"),
        max_power_w=table.float("max_power_w", default_limit_w, 0.0, 1e9, "W"),
        initial_mode=table.str("initial_mode", OFF, modes),
    )
