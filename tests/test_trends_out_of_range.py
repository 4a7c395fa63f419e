"""Динамика on dates pandas cannot put into periods (outside 1677–2262): the sheet counts them, the template
and the page name them instead of «нет ни одной даты» / «После применения фильтров…»."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from streamlit.testing.v1 import AppTest

from lib.facts.base import Scope
from lib.facts.trends import OUT_OF_RANGE_KEY, trend_facts
from lib.narration.templates import template_narrative
from lib.sources import Dataset
from lib.verify import verify_numbers

SCOPE = Scope.of("test:far", "Далёкие даты")
APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")
FAR = np.array(["0001-01-01", "5000-06-01", "9999-12-31"], dtype="datetime64[s]")


def test_only_far_dates_are_counted_and_named():
    facts = trend_facts(pd.DataFrame({"t": FAR, "x": [1.0, 2.0, 3.0]}), SCOPE, date_column="t")
    assert facts.is_empty and facts.rows == 3 and facts.dated_rows == 0 and facts.out_of_range_dates == 3
    assert facts.payload()[OUT_OF_RANGE_KEY] == {"дат": 3, "с года": 1677, "по год": 2262}
    text = template_narrative(facts)
    assert text == ("Динамику по столбцу «t» построить не из чего: даты вне 1677–2262 годов: 3 — "
                    "их нельзя разложить по периодам.")
    verdict = verify_numbers(text, facts.payload())
    assert verdict.ok, verdict.summary()


def test_some_far_dates_are_named_in_the_first_sentence():
    dates = np.array(["0001-01-01", "2000-01-01", "2000-01-02", "NaT"], dtype="datetime64[s]")
    facts = trend_facts(pd.DataFrame({"t": dates}), SCOPE, date_column="t", period="day")
    assert facts.dated_rows == 2 and facts.out_of_range_dates == 1  # NaT is no date at all
    text = template_narrative(facts)
    assert text.startswith("Динамика показателя «число строк» (количество) по столбцу «t», период — день: "
                           "2\u00a0периода; даты вне 1677–2262 годов: 1 — их нельзя разложить по периодам. ")
    assert verify_numbers(text, facts.payload()).ok


def test_far_dates_written_as_text_count_too_and_in_range_sheets_say_nothing():
    texts = pd.DataFrame({"d": ["1500-01-01", "2000-01-01", "2000-01-02", "не дата"]})
    assert trend_facts(texts, SCOPE, date_column="d", period="day").out_of_range_dates == 1
    plain = trend_facts(pd.DataFrame({"d": pd.to_datetime(["2000-01-01", "2000-02-01"])}), SCOPE, date_column="d")
    assert plain.out_of_range_dates == 0 and OUT_OF_RANGE_KEY not in plain.payload()
    assert "1677" not in template_narrative(plain)


def test_an_empty_sheet_with_rows_does_not_blame_the_filters():
    dates = pd.Series([pd.NaT, pd.NaT], dtype="datetime64[ns]")
    facts = trend_facts(pd.DataFrame({"t": dates}), SCOPE, date_column="t")
    assert template_narrative(facts) == "В столбце «t» нет ни одной даты."
    none_left = trend_facts(pd.DataFrame({"t": dates}).iloc[:0], SCOPE, date_column="t")
    assert template_narrative(none_left).startswith("После применения фильтров")


def test_the_page_names_the_far_dates():
    dataset = Dataset(id="test:far", name="Далёкие даты", source="upload",
                      frame=pd.DataFrame({"t": FAR, "x": [1.0, 2.0, 3.0]}))
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["datasets"] = {dataset.id: dataset}
    at.session_state["dataset_id"] = dataset.id
    at.run()
    at = at.switch_page("app_pages/04_trends.py").run()
    assert not at.exception
    assert [i.value for i in at.info] == [
        r"Динамику по столбцу «t» построить не из чего: даты вне 1677–2262 годов\: 3 — их нельзя разложить "
        "по периодам."]


def test_the_page_warns_about_far_dates_next_to_the_chart():
    dates = np.array(["0001-01-01", "2000-01-01", "2000-02-01", "2000-03-01"], dtype="datetime64[s]")
    dataset = Dataset(id="test:some-far", name="Часть дат далеко", source="upload",
                      frame=pd.DataFrame({"t": dates, "x": [1.0, 2.0, 3.0, 4.0]}))
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["datasets"] = {dataset.id: dataset}
    at.session_state["dataset_id"] = dataset.id
    at.run()
    at = at.switch_page("app_pages/04_trends.py").run()
    assert not at.exception
    assert r"Даты вне 1677–2262 годов\: 1 — их нельзя разложить по периодам\." in [w.value for w in at.warning]
