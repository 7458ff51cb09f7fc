"""The payload's housekeeping parameters, each declared once with how it is read.

Instruments come from the config, so the parameters are made per model: four per instrument,
then the payload as a whole.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flightsw.subsystems.payload.config import OFF
from flightsw.subsystems.payload.state import BITS_PER_MB, STATUSES, PayloadState
from flightsw.subsystems.telemetry import TelemetryPoint, point

if TYPE_CHECKING:
    from flightsw.subsystems.payload.model import PayloadModel

Points = tuple[TelemetryPoint[PayloadState], ...]


def instrument_points(index: int, name: str) -> Points:
    """Mode, power, status and stored data of the instrument at `index` in the config."""
    return (
        point(f"{name}_mode", "", f"{name} mode (off while unpowered)",
              lambda s: s.instruments[index].mode if s.bus_powered else OFF, "str"),
        point(f"{name}_power_w", "W", f"power drawn by {name}",
              lambda s: s.instruments[index].power_w),
        point(f"{name}_status", "", f"{name}: {', '.join(STATUSES)}",
              lambda s: s.instruments[index].status, "str"),
        point(f"{name}_data_mb", "MB", f"{name} data in the mass memory",
              lambda s: s.instruments[index].stored_bits / BITS_PER_MB),
    )  # fmt: skip


def faults_active(state: PayloadState) -> int:
    """Injected faults active: each instrument drawing extra power, and each one hung."""
    return sum((s.extra_w > 0.0) + (s.status == "hung") for s in state.instruments)


def telemetry_points(m: PayloadModel) -> Points:
    """Every parameter of payload model `m`, in report order."""
    mass_kg = sum(inst.mass_kg for inst in m.instruments)
    capacity_bits = m.storage_capacity_bits
    return (
        *(p for i, inst in enumerate(m.instruments) for p in instrument_points(i, inst.name)),
        point("payload_powered", "", "payload switch on in power.status",
              lambda s: s.bus_powered, "bool"),
        point("total_power_w", "W", "power drawn by all instruments",
              lambda s: sum(i.power_w for i in s.instruments)),
        point("payload_mass_kg", "kg", "mass of all instruments", lambda s: mass_kg),
        point("storage_used_mb", "MB", "science data in the mass memory",
              lambda s: s.stored_bits / BITS_PER_MB),
        point("storage_fraction", "", "mass memory used, 0 to 1",
              lambda s: s.stored_bits / capacity_bits),
        point("data_produced_mb", "MB", "science data produced since launch",
              lambda s: sum(i.produced_bits for i in s.instruments) / BITS_PER_MB),
        point("faults_active", "", "injected faults active", faults_active, "int"),
    )  # fmt: skip
