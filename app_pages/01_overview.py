import streamlit as st

from lib.charts.overview import kinds_chart, missing_chart
from lib.facts.overview import overview_facts
from lib.facts.shared import skipped_columns_note
from lib.ui.analysis import page_header
from lib.ui.facts import facts_for
from lib.ui.narrative import narrative_panel
from lib.ui.state import current_frame
from lib.ui.tables import show_table
from lib.ui.widgets import column_table, overview_metrics

page_header("Обзор")

facts = facts_for(overview_facts)
if facts.is_empty:
    st.info("Фильтры не оставили ни одной строки. Ослабьте фильтры на боковой панели.")
    st.stop()

summary = st.container()
overview_metrics(facts)

left, right = st.columns([3, 2])
if facts.missing_cells:
    left.plotly_chart(missing_chart(facts), width="stretch")
else:
    left.success("Пропусков нет: все ячейки заполнены.")
right.plotly_chart(kinds_chart(facts), width="stretch")

st.subheader("Столбцы")
if (note := skipped_columns_note(facts.columns, facts.skipped_columns)) is not None:
    st.caption(note)
show_table(column_table(facts))

st.subheader("Первые 10 строк")
st.caption("Только для знакомства с данными: статистика выше посчитана по всем строкам.")
show_table(current_frame().head(10))

narrative_panel(facts, into=summary)
