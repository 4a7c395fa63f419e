import streamlit as st

from lib.charts.overview import kinds_chart, missing_chart
from lib.facts.overview import overview_facts
from lib.ui.facts import facts_for
from lib.ui.narrative import narrative_panel
from lib.ui.state import current_dataset, current_frame
from lib.ui.widgets import column_table, overview_metrics

st.title("Обзор")
st.caption(current_dataset().name)

facts = facts_for(overview_facts)
if facts.is_empty:
    st.info("Фильтры не оставили ни одной строки. Ослабьте фильтры на боковой панели.")
    st.stop()

overview_metrics(facts)

left, right = st.columns([3, 2])
left.plotly_chart(missing_chart(facts), width="stretch")
right.plotly_chart(kinds_chart(facts), width="stretch")

st.subheader("Столбцы")
st.dataframe(column_table(facts), hide_index=True, width="stretch")

st.subheader("Первые 10 строк")
st.caption("Только для знакомства с данными: статистика выше посчитана по всем строкам.")
st.dataframe(current_frame().head(10), width="stretch")

narrative_panel(facts)
