"""Sensor array: environmental sensors that read true values off the bus with realistic errors.

Each sensor samples one numeric field of a bus topic (its `source`, written `family.field`, or
`thermal.<node>` for a node temperature) and reports

    reading = quantise(truth + bias + drift + fault_bias + σ·k·n, resolution)

where `bias` is the configured calibration error left at launch, `drift` grows at its rate per
day since the last calibration, `k` is the noisy fault's multiplier and n ~ N(0, 1). A sensor
whose source topic is absent (no life support on an uncrewed satellite) reads NaN with status
`no_source`. `status` is the sensor's true condition as an emulator shows it: disabled,
no_source, dead, stuck, noisy, uncalibrated (|bias + drift| above the sensor's tolerance) or ok,
the first that applies.

Noise is reproducible: step k draws from `np.random.default_rng([seed, SEED_SALT, k])`, one
normal per configured sensor in order, so the same seed gives the same readings bit for bit.

`calibrate` removes the calibration error (bias and drift); an injected `bias` fault is a
hardware failure, not a calibration error, and stays until cleared. The array publishes nothing
on the bus (there is no topic type for it) and draws no modelled power.

Keys of `[subsystems.sensors]`: `[[subsystems.sensors.channels]]` with name, source, unit,
noise_sigma, bias, drift_per_day, resolution, tolerance (default 3 σ, or one resolution step
when σ is 0), enabled. Without `channels`, DEFAULT_CHANNELS fly.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, ClassVar

import numpy as np

from flightsw.config.ledger import suggest
from flightsw.config.mission_context import MissionContext
from flightsw.config.section import DOTTED_NAME_CHARS, Section
from flightsw.errors import CommandError, FaultError
from flightsw.icd.dictionary import ArgSpec, CommandSpec, FaultSpec, with_choices
from flightsw.icd.errorcodes import ErrorCode
from flightsw.physics.constants import DAY_S
from flightsw.subsystems import topics
from flightsw.subsystems.base import Outcome, Subsystem
from flightsw.subsystems.telemetry import TelemetryPoint, point

SEED_SALT = 0x5E45  # keeps this model's noise apart from other models using the same seed
# Topic families a source may name, and the status type each carries.
SOURCES: dict[str, tuple[str, type]] = {
    "thermal": (topics.THERMAL, topics.ThermalStatus),
    "power": (topics.POWER, topics.PowerStatus),
    "life_support": (topics.LIFE_SUPPORT, topics.LifeSupportStatus),
    "environment": (topics.ENVIRONMENT, topics.EnvironmentStatus),
    "propulsion": (topics.PROPULSION, topics.PropulsionStatus),
    "navigation": (topics.NAVIGATION, topics.NavigationFix),
}
DEFAULT_CHANNELS: list[dict[str, Any]] = [
    {"name": "cabin_temp_c", "source": "thermal.cabin", "unit": "degC", "noise_sigma": 0.1,
     "drift_per_day": 0.01, "resolution": 0.01},
    {"name": "avionics_temp_c", "source": "thermal.avionics", "unit": "degC",
     "noise_sigma": 0.2, "drift_per_day": 0.01, "resolution": 0.05},
    {"name": "bus_voltage_v", "source": "power.bus_voltage_v", "unit": "V", "noise_sigma": 0.02,
     "resolution": 0.01},
    {"name": "cabin_pressure_kpa", "source": "life_support.cabin_pressure_kpa", "unit": "kPa",
     "noise_sigma": 0.05, "drift_per_day": 0.005, "resolution": 0.01},
    {"name": "co2_partial_pressure_kpa", "source": "life_support.co2_partial_pressure_kpa",
     "unit": "kPa", "noise_sigma": 0.005, "drift_per_day": 0.0005, "resolution": 0.001},
    {"name": "dose_rate_usv_h", "source": "environment.dose_rate_usv_h", "unit": "uSv/h",
     "noise_sigma": 1.0, "resolution": 0.1},
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class Channel:
    """One sensor as configured."""

    name: str
    family: str  # key of SOURCES
    field: str  # attribute of the status, or the node name for thermal
    unit: str
    noise_sigma: float
    bias: float
    drift_per_day: float
    resolution: float
    tolerance: float
    enabled: bool


@dataclass(frozen=True, slots=True)
class SensorState:
    """One sensor's calibration error, faults and last reading."""

    value: float = math.nan
    enabled: bool = True
    has_source: bool = False
    bias: float = 0.0  # calibration error, removed by calibrate
    drift: float = 0.0  # grown since the last calibration
    fault_bias: float = 0.0
    stuck: bool = False
    noise_multiplier: float = 1.0  # the noisy fault when above 1
    dead: bool = False


@dataclass(frozen=True, slots=True)
class SensorArrayState:
    """Every sensor, in configuration order, and the noise draw counter."""

    sensors: tuple[SensorState, ...]
    draws: int = 0


def sensor_points(index: int, c: Channel) -> tuple[TelemetryPoint[SensorArrayState], ...]:
    """The reading and condition of the sensor at `index` in the config."""
    return (
        point(c.name, c.unit, f"{c.name} reading (NaN when unavailable)",
              lambda s: s.sensors[index].value),
        point(f"{c.name}_status", "", f"{c.name} condition",
              lambda s: _status(c, s.sensors[index]), "str"),
    )  # fmt: skip


FAULTS_ACTIVE: TelemetryPoint[SensorArrayState] = point(
    "faults_active",
    "",
    "injected sensor faults active",
    lambda state: sum(
        (s.fault_bias != 0.0) + s.stuck + (s.noise_multiplier != 1.0) + s.dead
        for s in state.sensors
    ),
    "int",
)


def _sensor_arg() -> ArgSpec:
    return ArgSpec("sensor", "str", description="a sensor named in the sensors config")


class SensorArrayModel(Subsystem[SensorArrayState]):
    """Noisy, biased, drifting and quantised readings of true values on the bus."""

    name: ClassVar[str] = "sensors"
    subscribes = tuple(topic for topic, _ in SOURCES.values())
    commands = (
        CommandSpec("calibrate", "Remove a sensor's calibration bias and drift", (_sensor_arg(),)),
        CommandSpec(
            "enable", "Enable or disable a sensor", (_sensor_arg(), ArgSpec("enabled", "bool"))
        ),
    )
    faults = (
        FaultSpec(
            "bias",
            "A sensor's zero shifts by an offset (in its own unit)",
            (_sensor_arg(), ArgSpec("offset", "float", "", -1e6, 1e6, default=1.0)),
        ),
        FaultSpec("stuck", "A sensor holds its last reading", (_sensor_arg(),)),
        FaultSpec(
            "noisy",
            "A sensor's noise grows by a factor",
            (_sensor_arg(), ArgSpec("sigma_multiplier", "float", "", 1.0, 1e6, default=10.0)),
        ),
        FaultSpec("dead", "A sensor stops answering: it reads NaN", (_sensor_arg(),)),
    )

    def __init__(self, context: MissionContext, channels: tuple[Channel, ...]) -> None:
        self.context = context
        self.channels = channels
        self.index = {c.name: i for i, c in enumerate(channels)}
        # The sensors come from the config, so the telemetry list is per instance.
        self.telemetry_points = (
            *(p for i, channel in enumerate(channels) for p in sensor_points(i, channel)),
            FAULTS_ACTIVE,
        )
        names = tuple(self.index)
        self.commands = with_choices(type(self).commands, "sensor", names)
        self.faults = with_choices(type(self).faults, "sensor", names)

    @classmethod
    def from_config(cls, section: Section, context: MissionContext) -> SensorArrayModel:
        """Read `[subsystems.sensors]` (keys in the module docstring)."""
        if section.has("channels"):
            tables = section.sections("channels")
        else:
            defaults = Section({"channels": DEFAULT_CHANNELS}, section.path, section.prefix)
            tables = defaults.sections("channels")
        channels = tuple(_channel(table) for table in tables)
        if len({c.name for c in channels}) != len(channels):
            raise section.error("channels", "sensor names must be unique")
        return cls(context, channels)

    # -- the Subsystem contract ----------------------------------------------------------------

    def initial_state(self) -> SensorArrayState:
        return SensorArrayState(
            tuple(SensorState(enabled=c.enabled, bias=c.bias) for c in self.channels)
        )

    def step(
        self, state: SensorArrayState, time_s: float, dt_s: float, inputs: Mapping[str, Any]
    ) -> Outcome[SensorArrayState]:
        rng = np.random.default_rng([self.context.seed, SEED_SALT, state.draws])
        noise = rng.standard_normal(len(self.channels))  # one per sensor, drawn every step
        sensors = tuple(
            self._sample(c, s, _truth(c, inputs), float(n), dt_s)
            for c, s, n in zip(self.channels, state.sensors, noise, strict=True)
        )
        return Outcome(SensorArrayState(sensors, state.draws + 1))

    def _sample(
        self, c: Channel, s: SensorState, truth: float | None, noise: float, dt_s: float
    ) -> SensorState:
        drift = s.drift + c.drift_per_day * dt_s / DAY_S
        s = replace(s, drift=drift, has_source=truth is not None)
        if truth is None or not s.enabled or s.dead:
            return replace(s, value=math.nan)
        if s.stuck:
            return s
        error = s.bias + drift + s.fault_bias + c.noise_sigma * s.noise_multiplier * noise
        return replace(s, value=_quantise(truth + error, c.resolution))

    def execute(
        self, state: SensorArrayState, command: str, args: Mapping[str, Any]
    ) -> Outcome[SensorArrayState]:
        if command not in ("calibrate", "enable"):
            return super().execute(state, command, args)
        i = self._index(args["sensor"], command, command=True)
        s = state.sensors[i]
        if command == "enable":
            s = replace(s, enabled=args["enabled"])
        else:
            if not s.enabled or s.dead:
                why = "is disabled; enable it" if not s.enabled else "is dead; it has no reading"
                raise CommandError(
                    ErrorCode.NOT_ALLOWED if not s.enabled else ErrorCode.EXECUTION_FAILED,
                    f"calibrate: {args['sensor']} {why}",
                )
            s = replace(s, bias=0.0, drift=0.0)
        return Outcome(_with(state, i, s))

    def inject(
        self, state: SensorArrayState, fault: str, params: Mapping[str, Any]
    ) -> SensorArrayState:
        i = self._index(params["sensor"], fault, command=False)
        s = state.sensors[i]
        if fault == "bias":
            s = replace(s, fault_bias=params["offset"])
        elif fault == "stuck":
            s = replace(s, stuck=True)
        elif fault == "noisy":
            s = replace(s, noise_multiplier=params["sigma_multiplier"])
        elif fault == "dead":
            s = replace(s, dead=True, value=math.nan)
        else:
            raise FaultError(f"sensors has no fault {fault!r}")
        return _with(state, i, s)

    def clear(self, state: SensorArrayState, fault: str) -> SensorArrayState:
        cleared: dict[str, dict[str, Any]] = {
            "bias": {"fault_bias": 0.0},
            "stuck": {"stuck": False},
            "noisy": {"noise_multiplier": 1.0},
            "dead": {"dead": False},
        }
        if fault not in cleared:
            raise FaultError(f"sensors has no fault {fault!r}")
        return replace(state, sensors=tuple(replace(s, **cleared[fault]) for s in state.sensors))

    def _index(self, name: str, what: str, command: bool) -> int:
        if name in self.index:
            return self.index[name]
        reason = f"{what}: no sensor {name!r} (sensors: {', '.join(self.index) or 'none'})"
        if command:
            raise CommandError(ErrorCode.BAD_ARGUMENT, reason)
        raise FaultError(reason)


def _with(state: SensorArrayState, i: int, s: SensorState) -> SensorArrayState:
    return replace(state, sensors=(*state.sensors[:i], s, *state.sensors[i + 1 :]))


def _truth(c: Channel, inputs: Mapping[str, Any]) -> float | None:
    """The true value a sensor measures, or None when its source is not on the bus."""
    topic, kind = SOURCES[c.family]
    status = inputs.get(topic)
    if not isinstance(status, kind):
        return None
    if isinstance(status, topics.ThermalStatus):
        return dict(status.node_temps_c).get(c.field)
    return float(getattr(status, c.field))


def _quantise(value: float, resolution: float) -> float:
    return round(value / resolution) * resolution if resolution > 0.0 else value


def _status(c: Channel, s: SensorState) -> str:
    if not s.enabled:
        return "disabled"
    if not s.has_source:
        return "no_source"
    if s.dead:
        return "dead"
    if s.stuck:
        return "stuck"
    if s.noise_multiplier != 1.0:
        return "noisy"
    if abs(s.bias + s.drift) > c.tolerance:
        return "uncalibrated"
    return "ok"


def _channel(table: Section) -> Channel:
    source = table.str("source", max_chars=DOTTED_NAME_CHARS)
    family, _, field = source.partition(".")
    if family not in SOURCES or not field:
        raise table.error(
            "source", f"expected family.field with family one of {', '.join(SOURCES)}"
        )
    if family != "thermal":
        kind = SOURCES[family][1]
        numeric = {f.name for f in dataclasses.fields(kind) if f.type in ("float", "int")}
        if field not in numeric:
            raise table.error(
                "source",
                f"{kind.__name__} has no number {field!r}; {suggest(field, numeric, 'numbers')}",
            )
    unit = table.str("unit", "")  # of the reading, and so of its noise, bias and tolerance
    sigma = table.float("noise_sigma", 0.0, 0.0, 1e6, unit)
    resolution = table.float("resolution", 0.0, 0.0, 1e6, unit)
    return Channel(
        name=table.str("name"),
        family=family,
        field=field,
        unit=unit,
        noise_sigma=sigma,
        bias=table.float("bias", 0.0, -1e6, 1e6, unit),
        drift_per_day=table.float("drift_per_day", 0.0, -1e6, 1e6, f"{unit}/day" if unit else ""),
        resolution=resolution,
        tolerance=table.float(
            "tolerance", 3.0 * sigma if sigma > 0.0 else resolution, 0.0, 1e6, unit
        ),
        enabled=table.bool("enabled", True),
    )
