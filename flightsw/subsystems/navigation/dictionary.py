"""The navigation subsystem's dictionary: its attitude modes, commands and faults."""

from __future__ import annotations

from flightsw.icd.dictionary import ArgSpec, CommandSpec, FaultSpec

ATTITUDE_MODES = ("sun", "nadir", "inertial")
MAX_DV_M_S = 1000.0  # per component of a planned correction


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec(
        "set_attitude_mode",
        "Point the solar array at the Sun, hold nadir, or hold the current inertial attitude",
        (ArgSpec("mode", "enum", choices=ATTITUDE_MODES),),
    ),
    CommandSpec(
        "plan_correction",
        "Plan a Δv: inertial components plus an along-track part",
        tuple(
            ArgSpec(n, "float", "m/s", -MAX_DV_M_S, MAX_DV_M_S, default=0.0)
            for n in ("dv_x_m_s", "dv_y_m_s", "dv_z_m_s", "along_track_m_s")
        ),
    ),
    CommandSpec("execute_correction", "Apply the planned Δv to the velocity now"),
)
FAULTS: tuple[FaultSpec, ...] = (
    FaultSpec(
        "sensor_bias",
        "Bias the reported position (the true orbit is unaffected)",
        (
            ArgSpec("bias_x_m", "float", "m", -1e7, 1e7, default=1000.0),
            ArgSpec("bias_y_m", "float", "m", -1e7, 1e7, default=0.0),
            ArgSpec("bias_z_m", "float", "m", -1e7, 1e7, default=0.0),
        ),
    ),
    FaultSpec(
        "wheel_failure",
        "Reaction wheels lost: the attitude drifts away from the Sun at a constant rate",
        (ArgSpec("drift_rate_deg_s", "float", "deg/s", 0.0, 10.0, default=0.1),),
    ),
)
