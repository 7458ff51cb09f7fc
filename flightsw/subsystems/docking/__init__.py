"""Docking of a visiting vehicle."""
