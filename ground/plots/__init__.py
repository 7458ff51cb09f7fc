"""Plots of a run: PNG figures and text charts."""
