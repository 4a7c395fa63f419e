"""Russian tables (lib/ui/tables.py) and literal text (lib/ui/safe.py), without a running app."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from markdown_it import MarkdownIt

from lib.charts import chart_text
from lib.facts.defaults import choices_for
from lib.ui.safe import literal
from lib.ui.tables import FULL_HEIGHT_ROWS, column_decimals, display_frame, russian_table, table_height

NBSP = "\u00a0"


def test_preview_writes_decimal_commas_russian_dates_and_blank_empty_cells():
    frame = pd.DataFrame({
        "Выручка": [106.21, 1234.5, None],
        "Дата": pd.to_datetime(["2024-06-14", None, "2024-01-02"]),
        "Город": ["Москва", None, "Омск"],
        "Штук": pd.array([1, None, 123456], dtype="Int64"),
    })
    shown = display_frame(frame)
    assert shown["Выручка"].tolist() == ["106,21", "1234,50", ""]  # one decimals count down the column
    assert shown["Дата"].tolist() == ["14.06.2024", "", "02.01.2024"]
    assert shown["Город"].tolist() == ["Москва", "", "Омск"]
    assert shown["Штук"].tolist() == ["1", "", f"123{NBSP}456"]


def test_times_are_shown_only_when_a_column_has_them():
    stamps = pd.Series(pd.to_datetime(["2013-01-01 05:00", "2013-01-01 00:00"]))
    assert display_frame(stamps.to_frame("t"))["t"].tolist() == ["01.01.2013 05:00", "01.01.2013 00:00"]
    seconds = pd.Series(pd.to_datetime(["2013-01-01 05:00:09"]))
    assert display_frame(seconds.to_frame("t"))["t"].tolist() == ["01.01.2013 05:00:09"]


def test_money_sums_get_the_same_decimals_and_grouped_thousands():
    sums = pd.Series([12345.6, 2000.25, 10.0])
    assert column_decimals(sums, cap=2) == 2
    assert display_frame(sums.to_frame("s"), cap=2)["s"].tolist() == [f"12{NBSP}345,60", "2000,25", "10,00"]


def test_whole_floats_and_negatives_and_extremes():
    values = pd.Series([-3.0, 11.0, np.inf, -np.inf, 1e308])
    assert display_frame(values.to_frame("v"))["v"].tolist() == ["−3", "11", "∞", "−∞", "1,000e+308"]


def test_mixed_object_column_formats_each_cell_and_booleans_read_in_russian():
    frame = pd.DataFrame({"o": [1.5, "текст", None, dt.date(2024, 6, 14)], "b": [True, False, True, False]})
    shown = display_frame(frame)
    assert shown["o"].tolist() == ["1,5", "текст", "", "14.06.2024"]
    assert shown["b"].tolist() == ["да", "нет", "да", "нет"]


def test_styler_shows_the_text_over_the_numbers_so_sorting_stays_numeric():
    frame = pd.DataFrame({"x": [106.21, 9.5]})
    styler = russian_table(frame)
    assert styler.data["x"].tolist() == [106.21, 9.5]  # the values Streamlit sorts by
    html = styler.to_html()
    assert "106,21" in html and "9,50" in html and "106.21" not in html


@pytest.mark.parametrize(("rows", "height"), [(1, "content"), (FULL_HEIGHT_ROWS, "content"),
                                              (FULL_HEIGHT_ROWS + 1, "auto")])
def test_short_tables_are_shown_whole(rows, height):
    assert table_height(rows) == height


def _rendered_text(markdown: str) -> tuple[str, str]:
    """(html, plain text) of markdown as CommonMark renders it (Streamlit's renderer follows CommonMark)."""
    html = MarkdownIt("commonmark").render(markdown)
    tokens = MarkdownIt("commonmark").parseInline(markdown)
    text = "".join(child.content for token in tokens for child in token.children or [] if child.type == "text")
    return html, text


HOSTILE = [
    "![x](http://127.0.0.1/i.png)",
    "[ссылка](http://127.0.0.1/)",
    "# Заголовок",
    "<b>жирный</b><img src=x>",
    "$x^2$",
    ":red[красный] :material/home:",
    "- пункт",
    "1. пункт",
    "**жирный** _курсив_ `код`",
    "&lt;тег&gt;",
    "строка\n# вторая",
    "    отступ кода",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_literal_markdown_renders_as_the_same_characters(text):
    html, plain = _rendered_text(literal(text))
    expected = " ".join(part.strip() for part in text.splitlines()).strip()
    assert plain == expected
    for tag in ("<img", "<a ", "<h1", "<b>", "<strong", "<em", "<code", "<ul", "<ol", "<pre"):
        assert tag not in html


def test_literal_keeps_directive_and_math_characters_escaped():
    assert literal(":red[x]") == "\\:red\\[x\\]"
    assert literal("$5 и $6") == "\\$5 и \\$6"


def test_chart_text_escapes_plotly_tags_and_entities():
    assert chart_text("<b>Выручка</b> & <a href='x'>") == "&lt;b&gt;Выручка&lt;/b&gt; &amp; &lt;a href='x'&gt;"


def test_columns_page_starts_on_a_measure_not_a_running_order_number():
    frame = pd.DataFrame({
        "Номер заказа": range(1001, 1041),
        "Регион": ["Север", "Юг"] * 20,
        "Выручка, руб.": [100.5 + i for i in range(40)],
    })
    assert choices_for(frame, "upload:x").default_column == "Выручка, руб."


def test_columns_page_falls_back_to_a_category_when_numbers_only_count_rows():
    frame = pd.DataFrame({"№": range(30), "Канал": ["сайт", "магазин", "телефон"] * 10})
    assert choices_for(frame, "upload:x").default_column == "Канал"
