"""Power state: battery charge, arrays, consumer switches and faults, and the last step's flows."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PowerState:
    """Battery, arrays, switches and faults, plus the flows of the last step."""

    charge_j: float
    nominal_capacity_j: float
    switches: tuple[tuple[str, bool], ...]  # consumer -> switched on
    array_enabled: bool = True
    array_pointing: str = "sun_tracking"
    drive_angle_rad: float = 0.0  # array drive angle from its body-fixed rest position
    capacity_loss_fraction: float = 0.0  # cell_failure
    array_fault_degradation: float = 0.0  # array_degraded
    array_stuck: bool = False
    shorts: tuple[tuple[str, float], ...] = ()  # load_short: consumer -> extra W
    demands: tuple[tuple[str, float], ...] = ()  # last demand seen per consumer, W
    solar_power_w: float = 0.0
    load_power_w: float = 0.0
    battery_power_w: float = 0.0  # at the battery terminals, positive while charging
    incidence_rad: float = 0.0
    bus_voltage_v: float = 0.0
    battery_low: bool = False
    undervoltage: bool = False

    @property
    def capacity_j(self) -> float:
        return self.nominal_capacity_j * (1.0 - self.capacity_loss_fraction)

    @property
    def soc(self) -> float:
        return self.charge_j / self.capacity_j if self.capacity_j > 0.0 else 0.0
