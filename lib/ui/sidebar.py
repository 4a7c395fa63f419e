"""The sidebar shared by every page: current dataset, room for filters and the model status."""

from __future__ import annotations

import streamlit as st

from lib.fmt import fmt_count
from lib.ui.safe import literal
from lib.ui.state import current_dataset, session_datasets

SWITCHER_KEY = "sidebar_dataset"
SWITCHER_SHOWN_KEY = "sidebar_dataset_shown"  # the dataset the picker showed on the last run
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
    current = current if current in ids else ids[0]
    # a page opened another dataset since the picker was drawn: the picker follows instead of switching back
    if st.session_state.get(SWITCHER_SHOWN_KEY) != current or st.session_state.get(SWITCHER_KEY) not in ids:
        st.session_state[SWITCHER_KEY] = current
    choice = st.sidebar.selectbox("Открытые наборы", ids, format_func=lambda i: datasets[i].name, key=SWITCHER_KEY)
    st.session_state[SWITCHER_SHOWN_KEY] = choice
    if choice != current:
        register_dataset(datasets[choice])
        st.rerun()
