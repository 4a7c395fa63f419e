"""Every template passes its own check (issue 11.7): over generated frames, the deterministic narrative of
each page's fact sheet is accepted by `verify_numbers` against that sheet's payload.

The frames mix what real uploads hold: negative and fractional numbers, integer codes, text codes such as
«-5», declinable Russian category names, column names with newlines (Excel Alt+Enter headers) and units
(«Сумма, руб.», «Доля, %»), dates, missing values. Examples are derandomized and bounded.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from lib.facts.base import FactSheet, Scope
from lib.facts.columns import column_facts
from lib.facts.groups import group_facts
from lib.facts.overview import overview_facts
from lib.facts.quality import quality_facts
from lib.facts.relations import relation_facts
from lib.facts.trends import trend_facts
from lib.narration.templates import template_narrative
from lib.verify import verify_numbers
from tests.test_fuzz import PROFILE

SCOPE = Scope.of("property:frame", "Свойства")
NUMERIC_NAMES = ["Сумма, руб.", "Доля, %", "Время\nдоставки, мин", "score", "Вес (кг)", "delay"]
TEXT_NAMES = ["Регион", "Код\nстатуса", "Категория", "ФИО"]
REGIONS = ["Москва", "Санкт-Петербург", "Нижегородская область", "Республика Татарстан", "Книги", "Бытовая техника"]
CODES = ["-5", "-1", "0", "3", "12"]
PEOPLE = ["Иванов Иван Иванович", "Петрова Анна Сергеевна", "Смирнов Алексей Петрович"]

PROPERTY = PROFILE  # tests/test_fuzz.py's: «ci» by default, `make fuzz` (SVODKA_FUZZ_PROFILE=fuzz) runs many more


@st.composite
def frames(draw: st.DrawFn) -> pd.DataFrame:
    rows = draw(st.integers(min_value=1, max_value=60))
    seed = draw(st.integers(min_value=0, max_value=2**16))
    rng = np.random.default_rng(seed)
    data: dict[str, Any] = {}
    for name in draw(st.lists(st.sampled_from(NUMERIC_NAMES), min_size=1, max_size=3, unique=True)):
        scale = draw(st.sampled_from([1.0, 10.0, 1000.0, 250000.0]))
        values = np.round(rng.normal(draw(st.sampled_from([-20.0, 0.0, 50.0])), scale, rows),
                          draw(st.sampled_from([0, 1, 2])))
        series = pd.Series(values)
        if rows > 3 and draw(st.booleans()):
            series[rng.choice(rows, max(1, rows // 5), replace=False)] = np.nan
        data[name] = series
    for name in draw(st.lists(st.sampled_from(TEXT_NAMES), min_size=1, max_size=2, unique=True)):
        pool = CODES if "Код" in name else PEOPLE if name == "ФИО" else REGIONS
        data[name] = pd.Series(rng.choice(pool, rows)).astype("category" if draw(st.booleans()) else object)
    if draw(st.booleans()):
        start = pd.Timestamp(draw(st.sampled_from(["2023-01-01", "2024-02-10", "2013-06-01"])))
        data["Дата"] = start + pd.to_timedelta(rng.integers(0, draw(st.sampled_from([20, 90, 400])), rows), unit="D")
    return pd.DataFrame(data)


def sheets(frame: pd.DataFrame) -> list[FactSheet]:
    numeric = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
    text = [c for c in frame.columns if c not in numeric and c != "Дата"]
    found: list[FactSheet] = [overview_facts(frame, SCOPE), quality_facts(frame, SCOPE), relation_facts(frame, SCOPE)]
    found += [column_facts(frame, SCOPE, column=str(column)) for column in frame.columns]
    for dimension in text:
        for measure, aggregation in [(None, "count"), (numeric[0], "mean"), (None, "share")]:
            found.append(group_facts(frame, SCOPE, dimensions=(dimension,), measure=measure, aggregation=aggregation))
    if "Дата" in frame.columns:
        for period in ("week", "month"):
            found.append(trend_facts(frame, SCOPE, date_column="Дата", measure=None, aggregation="count",
                                     period=period))
            found.append(trend_facts(frame, SCOPE, date_column="Дата", measure=numeric[0], aggregation="mean",
                                     period=period))
        if text:
            found.append(group_facts(frame, SCOPE, dimensions=(text[0], "Дата@month")))
    return found


@PROPERTY
@given(frames())
def test_every_template_passes_its_own_check(frame: pd.DataFrame) -> None:
    for sheet in sheets(frame):
        text = template_narrative(sheet)
        verdict = verify_numbers(text, sheet.payload())
        assert verdict.ok, f"{sheet.kind} {sheet.options}\n{text}\n" + "\n".join(
            [c.explanation() for c in verdict.unsupported] + [c.explanation for c in verdict.failed_claims])


def test_a_negative_text_code_and_a_newline_in_a_column_name_pass():
    # hand-built: the most frequent code is «-5» (120 of 200 rows = 60 %), the header has an Excel line break
    frame = pd.DataFrame({"Код\nстатуса": ["-5", "-5", "-5", "3", "-1"] * 40,
                          "Сумма, руб.": [10.0, -2.5, 4.0, 1.0, 7.5] * 40})
    for sheet in (overview_facts(frame, SCOPE), column_facts(frame, SCOPE, column="Код\nстатуса"),
                  group_facts(frame, SCOPE, dimensions=("Код\nстатуса",), measure="Сумма, руб.", aggregation="mean")):
        text = template_narrative(sheet)
        verdict = verify_numbers(text, sheet.payload())
        assert verdict.ok, (sheet.kind, text, [c.explanation() for c in verdict.unsupported])
        assert verdict.total >= 3
        assert "-5" in text or "−5" in text
        assert "\n" not in text.split("»")[0]  # the header is quoted on one line
