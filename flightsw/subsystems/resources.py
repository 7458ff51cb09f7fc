"""Resource accounting: consumables on board, their use rates and the time they will last.

Four consumables are tracked from the bus: oxygen and water (`life_support.status`), propellant
(`propulsion.status`) and battery energy (`power.status` state of charge × the configured
battery capacity, since PowerStatus carries no capacity). The use rate of each is an exponential
moving average of the observed decrease, with time constant τ, seeded with the first rate
measured:

    rate ← rate + (1 − e^(−dt/τ))·(−Δstored/dt − rate)

so a rate is positive while the consumable is used, negative while it is replenished (charging,
resupply). Time remaining is stored / rate, with two sentinels:

    NOT_DEPLETING = 9999   the rate is zero or negative (or the stock would last longer)
    UNKNOWN = -1           the source is not on the bus (no life support on an uncrewed satellite)

and stored and rate are NaN while unknown. Each consumable has thresholds (days, or hours for
energy); falling below one raises an event once, re-armed when the time remaining climbs back
above REARM_FACTOR × the threshold. The lowest threshold is MEDIUM, the others LOW.

Keys of `[subsystems.resources]` (all optional):

    rate_time_constant_s = 3600.0
    battery_capacity_wh = 100.0      # keep equal to [subsystems.power] battery_capacity_wh
    [subsystems.resources.thresholds]
    o2_days = [7.0, 2.0]
    water_days = [7.0, 2.0]
    propellant_days = [30.0, 7.0]
    energy_hours = [2.0, 0.5]
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from flightsw.config.ledger import suggest
from flightsw.config.mission_context import MissionContext
from flightsw.config.section import REQUIRED, Section
from flightsw.icd.services import Severity
from flightsw.physics.constants import DAY_S, HOUR_S
from flightsw.subsystems.base import Outcome, Subsystem
from flightsw.subsystems.events import Event, event
from flightsw.subsystems.telemetry import TelemetryPoint, point
from flightsw.subsystems.topics import (
    LIFE_SUPPORT,
    POWER,
    PROPULSION,
    LifeSupportStatus,
    PowerStatus,
    PropulsionStatus,
)

NOT_DEPLETING = 9999.0
UNKNOWN = -1.0
REARM_FACTOR = 1.1  # 10 % hysteresis, so a noisy rate near a threshold raises one event
# name, unit of the stock, unit of the time remaining: fixed, so the dictionary is too.
CONSUMABLES = (
    ("o2", "kg", "days"),
    ("water", "kg", "days"),
    ("propellant", "kg", "days"),
    ("energy", "wh", "hours"),
)
RATE_UNITS = {"kg": "kg_day", "wh": "w"}
UNITS = {"kg": "kg", "wh": "Wh", "kg_day": "kg/day", "w": "W"}
DEFAULT_THRESHOLDS: dict[str, tuple[float, ...]] = {
    "o2_days": (7.0, 2.0),
    "water_days": (7.0, 2.0),
    "propellant_days": (30.0, 7.0),
    "energy_hours": (2.0, 0.5),
}


@dataclass(frozen=True, slots=True)
class Consumable:
    """How one consumable is read, scaled and reported."""

    name: str  # prefix of its housekeeping names
    stock_unit: str  # "kg" or "wh"
    horizon: str  # "days" or "hours"
    thresholds: tuple[float, ...]  # in the horizon's unit, highest first

    @property
    def horizon_s(self) -> float:
        return DAY_S if self.horizon == "days" else HOUR_S

    @property
    def rate_name(self) -> str:
        return f"{self.name}_rate_{RATE_UNITS[self.stock_unit]}"

    @property
    def rate_scale(self) -> float:
        """From stock units per second to the reported rate unit (kg/day, or Wh/h = W)."""
        return DAY_S if self.stock_unit == "kg" else HOUR_S


@dataclass(frozen=True, slots=True)
class Account:
    """One consumable's stock, estimated use rate and threshold alarms."""

    stored: float = math.nan  # kg or Wh; NaN until its source is seen
    rate_per_s: float = 0.0  # stock units per second, positive while used
    primed: bool = False  # a first rate has been measured (it seeds the average)
    below: tuple[bool, ...] = ()  # per threshold, raised and not yet re-armed


@dataclass(frozen=True, slots=True)
class ResourcesState:
    """Every account, in the order of the model's consumables."""

    accounts: tuple[Account, ...]


def rate(account: Account, scale: float) -> float:
    """The use rate in the reported unit (`scale` per stock unit per second), NaN while unknown."""
    return account.rate_per_s * scale if not math.isnan(account.stored) else math.nan


def remaining(account: Account, horizon_s: float) -> float:
    """Days (or hours) the stock lasts at its rate, or a sentinel (see the module docstring)."""
    if math.isnan(account.stored):
        return UNKNOWN
    if account.rate_per_s <= 0.0:
        return NOT_DEPLETING
    return min(account.stored / account.rate_per_s / horizon_s, NOT_DEPLETING)


def consumable_points(index: int, c: Consumable) -> tuple[TelemetryPoint[ResourcesState], ...]:
    """The stock, use rate and time left of the consumable at `index`."""
    unit, rate_unit = UNITS[c.stock_unit], UNITS[RATE_UNITS[c.stock_unit]]
    return (
        point(f"{c.name}_{c.stock_unit}", unit, f"{c.name} on board (NaN without a source)",
              lambda s: s.accounts[index].stored),
        point(c.rate_name, rate_unit, f"{c.name} use rate, moving average; negative while replenished",
              lambda s: rate(s.accounts[index], c.rate_scale)),
        point(f"{c.name}_{c.horizon}_remaining", c.horizon,
              f"{c.name} time left; {NOT_DEPLETING:g} when not depleting, -1 when unknown",
              lambda s: remaining(s.accounts[index], c.horizon_s)),
    )  # fmt: skip


WARNINGS_ACTIVE: TelemetryPoint[ResourcesState] = point(
    "warnings_active",
    "",
    "consumables below a threshold",
    lambda s: sum(any(a.below) for a in s.accounts),
    "int",
)


class ResourcesModel(Subsystem[ResourcesState]):
    """Moving-average use rates and time remaining for O2, water, propellant and energy."""

    name: ClassVar[str] = "resources"
    subscribes = (LIFE_SUPPORT, POWER, PROPULSION)

    def __init__(
        self,
        context: MissionContext,
        rate_time_constant_s: float = 3600.0,
        battery_capacity_wh: float = 100.0,
        thresholds: Mapping[str, tuple[float, ...]] | None = None,
    ) -> None:
        self.context = context
        self.tau_s = rate_time_constant_s
        self.battery_capacity_wh = battery_capacity_wh
        limits = {**DEFAULT_THRESHOLDS, **(thresholds or {})}
        self.consumables = tuple(
            Consumable(name, unit, horizon, _sorted(limits[f"{name}_{horizon}"]))
            for name, unit, horizon in CONSUMABLES
        )
        self.telemetry_points = (
            *(p for i, c in enumerate(self.consumables) for p in consumable_points(i, c)),
            WARNINGS_ACTIVE,
        )

    @classmethod
    def from_config(cls, section: Section, context: MissionContext) -> ResourcesModel:
        """Read `[subsystems.resources]` (keys in the module docstring)."""
        table = section.section("thresholds", {})
        for key in table.names():
            if key not in DEFAULT_THRESHOLDS:
                raise table.error(key, f"no such threshold; {suggest(key, DEFAULT_THRESHOLDS)}")
        thresholds = {key: _thresholds(table, key) for key in table.names()}
        return cls(
            context,
            section.float("rate_time_constant_s", 3600.0, 1.0, 1e8, "s"),
            section.float("battery_capacity_wh", 100.0, 0.001, 1e6, "Wh"),
            thresholds,
        )

    # -- the Subsystem contract ----------------------------------------------------------------

    def initial_state(self) -> ResourcesState:
        return ResourcesState(
            tuple(Account(below=(False,) * len(c.thresholds)) for c in self.consumables)
        )

    def step(
        self, state: ResourcesState, time_s: float, dt_s: float, inputs: Mapping[str, Any]
    ) -> Outcome[ResourcesState]:
        stocks = self._stocks(inputs)
        alpha = 1.0 - math.exp(-dt_s / self.tau_s) if dt_s > 0.0 else 0.0
        events: list[Event] = []
        accounts = []
        for c, old, stored in zip(self.consumables, state.accounts, stocks, strict=True):
            if stored is None:  # source gone: forget, so its return does not look like a jump
                accounts.append(Account(below=old.below))
                continue
            rate, primed = old.rate_per_s, old.primed
            if not math.isnan(old.stored) and dt_s > 0.0:
                measured = (old.stored - stored) / dt_s
                # The first measurement seeds the average, rather than a zero that would
                # overstate the time remaining for the first few τ.
                rate = rate + alpha * (measured - rate) if primed else measured
                primed = True
            new = Account(stored, rate, primed, old.below)
            new, raised = self._alarms(c, new)
            accounts.append(new)
            events.extend(raised)
        return Outcome(ResourcesState(tuple(accounts)), tuple(events))

    def _stocks(self, inputs: Mapping[str, Any]) -> tuple[float | None, ...]:
        """O2 kg, water kg, propellant kg and energy Wh on the bus (None when absent)."""
        life, power, tank = inputs.get(LIFE_SUPPORT), inputs.get(POWER), inputs.get(PROPULSION)
        return (
            life.o2_stored_kg if isinstance(life, LifeSupportStatus) else None,
            life.water_kg if isinstance(life, LifeSupportStatus) else None,
            tank.propellant_kg if isinstance(tank, PropulsionStatus) else None,
            power.battery_soc * self.battery_capacity_wh
            if isinstance(power, PowerStatus)
            else None,
        )

    def _alarms(self, c: Consumable, account: Account) -> tuple[Account, list[Event]]:
        left = remaining(account, c.horizon_s)
        events, below = [], list(account.below)
        for i, threshold in enumerate(c.thresholds):
            if not below[i] and 0.0 <= left < threshold:
                below[i] = True
                lowest = i == len(c.thresholds) - 1
                text = f"{c.name} lasts {left:.1f} {c.horizon}, below {threshold:g}"
                events.append(
                    event(
                        f"{c.name}_low",
                        Severity.MEDIUM if lowest else Severity.LOW,
                        text,
                        remaining=left,
                        threshold=threshold,
                    )
                )
            elif below[i] and (left < 0.0 or left > REARM_FACTOR * threshold):
                below[i] = False
        return replace(account, below=tuple(below)), events


def _sorted(thresholds: tuple[float, ...]) -> tuple[float, ...]:
    return tuple(sorted(thresholds, reverse=True))


def _thresholds(table: Section, key: str) -> tuple[float, ...]:
    """Warning levels in the consumable's horizon (days or hours left), each above zero.

    Below NOT_DEPLETING: a stock that is not being used reports that much time left.
    """
    unit = key.rsplit("_", 1)[1]  # o2_days: days
    values = table.float_list(key, REQUIRED, 0.0, NOT_DEPLETING, unit, max_items=10)
    if not all(v > 0 for v in values):
        raise table.error(key, "expected a list of positive numbers")
    return values
