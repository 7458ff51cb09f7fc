"""The `mission` command (`mission.main`): run both processes, attach a console, replay, export,
plot, script; the launcher that starts both processes on free ports and stops them again, in
order, once `check_config` has read the whole mission config; and `mission run`'s watch over
them (signals, restarts, one session per run)."""

from ground.cli.launcher import Mission, free_ports, launch
from ground.process import check_config

__all__ = ["Mission", "check_config", "free_ports", "launch"]
