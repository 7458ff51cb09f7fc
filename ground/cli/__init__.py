"""The `mission` command (`mission.main`): run both processes, attach a console, replay, export,
plot, script; and the launcher that starts both processes on free ports and stops them again."""

from ground.cli.launcher import Mission, free_ports, launch

__all__ = ["Mission", "free_ports", "launch"]
