"""Fault detection, isolation and recovery."""
