"""Benchmarks: `make bench` (or `python -m bench`). Targets live here, never in timed tests."""
