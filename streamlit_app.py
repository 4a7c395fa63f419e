"""Svodka entry point: navigation over the pages and the shared sidebar."""

import streamlit as st

from lib.ui.narrative import model_status
from lib.ui.sidebar import dataset_summary, dataset_switcher

st.set_page_config(page_title="Сводка", page_icon="📊", layout="wide")

PAGES = {
    "Отчёт": [
        st.Page("pages/01_overview.py", title="Обзор", icon="📋", default=True),
    ],
    "Модель": [
        st.Page("pages/08_model.py", title="Модель", icon="🤖"),
        st.Page("pages/09_journal.py", title="Журнал", icon="🧾"),
    ],
}

navigation = st.navigation(PAGES)
dataset_summary()
dataset_switcher()
model_status()
navigation.run()
