"""Svodka entry point: navigation over the pages and the shared sidebar."""

import streamlit as st

from lib.ui.export import export_panel, report_button
from lib.ui.filters import sidebar_filters
from lib.ui.narrative import model_status
from lib.ui.russian import russian_widgets
from lib.ui.sidebar import dataset_summary, dataset_switcher

st.set_page_config(page_title="Сводка", page_icon=":material/analytics:", layout="wide")
russian_widgets()

PAGES = {
    "Отчёт": [
        st.Page("app_pages/01_overview.py", title="Обзор", icon=":material/summarize:", default=True),
        st.Page("app_pages/02_columns.py", title="Столбцы", icon=":material/view_column:"),
        st.Page("app_pages/03_groups.py", title="Группировки", icon=":material/bar_chart:"),
        st.Page("app_pages/04_trends.py", title="Динамика", icon=":material/show_chart:"),
        st.Page("app_pages/04b_compare.py", title="Сравнение", icon=":material/compare_arrows:"),
        st.Page("app_pages/05_relations.py", title="Связи", icon=":material/scatter_plot:"),
        st.Page("app_pages/06_quality.py", title="Качество данных", icon=":material/fact_check:"),
    ],
    "Данные": [
        st.Page("app_pages/07_data.py", title="Данные", icon=":material/upload_file:"),
    ],
    "Модель": [
        st.Page("app_pages/08_model.py", title="Модель", icon=":material/smart_toy:"),
        st.Page("app_pages/09_journal.py", title="Журнал", icon=":material/receipt_long:"),
    ],
}

navigation = st.navigation(PAGES)
dataset_summary()
dataset_switcher()
REPORT_PATHS = {page.url_path for page in PAGES["Отчёт"]}
if navigation.url_path in REPORT_PATHS:  # filters shape the report; the data and model pages ignore them
    sidebar_filters()
    report_button(sidebar=True)
    export_panel()  # «Отчёт целиком» in the main area, above the page, while asked for
model_status()
navigation.run()
