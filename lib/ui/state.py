"""The current dataset and filters of a session, and the cached loads behind them."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import streamlit as st

from lib.facts.base import Scope
from lib.sources import Dataset
from lib.sources.embedded import load_flights

DATASET_KEY = "dataset_id"
DATASETS_KEY = "datasets"
FILTERS_KEY = "filters"


@st.cache_resource(show_spinner="Загружаю встроенный набор данных…")
def embedded_dataset() -> Dataset:
    """Loaded once per process and shared by all sessions (read-only)."""
    return load_flights()


def register_dataset(dataset: Dataset) -> None:
    """Keep `dataset` in this session and make it current; filters of the previous dataset are dropped."""
    st.session_state.setdefault(DATASETS_KEY, {})[dataset.id] = dataset
    if st.session_state.get(DATASET_KEY) != dataset.id:
        st.session_state[FILTERS_KEY] = {}
    st.session_state[DATASET_KEY] = dataset.id


def session_datasets() -> dict[str, Dataset]:
    embedded = embedded_dataset()
    return {embedded.id: embedded, **st.session_state.get(DATASETS_KEY, {})}


def current_dataset() -> Dataset:
    datasets = session_datasets()
    return datasets.get(st.session_state.get(DATASET_KEY, ""), embedded_dataset())


def active_filters() -> dict[str, Any]:
    return dict(st.session_state.get(FILTERS_KEY, {}))


def set_filters(filters: dict[str, Any]) -> None:
    st.session_state[FILTERS_KEY] = dict(filters)


@st.cache_resource(max_entries=8, show_spinner=False)
def _filtered(_frame: pd.DataFrame, dataset_id: str, filters_json: str) -> pd.DataFrame:
    from lib.filters import apply_filters

    return apply_filters(_frame, json.loads(filters_json))


def current_scope() -> Scope:
    dataset = current_dataset()
    return Scope.of(dataset.id, dataset.name, active_filters())


def current_frame() -> pd.DataFrame:
    """The current dataset after the global filters (shared, read-only)."""
    dataset = current_dataset()
    scope = current_scope()
    if scope.filters_json == "{}":
        return dataset.frame
    return _filtered(dataset.frame, dataset.id, scope.filters_json)
