"""Propulsion's housekeeping parameters, each declared once with how it is read.

Pressures, masses and thrust follow from the state through the model's tank and thruster
configuration, so the readers are made per model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flightsw.physics.constants import KPA_PA, ZERO_CELSIUS_K
from flightsw.subsystems.propulsion.burn import burn_left_s, delta_v_m_s, mass_flow_kg_s
from flightsw.subsystems.propulsion.state import PropulsionState
from flightsw.subsystems.telemetry import TelemetryPoint, point

if TYPE_CHECKING:
    from flightsw.subsystems.propulsion.model import PropulsionModel


def faults_active(state: PropulsionState) -> int:
    """Injected faults active: a leak, a stuck or failed thruster, a failed regulator."""
    return int(
        (state.leak_kg_s > 0.0) + state.stuck_open + state.thruster_failed + state.regulator_failed
    )


def burn_remaining_s(model: PropulsionModel, state: PropulsionState) -> float:
    """Firing time left in the burn at the thrust the feed pressure gives now (0 without one)."""
    if state.burn is None:
        return 0.0
    flow_kg_s = mass_flow_kg_s(model.thrust_now_n(state), model.isp_s)
    return burn_left_s(state.burn, model.isp_s, model.mass_kg(state), flow_kg_s)


def telemetry_points(m: PropulsionModel) -> tuple[TelemetryPoint[PropulsionState], ...]:
    """Every parameter of propulsion model `m`, in report order."""
    dry_kg = m.config.dry_mass_kg
    return (
        point("propellant_kg", "kg", "propellant in the tank", lambda s: s.propellant_kg),
        point("propellant_fraction", "", "propellant over tank capacity, 0 to 1", m.fraction),
        point("tank_pressure_kpa", "kPa", "ullage (feed) pressure",
              lambda s: m.tank_pressure_pa(s) / KPA_PA),
        point("bottle_pressure_kpa", "kPa", "pressurant bottle pressure (0 for blowdown)",
              lambda s: m.bottle_pressure_now_pa(s) / KPA_PA),
        point("tank_temp_c", "degC", "tank temperature", lambda s: s.tank_temp_k - ZERO_CELSIUS_K),
        point("armed", "", "latch valve open", lambda s: s.armed, "bool"),
        point("powered", "", "power reports propulsion switched on", lambda s: s.powered, "bool"),
        point("thrusting", "", "propellant flowed through the thruster last tick",
              lambda s: s.thrust_n > 0.0, "bool"),
        point("thrust_n", "N", "thrust while firing", lambda s: s.thrust_n),
        point("mass_flow_kg_s", "kg/s", "propellant flow while firing", lambda s: s.mass_flow_kg_s),
        point("delta_v_total_m_s", "m/s", "Δv delivered since mission start",
              lambda s: s.delta_v_total_m_s),
        point("delta_v_capability_m_s", "m/s", "Δv the remaining propellant can give",
              lambda s: delta_v_m_s(m.isp_s, m.mass_kg(s), dry_kg)),
        point("spacecraft_mass_kg", "kg", "dry mass plus propellant", m.mass_kg),
        point("burn_active", "", "a commanded burn is in progress",
              lambda s: s.burn is not None, "bool"),
        point("burn_remaining_s", "s", "estimated firing time left in the burn",
              lambda s: burn_remaining_s(m, s)),
        point("burn_achieved_dv_m_s", "m/s", "Δv achieved so far in the burn",
              lambda s: s.burn.achieved_dv_m_s if s.burn is not None else 0.0),
        point("burn_count", "", "burns commanded since mission start",
              lambda s: s.burn_count, "int"),
        point("load_power_w", "W", "electrical demand", m.load_power_w),
        point("leak_rate_kg_s", "kg/s", "injected leak rate", lambda s: s.leak_kg_s),
        point("thruster_stuck_open", "", "fault active", lambda s: s.stuck_open, "bool"),
        point("thruster_failed", "", "fault active", lambda s: s.thruster_failed, "bool"),
        point("regulator_failed", "", "fault active", lambda s: s.regulator_failed, "bool"),
        point("faults_active", "", "number of injected faults active", faults_active, "int"),
    )  # fmt: skip
