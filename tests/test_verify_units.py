"""Units of measure (lib/units.py): a column's unit from its name, a unit word after a number in the text."""

from __future__ import annotations

import pytest

from lib.units import column_unit, text_unit


@pytest.mark.parametrize(("name", "unit"), [
    ("Выручка, руб.", "rub"), ("Стоимость, ₽", "rub"), ("Цена (USD)", "usd"), ("Сумма, евро", "eur"),
    ("Скидка, %", "pct"), ("Доля брака (%)", "pct"), ("Время доставки, мин", "min"), ("Вес (кг)", "kg"),
    ("Расстояние, км", "km"), ("Стаж, лет", "year"), ("Количество, шт.", "count"), ("Длительность, ч.", "h"),
    ("arr_delay", "min"), ("dep_delay", "min"), ("air_time", "min"), ("distance", "mi"),
    ("dep_time", None), ("Регион", None), ("Код\nстатуса", None), ("Нижегородская область", None),
])
def test_column_unit_from_the_name_and_the_flights_documentation(name: str, unit: str | None):
    assert column_unit(name) == unit


def test_recorded_units_win_over_the_name():
    assert column_unit("Сумма", {"Сумма": "usd"}) == "usd"


@pytest.mark.parametrize(("text", "end", "unit"), [
    ("21,92 часа", 5, "h"), ("21,92 минуты", 5, "min"), ("6,9 мин;", 3, "min"), ("94 246 долларов", 6, "usd"),
    ("8 875,2 руб.", 7, "rub"), ("66 448 ₽", 6, "rub"), ("12 €", 2, "eur"), ("364 недели", 3, "week"),
    ("1 039,9 мили", 7, "mi"), ("81,3 млн километров", 8, "km"), ("3,33 кг", 4, "kg"), ("11,49 года", 5, "year"),
    ("336 776 строк", 7, None), ("9 раз", 1, None), ("5 минимум", 1, None),
])
def test_unit_word_after_a_number(text: str, end: int, unit: str | None):
    found = text_unit(text, end)
    assert (found[0] if found else None) == unit


def test_currency_sign_before_a_number():
    assert text_unit("$5 и 19", 2, start=1) == ("usd", 2)
