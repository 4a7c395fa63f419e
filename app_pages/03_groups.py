import streamlit as st

from lib.charts.groups import group_bar_chart, group_heatmap
from lib.facts.groups import (
    AGGREGATIONS,
    MIN_VALUES_FOR_AVERAGES,
    ROW_AGGREGATIONS,
    ROWS_MEASURE,
    dimension_label,
    group_facts,
)
from lib.fmt import fmt_int
from lib.ui.analysis import (
    dataset_choices,
    gap_caption,
    group_table,
    group_value,
    page_defaults,
    page_header,
    stop_if_empty,
)
from lib.ui.facts import facts_for
from lib.ui.narrative import narrative_panel
from lib.ui.tables import show_table

page_header("Группировки")
choices = dataset_choices()
if not choices.dimensions:
    st.info("В наборе нет столбцов, по которым можно группировать (категорий или дат). "
            "Откройте другой набор на странице «Данные».")
    st.stop()

default_dimension, default_measure, default_aggregation = choices.group_defaults
page_defaults("groups", dimensions=[default_dimension], measure=default_measure,
              aggregation_rows="count", aggregation_measure=default_aggregation if default_measure else "mean")

left, middle, right = st.columns(3)
dimensions = left.multiselect("Группировать по (одно или два)", choices.dimensions, max_selections=2,
                              format_func=dimension_label, key="groups_dimensions",
                              placeholder="выберите столбец", select_all=False)
measure = middle.selectbox("Показатель", [None, *choices.measures], key="groups_measure", placeholder=ROWS_MEASURE,
                           format_func=lambda m: ROWS_MEASURE if m is None else m)
aggregations = ROW_AGGREGATIONS if measure is None else tuple(AGGREGATIONS)
aggregation = right.selectbox("Агрегат", aggregations, format_func=lambda a: AGGREGATIONS[a],
                              key="groups_aggregation_rows" if measure is None else "groups_aggregation_measure")
min_rows = st.number_input("Не меньше строк в группе (0 — по умолчанию)", min_value=0, value=0, step=1,
                           key="groups_min_rows",
                           help="Группы, где строк меньше (а для показателя — заполненных значений его), "
                                "не попадают в рейтинг лидеров и аутсайдеров и учитываются в «прочем»: "
                                "одно-два значения могут случайно оказаться первыми. По умолчанию (0) — "
                                f"{MIN_VALUES_FOR_AVERAGES} значений для среднего и медианы, 1 для прочих агрегатов.")
if not dimensions:
    st.info("Выберите хотя бы один столбец для группировки.")
    st.stop()

facts = facts_for(group_facts, dimensions=tuple(dimensions), measure=measure, aggregation=aggregation,
                  min_rows=int(min_rows))
if facts.small_groups and facts.is_empty:
    st.info(f"Во всех группах меньше {fmt_int(facts.min_rows)} {facts.size_unit}. "
            "Уменьшите порог «Не меньше строк в группе».")
    st.stop()
stop_if_empty(facts, "Ни в одной группе нет значений показателя: выберите другой показатель.")

summary = st.container()
st.plotly_chart(group_bar_chart(facts), width="stretch")
if (heatmap := group_heatmap(facts)) is not None:
    st.plotly_chart(heatmap, width="stretch")
st.caption(f"Групп: {fmt_int(facts.groups)}; по всем строкам — {group_value(facts, facts.total)}.")
if facts.outsiders:
    st.caption(gap_caption(facts))
if facts.small_groups:
    st.caption(f"Ещё групп меньше {fmt_int(facts.min_rows)} {facts.size_unit}: {fmt_int(facts.small_groups)} — "
               "они не в рейтинге, в таблице стоят в конце и учтены в «прочем».")
show_table(group_table(facts), cap=2)
if facts.groups > len(facts.table):
    st.caption(f"В таблице первые {fmt_int(len(facts.table))} групп из {fmt_int(facts.groups)}.")

narrative_panel(facts, into=summary)
