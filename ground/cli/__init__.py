"""The `mission` command (`mission.main`): run both processes, attach a console, replay, export,
plot, script; the launcher that starts both processes on free ports and stops them again, in
order; and `mission run`'s watch over them (signals, restarts, one session per run)."""

from ground.cli.launcher import Mission, free_ports, launch

__all__ = ["Mission", "free_ports", "launch"]
