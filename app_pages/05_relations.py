import streamlit as st

from lib.charts.relations import METHODS, correlation_heatmap, scatter_chart
from lib.facts.relations import relation_facts
from lib.fmt import fmt_int
from lib.ui.analysis import dataset_choices, page_header, pairs_table, relations_caption, stop_if_empty
from lib.ui.facts import facts_for
from lib.ui.narrative import narrative_panel
from lib.ui.safe import literal
from lib.ui.tables import show_table

page_header("Связи")
choices = dataset_choices()
if len(choices.measures) < 2:
    st.info("Для поиска связей нужны хотя бы два числовых столбца, а в этом наборе их меньше.")
    st.stop()

left, middle, right = st.columns(3)
method = left.radio("Коэффициент", list(METHODS), format_func=METHODS.get, horizontal=True, key="relations_method")
x = middle.selectbox("Ось X", choices.measures, index=None, placeholder="самая сильная пара", key="relations_x")
y = right.selectbox("Ось Y", choices.measures, index=None, placeholder="самая сильная пара", key="relations_y")

facts = facts_for(relation_facts, x=x, y=y)
stop_if_empty(facts, "После фильтров осталось меньше двух числовых столбцов с разными значениями.")

summary = st.container()

st.plotly_chart(correlation_heatmap(facts, method), width="stretch")
if facts.skipped:
    st.caption(f"Не вошли в матрицу: {literal(', '.join(facts.skipped))} "
               "(постоянные, почти пустые или сверх 15 столбцов).")
st.subheader("Самые сильные связи")
show_table(pairs_table(facts), cap=3)
st.caption(relations_caption(facts))
if facts.chosen is not None:
    st.plotly_chart(scatter_chart(facts), width="stretch")
    if facts.chosen.sampled:
        st.caption(f"На графике случайная выборка из {fmt_int(len(facts.chosen.sample_x))} точек — только для "
                   f"рисования; коэффициенты и линия регрессии посчитаны по всем "
                   f"{fmt_int(facts.chosen.pair.rows)} строкам.")

narrative_panel(facts, into=summary)
