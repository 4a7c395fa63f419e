"""The «Сравнение» page through streamlit_app.py with AppTest: defaults on flights, filters, segments, notices."""

from __future__ import annotations

import pandas as pd

from lib.fmt import fmt_num
from lib.sources import Dataset
from tests.test_analysis_pages import JANUARY_JFK, assert_all_numbers_checked, charts, open_page


def test_flights_default_compares_december_with_november_by_carrier(flights):
    at = open_page("04b_compare")
    assert not at.exception
    frame = flights.frame
    month = frame["time_hour"].dt.tz_localize(None).dt.month
    november = frame.loc[month == 11, "arr_delay"].mean()
    december = frame.loc[month == 12, "arr_delay"].mean()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"ноябрь 2013": fmt_num(november), "декабрь 2013": fmt_num(december)}
    titles = list(charts(at))
    assert titles == ["Среднее «arr_delay» — ноябрь 2013 и декабрь 2013, вклад групп «carrier»"]
    assert at.subheader[0].value == "Коротко о главном"  # the summary slot sits above the chart
    assert_all_numbers_checked(at)


def test_segments_under_filters_compare_the_filtered_rows(flights):
    at = open_page("04b_compare", JANUARY_JFK)
    at.radio(key="compare_mode").set_value("segments").run()
    at.selectbox(key="compare_segment_column").set_value("carrier").run()
    at.selectbox(key="compare_a_carrier").set_value("AA").run()
    at.selectbox(key="compare_b_carrier").set_value("UA").run()
    at.selectbox(key="compare_measure").set_value(None).run()
    assert not at.exception
    frame = flights.frame
    january = frame["time_hour"].dt.tz_localize(None).dt.month.eq(1) & frame["origin"].eq("JFK")
    counts = frame.loc[january, "carrier"].value_counts()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"AA": fmt_num(counts["AA"]), "UA": fmt_num(counts["UA"])}
    assert_all_numbers_checked(at)


def test_a_table_without_dates_offers_only_segments_and_says_so():
    frame = pd.DataFrame({"Регион": ["Москва", "Казань"] * 20, "Выручка, руб.": [float(i) for i in range(40)],
                          "Канал": ["сайт", "магазин", "сайт", "магазин"] * 10})
    dataset = Dataset(id="upload:regions", name="Продажи по регионам", frame=frame, source="upload")
    at = open_page("04b_compare", dataset=dataset)
    assert not at.exception
    assert [o for o in at.radio(key="compare_mode").options] == ["два значения категории"]
    assert any("нет столбца с датами" in c.value for c in at.caption)
    at.selectbox(key="compare_a_Регион").set_value("Казань").run()
    at.selectbox(key="compare_b_Регион").set_value("Казань").run()
    assert any("одинаковы" in i.value for i in at.info)


def test_two_date_ranges_on_the_page_compare_the_halves_of_the_year(flights):
    at = open_page("04b_compare")
    at.radio(key="compare_mode").set_value("ranges").run()
    assert not at.exception
    frame = flights.frame
    day = frame["time_hour"].dt.tz_localize(None).dt.normalize()
    first, last = day.min(), day.max()
    middle = first + (last - first) / 2
    a = frame.loc[day <= middle, "arr_delay"].mean()
    b = frame.loc[day > middle, "arr_delay"].mean()
    metrics = {m.label: m.value for m in at.metric}
    assert list(metrics.values()) == [fmt_num(a), fmt_num(b)]
    assert_all_numbers_checked(at)


def test_a_dimension_the_filters_leave_with_one_value_says_it_explains_nothing():
    """The dimension is offered from the whole table; a filter to one carrier leaves it one group."""
    at = open_page("04b_compare", {"categories": {"carrier": ["UA"]}})
    assert not at.exception
    assert at.selectbox(key="compare_dimension").value == "carrier"
    assert any("одно значение" in i.value for i in at.info)
