import streamlit as st

from lib.charts.trends import change_chart, trend_chart
from lib.facts.trends import AGGREGATIONS, OUT_OF_RANGE_KEY, PERIODS, ROWS_MEASURE, trend_facts
from lib.fmt import fmt_int
from lib.narration.templates.trends import out_of_range_note
from lib.ui.analysis import dataset_choices, page_header, stop_if_empty, trend_caption, trend_table
from lib.ui.facts import facts_for
from lib.ui.narrative import narrative_panel
from lib.ui.safe import literal
from lib.ui.tables import show_table

page_header("Динамика")
choices = dataset_choices()
if not choices.datetimes:
    st.info("В наборе нет столбца с датами, поэтому динамику построить не по чему. "
            "Если даты записаны текстом, проверьте их формат при загрузке на странице «Данные».")
    st.stop()

columns = st.columns(4)
date_column = columns[0].selectbox("Дата", choices.datetimes, key="trends_date")
measure = columns[1].selectbox("Показатель", [None, *choices.measures], key="trends_measure", placeholder=ROWS_MEASURE,
                               format_func=lambda m: ROWS_MEASURE if m is None else m)
aggregation: str | None = "count"
if measure is not None:
    aggregation = columns[2].selectbox("Агрегат", ["mean", "sum", "median", "count"],
                                       format_func=lambda a: AGGREGATIONS[a], key="trends_aggregation")
period = columns[3].selectbox("Период", list(PERIODS), index=2, format_func=lambda p: PERIODS[p], key="trends_period")

facts = facts_for(trend_facts, date_column=date_column, measure=measure, aggregation=aggregation, period=period)
stop_if_empty(facts, f"Динамику по столбцу «{literal(date_column)}» построить не из чего: "
                     f"{literal(out_of_range_note(facts.payload()[OUT_OF_RANGE_KEY]))}."
              if facts.out_of_range_dates else f"В столбце «{literal(date_column)}» нет ни одной даты.")

summary = st.container()

st.plotly_chart(trend_chart(facts), width="stretch")
st.caption(trend_caption(facts))
if facts.partial_periods:
    st.caption(
        f"Неполные периоды: {', '.join(facts.partial_periods)} — данные или фильтр по дате охватывают их "
        "не целиком (на графике — полые точки). "
        + ("Они не входят ни в тренд, ни в сравнение наибольших и наименьших значений, ни в изменения "
           "к предыдущему периоду."
           if facts.partial_excluded else "Значения за них посчитаны по имеющимся строкам и в тренде учтены.")
    )
if facts.gaps:
    st.warning(f"Периодов без строк: {fmt_int(len(facts.gaps))} — например, {', '.join(facts.gaps[:5])}.")
if facts.out_of_range_dates:
    note = out_of_range_note(facts.payload()[OUT_OF_RANGE_KEY])
    st.warning(literal(f"{note[0].upper()}{note[1:]}."))
st.plotly_chart(change_chart(facts), width="stretch")
with st.expander("Таблица по периодам"):
    show_table(trend_table(facts), cap=2)

narrative_panel(facts, into=summary)
