"""Plots of a run: PNG figures by subsystem (matplotlib, optional) and text charts."""

from ground.plots.figures import check_names, plot_parameters, plot_run
from ground.plots.groups import GROUPS, unit_of
from ground.plots.text import terminal_plot

__all__ = ["GROUPS", "check_names", "plot_parameters", "plot_run", "terminal_plot", "unit_of"]
