"""Extraction of numeric claims from Russian text: a table of sentences with values worked out by hand."""

from __future__ import annotations

import pytest

from lib.verify import extract_numbers, verify_numbers

NBSP, NNBSP = "\u00a0", "\u202f"


def claim(value, precision, kind="plain", **extra):
    return {"value": value, "precision": precision, "kind": kind, **extra}


# (sentence, expected claims in reading order); each expectation checks value, precision, kind
# and whatever extra fields it names (hedge, date, in_range, signed, words).
CORPUS = [
    # thousands separators
    ("В таблице 336 776 строк.", [claim(336776, 0.5)]),
    (f"В таблице 336{NBSP}776 строк.", [claim(336776, 0.5)]),
    (f"В таблице 336{NNBSP}776 строк.", [claim(336776, 0.5)]),
    ("Всего 1 234 567 значений.", [claim(1234567, 0.5)]),
    ("Всего 336,776,000 значений.", [claim(336776000, 0.5)]),
    ("Таблица содержит 19 столбцов, из них 14 числовых.", [claim(19, 0.5), claim(14, 0.5)]),
    ("Уникальных значений — 105.", [claim(105, 0.5)]),
    # decimals and signs
    ("Средняя задержка 12,5 минуты.", [claim(12.5, 0.05)]),
    ("Средняя задержка 12.5 минуты.", [claim(12.5, 0.05)]),
    ("Средняя задержка 12,64 минуты.", [claim(12.64, 0.005)]),
    ("Значение 12,500 записано с тремя знаками.", [claim(12.5, 0.0005), claim(3, 0.5, words=True)]),
    ("Задержка составила 0,5 часа.", [claim(0.5, 0.05)]),
    ("Медиана задержки −3,2 минуты.", [claim(-3.2, 0.05, signed=True)]),
    ("Медиана задержки -3.2 минуты.", [claim(-3.2, 0.05, signed=True)]),
    ("Максимум — 1 301 минута, минимум −43.", [claim(1301, 0.5, signed=False), claim(-43, 0.5, signed=True)]),
    ("Занимает 32,7 МБ памяти.", [claim(32.7, 0.05)]),
    # percents and percentage points
    ("Доля пропусков 12,5 %.", [claim(12.5, 0.05, "percent")]),
    ("Доля пропусков 12,5%.", [claim(12.5, 0.05, "percent")]),
    (f"Доля пропусков 12,5{NBSP}%.", [claim(12.5, 0.05, "percent")]),
    ("Это 12,5 процента всех строк.", [claim(12.5, 0.05, "percent")]),
    ("Это 40 процентов всех строк.", [claim(40, 0.5, "percent")]),
    ("Рост на +5 % за год.", [claim(5, 0.5, "percent", signed=True)]),
    ("Доля выросла на 2,3 п.п.", [claim(2.3, 0.05, "pp")]),
    ("Доля выросла на 2,3 п. п. за месяц.", [claim(2.3, 0.05, "pp")]),
    ("Разница составила 1,5 процентных пункта.", [claim(1.5, 0.05, "pp")]),
    ("На долю EWR приходится 35,9 % вылетов, JFK — 33,0 %.",
     [claim(35.9, 0.05, "percent"), claim(33.0, 0.05, "percent")]),
    ("Число строк: 336 776 (100 %).", [claim(336776, 0.5), claim(100, 0.5, "percent")]),
    ("Пустых ячеек на 0,7 % меньше.", [claim(0.7, 0.05, "percent")]),
    # scale words
    ("Около 337 тыс. рейсов.", [claim(337000, 500, hedge="approx")]),
    ("Набор занимает 40 тысяч строк.", [claim(40000, 500)]),
    ("Выручка 1,5 млн рублей.", [claim(1500000, 50000)]),
    ("Население 2 миллиона человек.", [claim(2000000, 500000)]),
    ("Оборот 3,25 млрд рублей.", [claim(3250000000, 5000000)]),
    ("Свыше 9 тыс. пропусков.", [claim(9000, 500, hedge="min")]),
    # ranges
    ("Задержки 10–15 минут.", [claim(10, 0.5, in_range=True), claim(15, 0.5, in_range=True)]),
    ("Диапазон 10-15.", [claim(10, 0.5, in_range=True), claim(15, 0.5, in_range=True)]),
    ("Доля 10–15 %.", [claim(10, 0.5, "percent", in_range=True), claim(15, 0.5, "percent", in_range=True)]),
    ("Задержки 10 – 15 тыс. минут.", [claim(10000, 500, in_range=True), claim(15000, 500, in_range=True)]),
    ("От 10 до 15 тыс. строк.", [claim(10000, 500, in_range=True), claim(15000, 500, in_range=True)]),
    ("Данные за 2013–2014 годы.", [claim(2013, 0.5, "year", in_range=True), claim(2014, 0.5, "year", in_range=True)]),
    # multipliers
    ("Рейсов стало в 2,5 раза больше.", [claim(2.5, 0.05, "multiplier")]),
    ("Вылетов в 5 раз больше.", [claim(5, 0.5, "multiplier")]),
    ("Рейсов вдвое больше.", [claim(2, 0.2, "multiplier", words=True)]),  # «вдвое» is 1,8–2,2, a tenth either way
    ("Михайлова встречается 9 раз.", [claim(9, 0.5)]),  # times counted, not a ratio: no «в» before it
    ("Код -5 встречается чаще кода -1.", [claim(-5, 0.5, signed=True), claim(-1, 0.5, signed=True)]),
    ("Рейсов в два раза больше.", [claim(2, 0.5, "multiplier", words=True)]),
    ("Задержек в полтора раза меньше.", [claim(1.5, 0.05, "multiplier", words=True)]),
    # years and dates
    ("Данные за 2013 год.", [claim(2013, 0.5, "year")]),
    ("В 2013 году выполнено 336 776 рейсов.", [claim(2013, 0.5, "year"), claim(336776, 0.5)]),
    ("В 2013-м рейсов было больше.", [claim(2013, 0.5, "year")]),
    ("Пик пришёлся на январь 2013.", [claim(2013, 0.0, "date", date=(2013, 1, None))]),
    ("Больше всего рейсов в июле 2013 года.", [claim(2013, 0.0, "date", date=(2013, 7, None))]),
    ("С 1 января по 31 декабря 2013 года.",
     [claim(1, 0.0, "date", date=(None, 1, 1)), claim(2013, 0.0, "date", date=(2013, 12, 31))]),
    ("Рекорд 5 января 2013 г.", [claim(2013, 0.0, "date", date=(2013, 1, 5))]),
    ("Первая запись от 2013-01-01.", [claim(2013, 0.0, "date", date=(2013, 1, 1))]),
    ("Последняя запись 31.12.2013.", [claim(2013, 0.0, "date", date=(2013, 12, 31))]),
    ("Последняя запись 2013-12-31T23:00:00.", [claim(2013, 0.0, "date", date=(2013, 12, 31))]),
    ("В 17:00 вылетов больше всего.", [claim(17, 1 / 120, "time")]),
    ("В январе рейсов больше.", []),
    # number words
    ("В наборе три столбца с датами.", [claim(3, 0.5, words=True)]),
    ("Пропуски есть в пяти столбцах.", [claim(5, 0.5, words=True)]),
    ("Данные из двух аэропортов.", [claim(2, 0.5, words=True)]),
    ("Пропуски найдены в трёх столбцах из десяти.", [claim(3, 0.5, words=True), claim(10, 0.5, words=True)]),
    ("Это двадцать пять процентов строк.", [claim(25, 0.5, "percent", words=True)]),
    ("Набор занимает пять тысяч строк.", [claim(5000, 500, words=True)]),
    ("Всего сорок два столбца.", [claim(42, 0.5, words=True)]),
    ("Четыре категориальных столбца и один с датой.", [claim(4, 0.5, words=True)]),
    # ordinals and glued suffixes
    ("Перевозчик UA занимает 1-е место.", [claim(1, 0.5, "ordinal")]),
    ("EV на 3-м месте.", [claim(3, 0.5, "ordinal")]),
    ("Задержка 5-ти минут.", [claim(5, 0.5)]),
    ("Рейсы 2-х перевозчиков.", [claim(2, 0.5)]),
    ("В топ-3 перевозчиков входит UA.", [claim(3, 0.5)]),
    # hedges
    ("Более 300 тыс. рейсов.", [claim(300000, 500, hedge="min")]),
    ("Менее 1 % строк.", [claim(1, 0.5, "percent", hedge="max")]),
    ("Почти 17 % рейсов.", [claim(17, 0.5, "percent", hedge="approx")]),
    ("Примерно 2,8 % значений.", [claim(2.8, 0.05, "percent", hedge="approx")]),
    ("≈ 12 % строк.", [claim(12, 0.5, "percent", hedge="approx")]),
    ("Не более 5 минут.", [claim(5, 0.5, hedge="max")]),
    ("Минимум −43, максимум 1 301.", [claim(-43, 0.5, hedge=None), claim(1301, 0.5, hedge=None)]),
    # plural agreement examples, as the template writes them
    ("2 рейса, 5 рейсов, 21 рейс.", [claim(2, 0.5), claim(5, 0.5), claim(21, 0.5)]),
    # deliberately ignored
    ("Самолёт A320 и борт N725MQ.", []),
    ("Столбец dep_time2 и набор nycflights13.", []),
    ("1. Строк 336 776.\n2. Столбцов 19.", [claim(336776, 0.5), claim(19, 0.5)]),
    ("### 1. Итоги\n- 2) пункт", []),
    ("Во-первых, одна из причин — погода.", []),
    ("Версия 1.2.3 библиотеки.", []),
    ("Первое место у UA, второе — у B6.", []),
]


def _check_fields(got, expected: dict) -> None:
    for name, value in expected.items():
        actual = getattr(got, name)
        if isinstance(value, float) and name in ("value", "precision"):
            assert actual == pytest.approx(value), name
        else:
            assert actual == value, name


def test_corpus_is_large_enough():
    assert len(CORPUS) >= 60


@pytest.mark.parametrize(("sentence", "expected"), CORPUS, ids=[s[:40] for s, _ in CORPUS])
def test_extracts_expected_claims(sentence: str, expected: list[dict]):
    claims = extract_numbers(sentence)
    assert len(claims) == len(expected), [c.raw for c in claims]
    for got, want in zip(claims, expected, strict=True):
        _check_fields(got, {k: float(v) if k in ("value", "precision") else v for k, v in want.items()})


@pytest.mark.parametrize("sentence", [s for s, _ in CORPUS])
def test_spans_point_at_the_raw_text(sentence: str):
    for got in extract_numbers(sentence):
        assert sentence[got.start:got.end] == got.raw
        assert got.raw.strip() == got.raw


def test_raw_covers_unit_and_scale_words():
    assert [c.raw for c in extract_numbers("Около 337 тыс. рейсов, 12,5 % строк, в 2,5 раза")] == [
        "337 тыс.", "12,5 %", "2,5 раза"]


def test_approximate_claim_treats_trailing_zeros_as_rounding():
    (about,) = extract_numbers("около 340 тыс. рейсов")
    assert about.interval() == (335000, 345000)
    (exact,) = extract_numbers("340 тыс. рейсов")
    assert exact.interval() == (339500, 340500)


def test_bounds_reach_one_step_of_the_last_significant_digit():
    (more,) = extract_numbers("более 300 тыс.")
    assert more.interval() == (300000, 400000)
    (less,) = extract_numbers("менее 1 %")
    assert less.interval() == (0, 1)


def test_decimal_interval_is_the_displayed_rounding():
    (value,) = extract_numbers("12,5 %")
    low, high = value.interval()
    assert low == pytest.approx(12.45) and high == pytest.approx(12.55)


def test_three_decimals_keep_a_thousands_reading():
    (value,) = extract_numbers("336,776 строк")
    assert (value.value, value.thousands) == (336.776, 336776)
    grouped = value.as_thousands()
    assert grouped is not None and (grouped.value, grouped.precision) == (336776, 0.5)
    (scaled,) = extract_numbers("1,250 тыс.")
    assert scaled.as_thousands().value == 1250000
    assert extract_numbers("12,5")[0].thousands is None


def test_em_dash_before_a_number_is_punctuation_not_a_minus():
    (value,) = extract_numbers("Медиана — 2 минуты.")
    assert value.value == 2 and not value.signed


def test_a_power_of_ten_as_lib_fmt_writes_it_is_one_number():
    """lib.fmt writes |x| ≥ 1e18 as «1,5·10²⁰»: the «10» is part of the number, the mantissa gives the precision."""
    claims = extract_numbers("Сумма — 1,5·10²⁰, доля — 2·10⁻⁷, всего −1·10³⁰⁸.")
    assert [(c.raw, c.value, c.precision) for c in claims] == [
        ("1,5·10²⁰", 1.5e20, 0.05e20), ("2·10⁻⁷", 2e-7, 0.5e-7), ("−1·10³⁰⁸", -1e308, 0.5e308)]


def test_a_power_of_ten_is_checked_against_the_fact():
    assert verify_numbers("Изменение — +1·10²⁶.", {"изменение": 1e26}).ok
    assert not verify_numbers("Изменение — +1·10²⁷.", {"изменение": 1e26}).ok
    assert not verify_numbers("Сумма — 1,6·10²⁰.", {"сумма": 1.5e20}).ok
