import datetime as dt

import streamlit as st

from lib.charts.compare import compare_chart
from lib.facts.compare import AGGREGATIONS, MODES, PERIODS, ROWS_MEASURE, compare_facts
from lib.facts.groups import dimension_label
from lib.ui.analysis import dataset_choices, page_defaults, page_header, stop_if_empty
from lib.ui.compare import compare_table, comparison_choices, comparison_defaults, side_texts, significance_caption
from lib.ui.facts import facts_for
from lib.ui.narrative import narrative_panel
from lib.ui.safe import literal
from lib.ui.tables import show_table

page_header("Сравнение")
choices = comparison_choices()
if not choices.date_columns and not choices.segments:
    st.info("Сравнивать не по чему: в наборе нет ни столбца с датами, ни категории с несколькими значениями. "
            "Откройте другой набор на странице «Данные».")
    st.stop()
page_defaults("compare", **comparison_defaults(choices, dataset_choices()))

modes = list(MODES) if choices.date_columns else ["segments"]
if not choices.segments:
    modes.remove("segments")
if not choices.date_columns:
    st.caption("В наборе нет столбца с датами, поэтому доступно только сравнение двух значений категории.")
mode = st.radio("Что сравнить", modes, format_func=lambda m: MODES[m], horizontal=True, key="compare_mode")

options: dict[str, object] = {"mode": mode}
if mode == "segments":
    left, middle, right = st.columns(3)
    column = left.selectbox("Столбец", list(choices.segments), key="compare_segment_column")
    values = choices.segments[column]
    first = middle.selectbox("Сторона А", values, index=0, key=f"compare_a_{column}")
    second = right.selectbox("Сторона Б", values, index=min(1, len(values) - 1), key=f"compare_b_{column}")
    options.update(segment_column=column, segments=(first, second))
else:
    left, right = st.columns(2)
    date_column = left.selectbox("Дата", choices.date_columns, key="compare_date")
    options["date_column"] = date_column
    if mode == "ranges":
        first_day, last_day = (dt.date.fromisoformat(d) for d in choices.date_spans[date_column])
        a_from, a_to, b_from, b_to = (dt.date.fromisoformat(d) for d in choices.default_ranges[date_column])
        range_a = st.date_input("Диапазон А", (a_from, a_to), first_day, last_day, format="DD.MM.YYYY",
                                key=f"compare_range_a_{date_column}")
        range_b = st.date_input("Диапазон Б", (b_from, b_to), first_day, last_day, format="DD.MM.YYYY",
                                key=f"compare_range_b_{date_column}")
        if len(range_a) != 2 or len(range_b) != 2:
            st.info("Выберите начало и конец обоих диапазонов.")
            st.stop()
        options["ranges"] = tuple(d.isoformat() for d in (*range_a, *range_b))
    else:
        options["period"] = right.selectbox("Период", list(PERIODS), format_func=lambda p: PERIODS[p],
                                           key="compare_period")

left, middle, right = st.columns(3)
measure = left.selectbox("Показатель", [None, *choices.measures], key="compare_measure", placeholder=ROWS_MEASURE,
                         format_func=lambda m: ROWS_MEASURE if m is None else m)
aggregations = ["count"] if measure is None else ["mean", "sum", "median", "share", "count"]
aggregation = middle.selectbox("Агрегат", aggregations, format_func=lambda a: AGGREGATIONS[a],
                               key="compare_aggregation" if measure is not None else "compare_aggregation_rows")
dimension = right.selectbox("Объяснить изменение по", [None, *choices.dimensions], key="compare_dimension",
                            placeholder="не раскладывать",
                            format_func=lambda d: "не раскладывать" if d is None else dimension_label(d))
options.update(measure=measure, aggregation=aggregation, dimension=dimension)

facts = facts_for(compare_facts, **options)
stop_if_empty(facts, "Фильтры не оставили ни одной строки.")
if not facts.comparable:
    st.info(literal(facts.notice or "Сравнивать не с чем."))
    st.stop()
assert facts.a is not None and facts.b is not None

summary = st.container()
value_a, value_b, change = side_texts(facts)
first_metric, second_metric = st.columns(2)
first_metric.metric(literal(facts.a.label), value_a)
second_metric.metric(literal(facts.b.label), value_b, delta=change or None)
if (significance := significance_caption(facts)) is not None:
    st.caption(significance)
partial = [side.label for side in (facts.a, facts.b) if side.partial]
if partial:
    st.caption(f"Неполные периоды: {literal(', '.join(partial))} — данные охватывают их не целиком.")
if facts.skipped_partial:
    st.caption(f"Последний период «{literal(facts.skipped_partial)}» неполный, поэтому сравниваются "
               "последние полные периоды.")

st.plotly_chart(compare_chart(facts), width="stretch")
if facts.dimension and len(facts.groups) == 1:
    st.info(f"В «{literal(dimension_label(facts.dimension))}» на обеих сторонах одно значение: разложение "
            "изменения по нему ничего не объясняет. Выберите другой столбец.")
elif facts.dimension:
    st.subheader("Все группы")
    show_table(compare_table(facts))
    if facts.aggregation == "median":
        st.caption("Медиана не складывается из групп, поэтому вклад групп в изменение не считается.")
    elif facts.rate is not None:
        st.caption("Изменение среднего раскладывается на эффект значений (как изменились значения внутри групп) "
                   "и эффект структуры (как изменились доли групп); вместе они дают изменение точно.")

narrative_panel(facts, into=summary)
