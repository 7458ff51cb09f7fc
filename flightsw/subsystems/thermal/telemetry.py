"""Thermal's housekeeping parameters, each declared once with how it is read.

Nodes and heaters come from the config, so the parameters are made per model: a temperature
per node, then three per heater, then the loop and radiators.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from flightsw.physics.constants import ZERO_CELSIUS_K
from flightsw.subsystems.telemetry import TelemetryPoint, point

if TYPE_CHECKING:
    from flightsw.subsystems.thermal.config import Heater, Node
    from flightsw.subsystems.thermal.model import ThermalModel, ThermalState

Points = tuple[TelemetryPoint["ThermalState"], ...]


def node_points(index: int, node: Node) -> Points:
    """The temperature of the node at `index` in the config."""
    return (
        point(f"{node.name}_temp_c", "degC", f"{node.name} node",
              lambda s: s.temps_k[index] - ZERO_CELSIUS_K),
    )  # fmt: skip


def heater_points(index: int, heater: Heater) -> Points:
    """Whether the heater at `index` heats, its set point and whether it is enabled."""
    name = heater.name
    return (
        point(f"{name}_heater_on", "", f"{name} heating", lambda s: s.heater_on[index], "bool"),
        point(f"{name}_set_point_c", "degC", f"{name} thermostat set point",
              lambda s: s.set_points_c[index]),
        point(f"{name}_enabled", "", f"{name} enabled", lambda s: s.heater_enabled[index], "bool"),
    )  # fmt: skip


def faults_active(state: ThermalState) -> int:
    """Injected faults active: each stuck heater, a failed pump, a radiator loss."""
    return (
        sum(1 for stuck in state.heater_stuck if stuck)
        + int(state.pump_failed)
        + int(state.radiator_loss_fraction > 0.0)
    )


def telemetry_points(m: ThermalModel) -> Points:
    """Every parameter of thermal model `m`, in report order."""
    area_m2 = float(np.sum(m.radiator_area_m2))  # before any radiator_loss
    return (
        *(p for i, node in enumerate(m.nodes) for p in node_points(i, node)),
        *(p for i, heater in enumerate(m.heaters) for p in heater_points(i, heater)),
        point("pump_on", "", "pump commanded on", lambda s: s.pump_on, "bool"),
        point("pump_running", "", "pump on, powered and not failed",
              lambda s: m.pump_running(s, s.heaters_powered), "bool"),
        point("heaters_powered", "", "power reports the thermal consumer switched on",
              lambda s: s.heaters_powered, "bool"),
        point("heater_power_w", "W", "mean heater power over the last step",
              lambda s: s.heater_power_w),
        point("pump_power_w", "W", "pump power demand", m.pump_power_w),
        point("radiated_w", "W", "power radiated to space by the radiators",
              lambda s: s.radiated_w),
        point("absorbed_w", "W", "sunlight absorbed by the radiators", lambda s: s.absorbed_w),
        point("radiator_area_m2", "m2", "working radiator area",
              lambda s: area_m2 * (1.0 - s.radiator_loss_fraction)),
        point("faults_active", "", "injected faults active (stuck heaters, pump, radiator)",
              faults_active, "int"),
    )  # fmt: skip
