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
stop_if_empty(facts, f"В столбце «{column}» нет ни одного значения: все ячейки пусты.")

left, right = st.columns([2, 3])
left.subheader("Профиль")
left.dataframe(column_profile_table(facts), hide_index=True, width="stretch")
if facts.histogram:
    right.plotly_chart(histogram_chart(facts), width="stretch")
    if (box := box_chart(facts)) is not None:
        right.plotly_chart(box, width="stretch")
elif facts.timeline:
    right.plotly_chart(timeline_chart(facts), width="stretch")
else:
    right.plotly_chart(top_values_chart(facts), width="stretch")
    right.dataframe(top_values_table(facts), hide_index=True, width="stretch")
st.caption("Вся статистика посчитана по всем строкам (с учётом фильтров).")

narrative_panel(facts)
