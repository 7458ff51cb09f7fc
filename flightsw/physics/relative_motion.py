"""Clohessy–Wiltshire relative motion: the closed-form state transition matrix and targeting."""

from __future__ import annotations

import math

import numpy as np

from flightsw.physics.constants import EARTH_GM_M3_S2


def cw_stm(n_rad_s: float, t_s: float) -> np.ndarray:
    """The CW state transition matrix (6, 6) over `t_s` for state [x, y, z, vx, vy, vz]."""
    nt, s, c, n = n_rad_s * t_s, math.sin(n_rad_s * t_s), math.cos(n_rad_s * t_s), n_rad_s
    return np.array(
        [
            [4 - 3 * c, 0, 0, s / n, 2 * (1 - c) / n, 0],
            [6 * (s - nt), 1, 0, -2 * (1 - c) / n, (4 * s - 3 * nt) / n, 0],
            [0, 0, c, 0, 0, s / n],
            [3 * n * s, 0, 0, c, 2 * s, 0],
            [-6 * n * (1 - c), 0, 0, -2 * s, 4 * c - 3, 0],
            [0, 0, -n * s, 0, 0, c],
        ]
    )


def cw_propagate(state6: np.ndarray, n_rad_s: float, t_s: float) -> np.ndarray:
    """The relative state (6,) `t_s` seconds after `state6` (6,), coasting."""
    result: np.ndarray = cw_stm(n_rad_s, t_s) @ state6
    return result


def cw_target_velocity(
    position_m: np.ndarray, target_m: np.ndarray, n_rad_s: float, t_s: float
) -> np.ndarray:
    """The velocity (3,) that coasts from `position_m` (3,) to `target_m` (3,) in `t_s`."""
    stm = cw_stm(n_rad_s, t_s)
    result: np.ndarray = np.linalg.solve(stm[:3, 3:], target_m - stm[:3, :3] @ position_m)
    return result


def mean_motion_rad_s(radius_m: float) -> float:
    """n = sqrt(GM/r³) of a circular Earth orbit of radius `radius_m`."""
    return math.sqrt(EARTH_GM_M3_S2 / radius_m**3)
