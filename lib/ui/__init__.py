"""Streamlit widgets and cache wrappers: the only part of lib/ that imports streamlit."""
