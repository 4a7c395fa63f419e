import streamlit as st

from lib.charts.columns import box_chart, histogram_chart, timeline_chart, top_values_chart
from lib.facts.columns import column_facts
from lib.facts.overview import KIND_LABELS
from lib.ui.analysis import (
    column_profile_table,
    dataset_choices,
    page_defaults,
    page_header,
    stop_if_empty,
    top_values_table,
)
from lib.ui.facts import facts_for
from lib.ui.narrative import narrative_panel
from lib.ui.safe import literal
from lib.ui.tables import show_table

page_header("Столбцы")
choices = dataset_choices()
if not choices.columns:
    st.info("В наборе нет столбцов. Откройте другой файл на странице «Данные».")
    st.stop()

page_defaults("columns", column=choices.default_column)
column = st.selectbox(
    "Столбец", choices.columns, key="columns_column", format_func=lambda c: f"{c} ({KIND_LABELS[choices.kinds[c]]})"
)
facts = facts_for(column_facts, column=column)
stop_if_empty(facts, f"В столбце «{literal(column)}» нет ни одного значения: все ячейки пусты.")

summary = st.container()

left, right = st.columns([2, 3])
left.subheader("Профиль")
show_table(column_profile_table(facts), into=left)
if facts.histogram:
    right.plotly_chart(histogram_chart(facts), width="stretch")
    if (box := box_chart(facts)) is not None:
        right.plotly_chart(box, width="stretch")
elif facts.timeline:
    right.plotly_chart(timeline_chart(facts), width="stretch")
else:
    right.plotly_chart(top_values_chart(facts), width="stretch")
    show_table(top_values_table(facts), into=right)
st.caption("Вся статистика посчитана по всем строкам (с учётом фильтров).")

narrative_panel(facts, into=summary)
