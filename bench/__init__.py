"""Benchmarks: run `python bench/run.py`."""
