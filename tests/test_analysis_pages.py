"""The five analysis pages driven through streamlit_app.py with AppTest, with global filters applied.

AppTest runs the entry script (sidebar, filters) on the first `run()`; after `switch_page` it runs the page
alone, so the filters a page sees come from the session state that the sidebar (or the test) wrote.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lib.filters import apply_filters
from lib.fmt import fmt_int, fmt_num, fmt_pct
from lib.sources import Dataset
from lib.ui.filters import widget_key
from lib.ui.safe import literal

TIMEOUT = 120
APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")
PAGES = ("02_columns", "03_groups", "04_trends", "05_relations", "06_quality")
JANUARY_JFK = {"date": {"column": "time_hour", "from": "2013-01-01", "to": "2013-01-31"},
               "categories": {"origin": ["JFK"]}}


def open_page(page: str, filters: dict | None = None, dataset: Dataset | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if dataset is not None:
        at.session_state["datasets"] = {dataset.id: dataset}
        at.session_state["dataset_id"] = dataset.id
    at.run()
    if filters is not None:
        at.session_state["filters"] = filters
    return at.switch_page(f"app_pages/{page}.py").run()


def charts(at: AppTest) -> dict[str, dict]:
    figures = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    return {figure["layout"]["title"]["text"]: figure for figure in figures}


def verdict_caption(at: AppTest) -> str:
    return next(c.value for c in at.caption if c.value.startswith("Проверено чисел"))


def assert_all_numbers_checked(at: AppTest) -> None:
    words = verdict_caption(at).split()
    checked, total = int(words[2]), int(words[4])
    assert checked == total > 0


def test_sidebar_filter_widgets_write_the_spec_and_count_rows(flights):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state[widget_key(flights.id, "category_carrier")] = ["AA", "UA"]
    at.run()
    assert not at.exception
    assert at.session_state["filters"] == {"categories": {"carrier": ["AA", "UA"]}}
    kept = int(flights.frame["carrier"].isin(["AA", "UA"]).sum())
    captions = [c.value for c in at.sidebar.caption]
    assert f"Строк после фильтров: {fmt_int(kept)} из {fmt_int(len(flights.frame))}" in captions
    assert literal("carrier: AA, UA") in captions


def test_sidebar_offers_the_date_range_and_category_filters(flights):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert [m.label for m in at.sidebar.multiselect] == ["carrier", "origin", "dest"]
    assert at.sidebar.date_input[0].label == f"Период ({literal('time_hour')})"
    assert at.sidebar.date_input[0].value == (
        flights.frame["time_hour"].min().date(), flights.frame["time_hour"].max().date())


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_filtered_flights_with_a_checked_narrative(page):
    at = open_page(page, JANUARY_JFK)
    assert not at.exception
    assert at.get("plotly_chart")
    assert f"фильтры: {literal('time_hour')}" in at.caption[0].value
    assert_all_numbers_checked(at)


@pytest.mark.parametrize("page", PAGES)
def test_filters_leaving_no_rows_show_a_russian_notice(page):
    at = open_page(page, {"categories": {"carrier": ["HA"], "origin": ["LGA"]}})  # HA flies from JFK only
    assert not at.exception
    assert any("Фильтры не оставили ни одной строки" in i.value for i in at.info)
    assert not at.get("plotly_chart")


def test_columns_page_starts_on_arrival_delay_and_profiles_filtered_rows(flights):
    at = open_page("02_columns", JANUARY_JFK)
    assert at.selectbox(key="columns_column").value == "arr_delay"
    frame = apply_filters(flights.frame, JANUARY_JFK)["arr_delay"]
    profile = dict(at.dataframe[0].value.itertuples(index=False))
    assert profile["Строк"] == fmt_int(len(frame))
    assert profile["Пропусков"] == f"{fmt_int(frame.isna().sum())} ({fmt_pct(frame.isna().mean())})"
    assert profile["Медиана"] == fmt_num(frame.median())
    specs = charts(at)
    assert sum(specs["Распределение: arr_delay"]["data"][0]["y"]) == frame.notna().sum()
    assert "Ящик с усами (правило IQR)" in specs


def test_columns_page_shows_top_values_with_the_rest(flights):
    at = open_page("02_columns")
    at.selectbox(key="columns_column").set_value("dest").run()
    bars = charts(at)["Частые значения: dest"]["data"][0]
    counts = flights.frame["dest"].astype(str).value_counts()
    drawn = dict(zip(bars["y"], bars["x"], strict=True))
    assert drawn[counts.index[0]] == counts.iloc[0]
    assert drawn["прочее"] == counts.iloc[10:].sum()


def test_groups_page_defaults_to_mean_arrival_delay_by_carrier(flights):
    at = open_page("03_groups", {"date": {"column": "time_hour", "from": "2013-01-01", "to": "2013-01-31"}})
    assert not at.exception
    january = flights.frame[flights.frame["month"] == 1]
    expected = january.groupby("carrier", observed=True)["arr_delay"].mean()
    # a mean ranks only carriers with at least 30 delays by default; the rest stay at the end of the table
    ranked = expected[january.groupby("carrier", observed=True)["arr_delay"].count() >= 30]
    table = at.dataframe[0].value
    assert list(table.columns) == ["carrier", "Среднее «arr_delay»", "Строк"]
    assert table.iloc[0]["carrier"] == ranked.idxmax()
    assert table.iloc[0]["Среднее «arr_delay»"] == pytest.approx(ranked.max())
    assert len(table) == expected.size
    bars = charts(at)["Среднее «arr_delay» по столбцу «carrier»"]["data"][0]
    # a mean of «the rest» means nothing, so the top 10 and the 3 lowest ranked carriers, a gap between them
    assert "прочее" not in bars["y"]
    lowest = ranked.sort_values().index[:3]
    assert set(lowest) <= set(bars["y"])
    assert f"… ещё {ranked.size - 13} …" in bars["y"]


def test_groups_page_counts_flights_by_origin_and_month(flights):
    at = open_page("03_groups", {"categories": {"carrier": ["UA"]}})
    at.multiselect(key="groups_dimensions").set_value(["origin", "month"])
    at.selectbox(key="groups_measure").set_value(None).run()
    assert not at.exception
    ua = flights.frame[flights.frame["carrier"] == "UA"]
    expected = ua.groupby(["origin", "month"], observed=True).size()
    table = at.dataframe[0].value
    assert len(table) == len(expected)
    assert table.iloc[0]["Число строк"] == expected.max()
    assert "Число строк по столбцам «origin» и «month»: все сочетания" in charts(at)  # the heatmap


def test_trends_page_monthly_counts_of_one_carrier(flights):
    at = open_page("04_trends", {"categories": {"carrier": ["UA"]}})
    assert not at.exception
    ua = flights.frame[flights.frame["carrier"] == "UA"]
    line = charts(at)["Число строк по месяцам"]["data"][0]
    assert line["y"] == ua["month"].value_counts().sort_index().tolist()


def test_trends_page_weekly_mean_delay():
    at = open_page("04_trends", JANUARY_JFK)
    at.selectbox(key="trends_measure").set_value("dep_delay").run()
    at.selectbox(key="trends_period").set_value("week").run()
    assert not at.exception
    assert "Среднее «dep_delay» по неделям" in charts(at)
    assert_all_numbers_checked(at)


def test_relations_page_labels_the_sample_and_uses_all_rows(flights):
    at = open_page("05_relations", JANUARY_JFK)
    at.selectbox(key="relations_x").set_value("dep_delay")
    at.selectbox(key="relations_y").set_value("arr_delay").run()
    assert not at.exception
    rows = apply_filters(flights.frame, JANUARY_JFK)[["dep_delay", "arr_delay"]].dropna()
    sample_note = next(c.value for c in at.caption if "случайная выборка" in c.value)
    assert f"по всем {fmt_int(len(rows))} строкам" in sample_note
    specs = charts(at)
    assert "Корреляции (Пирсон)" in specs
    scatter = next(f for title, f in specs.items() if title.startswith("arr_delay от dep_delay"))
    assert len(scatter["data"][0]["x"]) == 3000


def test_quality_page_on_filtered_flights(flights):
    at = open_page("06_quality", JANUARY_JFK)
    frame = apply_filters(flights.frame, JANUARY_JFK)
    metrics = {m.label: m.value for m in at.metric}
    missing = int(frame.isna().to_numpy().sum())
    assert metrics["Пустых ячеек"] == fmt_int(missing)
    assert metrics["Доля пустых"] == fmt_pct(missing / frame.size)
    alerts = at.dataframe[0].value
    constant = alerts[alerts["Проблема"] == "постоянное значение"]["Столбец"].tolist()
    pinned = {"origin"}  # constant only because the filter keeps JFK alone
    assert set(constant) == {c for c in frame.columns if frame[c].nunique() == 1} - pinned  # year and month


def test_pages_work_on_a_dataset_of_another_shape():
    frame = pd.DataFrame(
        {
            "регион": ["Север", "Юг", "Юг", "Запад", "Север", "Юг", "Запад", "Север"] * 5,
            "выручка": [float(i * 3 % 17) for i in range(40)],
            "клиентов": list(range(40)),
        }
    )
    dataset = Dataset(id="test:regions", name="Продажи по регионам", source="upload", frame=frame)
    groups = open_page("03_groups", dataset=dataset)
    assert not groups.exception
    table = groups.dataframe[0].value
    assert dict(zip(table["регион"], table["Число строк"], strict=True)) == {"Север": 15, "Юг": 15, "Запад": 10}
    trends = open_page("04_trends", dataset=dataset)
    assert any("нет столбца с датами" in i.value for i in trends.info)
    for page in ("02_columns", "05_relations"):
        at = open_page(page, dataset=dataset)
        assert not at.exception and at.get("plotly_chart"), page
        assert_all_numbers_checked(at)
    quality = open_page("06_quality", dataset=dataset)
    assert not quality.exception
    assert "Пропусков нет." in [s.value for s in quality.success]
    assert_all_numbers_checked(quality)


def test_constant_year_column_draws_no_box_and_ungrouped_years():
    at = open_page("02_columns")
    at.selectbox(key="columns_column").set_value("year").run()
    assert not at.exception
    specs = charts(at)
    assert list(specs) == ["Распределение: year"]
    assert specs["Распределение: year"]["layout"]["xaxis"]["tickformat"] == "~f"  # 2013, not «2 013»
    assert specs["Распределение: year"]["layout"]["yaxis"]["tickformat"] == ",~f"  # 336 776


def test_switching_dataset_restarts_the_pickers_from_its_defaults():
    at = open_page("03_groups")
    assert at.multiselect(key="groups_dimensions").value == ["carrier"]
    frame = pd.DataFrame({"регион": ["Север", "Юг", "Юг", "Запад"] * 5, "выручка": [float(i % 7) for i in range(20)]})
    dataset = Dataset(id="test:regions-small", name="Регионы", source="upload", frame=frame)
    at.session_state["datasets"] = {dataset.id: dataset}
    at.session_state["dataset_id"] = dataset.id
    at.run()
    assert not at.exception
    assert at.multiselect(key="groups_dimensions").value == ["регион"]
    assert at.selectbox(key="groups_measure").value is None
    table = at.dataframe[0].value
    assert dict(zip(table["регион"], table["Число строк"], strict=True)) == {"Юг": 10, "Север": 5, "Запад": 5}


def test_column_without_values_and_too_few_numbers_are_explained():
    frame = pd.DataFrame({"имя": ["а", "б", "в", "г"], "пусто": [None] * 4, "число": [1.0, 2.0, 3.0, 4.0]})
    dataset = Dataset(id="test:blank", name="Пустой столбец", source="upload", frame=frame)
    columns = open_page("02_columns", dataset=dataset)
    columns.selectbox(key="columns_column").set_value("пусто").run()
    assert not columns.exception
    assert [i.value for i in columns.info] == ["В столбце «пусто» нет ни одного значения: все ячейки пусты."]
    relations = open_page("05_relations", dataset=dataset)
    assert not relations.exception
    assert any("хотя бы два числовых столбца" in i.value for i in relations.info)


def test_all_pages_on_an_uploaded_russian_csv_with_filters():
    from lib.sources.upload import upload_dataset

    lines = ["Дата;Город;Сумма;Количество"]
    cities = ["Москва", "Казань", "Омск"]
    for i in range(60):
        day = f"{1 + i % 28:02d}.{1 + i // 28:02d}.2024"  # 28 days of January, February, then March
        lines.append(f"{day};{cities[i % 3]};{100 + i * 7 % 50},5;{1 + i % 4}")
    dataset = upload_dataset("\n".join(lines).encode("cp1251"), "продажи.csv")
    frame = dataset.frame
    filters = {"categories": {"Город": ["Москва", "Омск"]}}
    kept = frame[frame["Город"].isin(["Москва", "Омск"])]
    for page in PAGES:
        at = open_page(page, filters, dataset=dataset)
        assert not at.exception, page
        assert at.get("plotly_chart") or page == "06_quality", page  # clean data: nothing to chart there
        assert_all_numbers_checked(at)
        if page == "04_trends":
            line = charts(at)["Число строк по месяцам"]["data"][0]
            assert line["y"] == kept["Дата"].dt.month.value_counts().sort_index().tolist()
        if page == "03_groups":
            table = at.dataframe[0].value
            assert dict(zip(table["Город"], table["Число строк"], strict=True)) == dict(
                kept["Город"].value_counts().items())


def test_groups_page_leaves_small_groups_out_of_the_ranking(flights):
    at = open_page("03_groups")
    at.number_input(key="groups_min_rows").set_value(1000).run()
    assert not at.exception
    # the default measure is arr_delay: a group is sized by its filled arr_delay values, not its rows
    sizes = flights.frame.dropna(subset=["arr_delay"])["carrier"].value_counts()
    small = int((sizes < 1000).sum())
    assert small > 0
    caption = next(c.value for c in at.caption if c.value.startswith("Ещё групп меньше"))
    assert caption.startswith(f"Ещё групп меньше 1000 значений показателя: {small} ")
    ranked_means = (flights.frame[flights.frame["carrier"].isin(sizes[sizes >= 1000].index)]
                    .groupby("carrier", observed=True)["arr_delay"].mean())
    leader = ranked_means.idxmax()
    table = at.dataframe[0].value
    assert table.iloc[0, 0] == leader


def test_trend_table_marks_partial_periods(flights):
    spec = {"date": {"column": "time_hour", "from": "2013-03-10", "to": "2013-11-03"}}
    at = open_page("04_trends", spec)
    assert not at.exception
    periods = list(at.dataframe[0].value["Период"])
    # the filter cuts March (from the 10th) and November (to the 3rd); April–October are whole months
    assert periods[0] == "март 2013 (неполный)" and periods[-1] == "ноябрь 2013 (неполный)"
    assert periods[1:-1] == [f"{m} 2013" for m in ("апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь")]
