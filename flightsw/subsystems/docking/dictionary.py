"""The docking subsystem's dictionary: its phases, config limits, commands and faults."""

from __future__ import annotations

from flightsw.icd.dictionary import ArgSpec, CommandSpec, FaultSpec

PHASES: tuple[str, ...] = ("far", "approach", "final", "contact", "captured", "hard_docked")
PHASES = (*PHASES, "undocking", "hold", "aborted")


def limits() -> dict[str, tuple[float, float, float]]:
    """Numeric config keys: (default, minimum, maximum).

    The keep-out sphere, and the contact and capture figures (assumptions):
    docs/references.md#crewed-vehicle.
    """
    return {
        "target_altitude_km": (400.0, 100.0, 100_000.0),  # used until navigation reports
        "hold_far_m": (250.0, 1.0, 1e5),  # outside the ISS 200 m keep-out sphere
        "hold_near_m": (30.0, 1.0, 1e4),
        "hold_time_s": (300.0, 0.0, 1e5),
        "transfer_time_s": (2400.0, 60.0, 1e5),  # ≈ 0.43 orbit: away from CW singularities
        "approach_speed_m_s": (0.2, 0.01, 10.0),
        "final_speed_m_s": (0.1, 0.01, 1.0),
        "max_contact_speed_m_s": (0.15, 0.0, 1.0),
        "max_alignment_deg": (5.0, 0.0, 90.0),  # assumed capture envelope of the port
        "nominal_alignment_deg": (0.5, 0.0, 90.0),
        "misalignment_rate_deg_s": (0.1, 0.001, 100.0),
        "contact_distance_m": (0.05, 0.0, 10.0),
        "contact_check_s": (0.5, 0.01, 10.0),
        "capture_time_s": (10.0, 0.0, 1e4),
        "hard_dock_time_s": (300.0, 0.0, 1e5),
        "undock_time_s": (120.0, 0.0, 1e5),
        "depart_speed_m_s": (0.1, 0.01, 10.0),
        "abort_range_m": (250.0, 1.0, 1e5),
        "retreat_speed_m_s": (0.3, 0.01, 10.0),
        "partner_timeout_s": (30.0, 0.0, 1e5),
        "guidance_period_s": (10.0, 0.1, 600.0),
    }


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("start_approach", "Start the approach from far or after an abort"),
    CommandSpec("hold", "Stop and keep station at the current range"),
    CommandSpec("resume", "Resume the approach after a hold"),
    CommandSpec("abort_approach", "Retreat along -V-bar to the abort range and hold"),
    CommandSpec("undock", "Open the latches and depart (hard docked only)", hazardous=True),
)

FAULTS: tuple[FaultSpec, ...] = (
    FaultSpec(
        "misalignment",
        "The visitor's docking axis drifts off the target port's",
        (ArgSpec("offset_deg", "float", "deg", 0.0, 90.0, default=10.0),),
    ),
    FaultSpec("partner_comms_loss", "The target stops reporting to the visitor"),
    FaultSpec("latch_failure", "The hard-dock latches do not close after capture"),
)
