"""What tests/test_fuzz.py found once it asserted that every template passes its own check (review 14.1):
each case below failed before the general fix named in its test."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lib.facts.base import Scope
from lib.facts.columns import column_facts
from lib.facts.quality import quality_facts
from lib.narration.templates import template_narrative
from lib.verify import extract_numbers, verify_numbers

SCOPE = Scope.of("fuzz:findings", "Находки")


def checked(sheet) -> str:
    text = template_narrative(sheet)
    verdict = verify_numbers(text, sheet.payload())
    assert verdict.ok, (text, [c.explanation() for c in verdict.unsupported])
    return text


def test_a_short_year_with_its_word_is_a_date():
    """«1 января 1 г.»: a year of 1–3 digits is read as a year when «г.»/«года» follows (4 digits need none)."""
    claims = extract_numbers("с 1 января 1 г. по 31 декабря 9999 г., 12 марта 205 года, 3 мая")
    assert [(c.raw, c.kind, c.date) for c in claims] == [
        ("1 января 1 г.", "date", (1, 1, 1)), ("31 декабря 9999 г.", "date", (9999, 12, 31)),
        ("12 марта 205 года", "date", (205, 3, 12)), ("3 мая", "date", (None, 5, 3))]
    frame = pd.DataFrame({"t": np.array(["0001-01-01", "9999-12-31"], dtype="datetime64[s]")})
    text = checked(column_facts(frame, SCOPE, column="t"))
    assert "с 1 января 1\u202fг. по 31 декабря 9999\u202fг." in text


def test_a_rounded_value_past_the_float_range_still_matches():
    """«2·10³⁰⁸» (1,5·10³⁰⁸ rounded) overflowed to infinity; it is kept at the largest float."""
    (claim,) = extract_numbers("2·10³⁰⁸")
    assert claim.value == 1.7976931348623157e308 and claim.precision == 5e307
    text = checked(column_facts(pd.DataFrame({"v": [1.5e308]}), SCOPE, column="v"))
    assert "Среднее — 2·10³⁰⁸" in text
    checked(column_facts(pd.DataFrame({"v": [-1.5e308]}), SCOPE, column="v"))


def test_quality_counts_are_not_read_as_numbers_of_columns():
    """«столбец «x» — … (1, 50 %)» and «пропусков в столбце «x» — 2» bound the count to a column count."""
    infinite = checked(quality_facts(pd.DataFrame({"x": [0.0, np.inf], "id": [0.0, 1e308]}), SCOPE))
    assert "столбец «x» — бесконечные значения (значений: 1, 50\u00a0%)" in infinite
    empty = checked(quality_facts(pd.DataFrame({"x": pd.array([None, None], dtype="Int64")}), SCOPE))
    assert "вся таблица — строки-дубликаты (строк: 1, 50\u00a0%)" in empty
    assert "Больше всего пропусков — в столбце «x»: 2 (100\u00a0%)." in empty
