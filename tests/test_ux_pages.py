"""What a Russian analyst sees, driven with AppTest: the summary above the charts, names from the data shown
literally, Russian tables, meaningful defaults (issue 18 and 14.5)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from lib.sources import Dataset
from tests.test_analysis_pages import open_page

TIMEOUT = 120
APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")
REPORT_PAGES = ("01_overview", "02_columns", "03_groups", "04_trends", "05_relations", "06_quality")
MARKUP_TAGS = ("<img", "<a ", "<h1", "<h2", "<b>", "<strong", "<em", "<code", "<ul", "<ol", "<pre")

FILE_NAME = "![x](http://127.0.0.1/i.png) [ссылка](http://127.0.0.1/) # Заголовок <b>жирный</b>.csv"
COLUMN = "<b>Регион</b> [l](http://127.0.0.1/) $x$"
VALUE = "![v](http://127.0.0.1/v.png) <img src=x> :red[Юг]"


def walk(node: Any) -> Iterator[Any]:
    """Every element of the page in screen order (blocks before their children)."""
    for key in sorted(getattr(node, "children", {}) or {}):
        child = node.children[key]
        yield child
        yield from walk(child)


def rendered(markdown: str) -> tuple[str, str]:
    """(html, visible text) of Streamlit markdown as a CommonMark renderer turns it out."""
    parser = MarkdownIt("commonmark")
    text = "".join(child.content for token in parser.parseInline(markdown)
                   for child in token.children or [] if child.type == "text")
    return parser.render(markdown), text


def assert_literal(markdown: str, planted: str) -> None:
    html, text = rendered(markdown)
    assert planted in text, (planted, text)
    for tag in MARKUP_TAGS:
        assert tag not in html.replace("<strong>Набор данных:</strong>", ""), (tag, html)


def hostile_dataset() -> Dataset:
    frame = pd.DataFrame({
        COLUMN: [VALUE, "Север", "Запад", VALUE] * 6,
        "Выручка, руб.": [100.5 + i * 3.25 for i in range(24)],
        "Штук": [1 + i % 5 for i in range(24)],
    })
    return Dataset(id="upload:hostile", name=FILE_NAME, source="upload", frame=frame)


def test_a_planted_file_name_is_shown_literally_in_the_header_and_the_sidebar():
    at = open_page("03_groups", dataset=hostile_dataset())
    assert not at.exception
    assert_literal(at.caption[0].value, FILE_NAME)
    sidebar = next(m.value for m in at.sidebar.markdown if m.value.startswith("**Набор данных:**"))
    assert_literal(sidebar, FILE_NAME)


def test_a_planted_column_name_and_value_are_literal_in_labels_captions_and_charts():
    at = open_page("03_groups", dataset=hostile_dataset(), filters={"categories": {COLUMN: [VALUE, "Север"]}})
    assert not at.exception
    label = next(m.label for m in at.sidebar.multiselect if "Регион" in m.label)
    assert_literal(label, COLUMN)
    assert_literal(at.caption[0].value, f"{COLUMN}: {VALUE}, Север")  # the header names the filter
    figures = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    bars = figures[0]
    assert "&lt;b&gt;Регион&lt;/b&gt;" in bars["layout"]["title"]["text"]  # plotly reads <b> as bold
    assert "<b>" not in bars["layout"]["title"]["text"]
    assert "![v](http://127.0.0.1/v.png) &lt;img src=x&gt; :red[Юг]" in bars["data"][0]["y"]


def test_an_ollama_error_with_markdown_is_shown_literally(fake_ollama):
    fake_ollama.fault = "long_error"
    at = open_page("01_overview")
    assert not at.exception
    warnings = [w.value for w in at.warning if "evil" in w.value]
    assert warnings, [w.value for w in at.warning]
    assert_literal(warnings[0], "![img](http://evil.example/x.png) # Заголовок [ссылка](http://evil.example)")


@pytest.mark.parametrize("page", REPORT_PAGES)
def test_the_summary_comes_before_the_first_chart(page):
    at = open_page(page)
    assert not at.exception
    order = [(type(e).__name__, getattr(e, "value", None)) for e in walk(at.main)]
    summary = order.index(("Subheader", "Коротко о главном"))
    first_chart = next(i for i, (kind, _) in enumerate(order) if kind == "UnknownElement")  # plotly_chart
    assert summary < first_chart


def test_overview_without_missing_values_says_so_instead_of_an_empty_chart():
    frame = pd.DataFrame({"Город": ["Москва", "Казань", "Омск"], "Выручка": [1.5, 2.5, 3.0]})
    at = open_page("01_overview", dataset=Dataset(id="upload:full", name="полный.csv", source="upload", frame=frame))
    assert not at.exception
    assert "Пропусков нет: все ячейки заполнены." in [s.value for s in at.success]
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]
    assert "Пропуски по столбцам" not in titles


def test_overview_header_names_the_active_filters():
    at = open_page("01_overview", filters={"categories": {"origin": ["JFK"]}})
    assert not at.exception
    assert at.caption[0].value.endswith("фильтры: origin\\: JFK")


def displayed(table: Any) -> pd.DataFrame:
    """The text Streamlit draws in a styled st.dataframe (the Styler's display values)."""
    return pa.ipc.open_stream(table.proto.arrow_data.styler.display_values).read_all().to_pandas()


def test_first_rows_preview_reads_russian_while_the_values_stay_numbers(flights):
    at = open_page("01_overview")
    preview = at.dataframe[1]
    first = flights.frame.head(10)
    assert preview.value["arr_delay"].tolist()[:3] == first["arr_delay"].tolist()[:3]  # sorting uses these
    shown = displayed(preview)
    assert shown["time_hour"].tolist() == [t.strftime("%d.%m.%Y %H:%M") for t in first["time_hour"]]
    assert shown["arr_delay"].tolist() == [str(int(v)).replace("-", "−") for v in first["arr_delay"]]
    assert shown["distance"].tolist() == [str(int(v)) for v in first["distance"]]


def test_uploaded_money_and_dates_preview_with_decimal_commas_and_blanks():
    frame = pd.DataFrame({"Дата": pd.to_datetime(["2024-06-14", None, "2024-01-02"]),
                          "Выручка, руб.": [106.21, 1234.5, None]})
    at = open_page("01_overview", dataset=Dataset(id="upload:money", name="деньги.csv", source="upload", frame=frame))
    shown = displayed(at.dataframe[1])
    assert shown["Дата"].tolist() == ["14.06.2024", "", "02.01.2024"]
    assert shown["Выручка, руб."].tolist() == ["106,21", "1234,50", ""]


def test_a_dataset_opened_by_a_page_stays_current_with_the_sidebar_picker_shown():
    """The sidebar picker once switched back to the dataset it showed before «Открыть этот набор»."""
    first = Dataset(id="upload:a", name="а.csv", source="upload", frame=pd.DataFrame({"x": [1.0, 2.0]}))
    second = Dataset(id="upload:b", name="б.csv", source="upload", frame=pd.DataFrame({"y": [3.0, 4.0]}))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["datasets"] = {first.id: first}
    at.session_state["dataset_id"] = first.id
    at.run()
    assert at.sidebar.selectbox(key="sidebar_dataset").value == first.id
    at.session_state["datasets"] = {first.id: first, second.id: second}  # what the Данные page does
    at.session_state["dataset_id"] = second.id
    at.run()
    at.run()
    assert at.session_state["dataset_id"] == second.id
    assert at.sidebar.selectbox(key="sidebar_dataset").value == second.id
    at.sidebar.selectbox(key="sidebar_dataset").set_value(first.id).run()  # and the picker still switches
    assert at.session_state["dataset_id"] == first.id
