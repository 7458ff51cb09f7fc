"""Replay of a recorded run through a fresh ground."""
