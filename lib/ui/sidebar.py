"""The sidebar shared by every page: current dataset, room for filters and the model status."""

from __future__ import annotations

import streamlit as st

from lib.fmt import fmt_count
from lib.ui.safe import literal
from lib.ui.state import current_dataset, session_datasets

SOURCE_LABELS = {"embedded": "встроенный", "upload": "загруженный файл", "kaggle": "Kaggle"}


def dataset_summary() -> None:
    dataset = current_dataset()
    st.sidebar.markdown(f"**Набор данных:** {literal(dataset.name)}")
    rows, columns = dataset.frame.shape
    st.sidebar.caption(
        f"{literal(SOURCE_LABELS.get(dataset.source, dataset.source))} · "
        f"{fmt_count(rows, 'строка', 'строки', 'строк')} × {fmt_count(columns, 'столбец', 'столбца', 'столбцов')}"
    )


def dataset_switcher() -> None:
    """Switch between the datasets opened in this session (the embedded one is always there)."""
    from lib.ui.state import DATASET_KEY, register_dataset

    datasets = session_datasets()
    if len(datasets) < 2:
        return
    ids = list(datasets)
    current = st.session_state.get(DATASET_KEY, ids[0])
    choice = st.sidebar.selectbox(
        "Открытые наборы",
        ids,
        index=ids.index(current) if current in ids else 0,
        format_func=lambda i: datasets[i].name,
        key="sidebar_dataset",
    )
    if choice != current:
        register_dataset(datasets[choice])
        st.rerun()
