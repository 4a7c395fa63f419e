"""Svodka: exact statistics with pandas, narrated by a local model."""
