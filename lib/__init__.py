"""Svodka: exact statistics with pandas, narrated by a local model."""

__version__ = "2026.12.0"  # shown on the report's cover and in `python -m lib --version`
