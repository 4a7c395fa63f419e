"""Claim words (trend, strength, direction, ranking, significance) checked against fact sheets: a corpus of
sentences as small models write them, each marked by hand as supported or contradicted by its sheet."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lib.facts.base import Scope
from lib.facts.groups import group_facts
from lib.facts.relations import relation_facts
from lib.facts.trends import trend_facts
from lib.narration.templates import template_narrative
from lib.verify.claims import check_claims

SCOPE = Scope.of("test:claims", "Набор")


@pytest.fixture(scope="module")
def sheets(flights):
    frame = flights.frame
    scope = Scope.of(flights.id, flights.name)
    days = pd.date_range("2024-01-01", periods=30, freq="D")
    falling = pd.DataFrame({"d": days, "v": 100 - 2.0 * np.arange(30) + np.random.default_rng(2).normal(0, 1, 30)})
    rng = np.random.default_rng(12)
    a = rng.normal(size=200)
    synthetic = pd.DataFrame({"a": a, "minus": -a + rng.normal(0, 0.5, 200), "noise": rng.normal(size=200)})
    same = pd.DataFrame({"g": ["A"] * 40 + ["B"] * 40, "v": np.random.default_rng(3).normal(10, 2, 80)})
    built = {
        "flat": trend_facts(frame, scope, "time_hour", "arr_delay", "mean", "month"),
        "rise": trend_facts(frame, scope, "time_hour", None, "count", "day"),
        "fall": trend_facts(falling, SCOPE, "d", "v", "mean", "day"),
        "pairs": relation_facts(frame, scope, x="dep_delay", y="arr_delay"),
        "synthetic": relation_facts(synthetic, SCOPE),
        "carriers": group_facts(frame, scope, dimensions=("carrier",), measure="arr_delay", aggregation="mean"),
        "same": group_facts(same, SCOPE, dimensions=("g",), measure="v", aggregation="mean"),
        "sums": group_facts(frame, scope, dimensions=("origin",), measure="distance", aggregation="sum"),
    }
    payloads = {key: sheet.payload() for key, sheet in built.items()}
    # the facts the corpus below was written against, checked independently of the checker
    assert [payloads[k]["тренд"] for k in ("flat", "rise", "fall")] == ["без выраженного тренда", "рост", "снижение"]
    assert payloads["flat"]["изменение к предыдущему"] > 0  # December above November
    pairs = {p["пара"]: p for p in payloads["pairs"]["сильнейшие связи"]}
    assert (pairs["air_time — distance"]["сила"], pairs["air_time — distance"]["направление"]) == ("сильная", "прямая")
    chosen = payloads["pairs"]["выбранная пара"]
    assert (chosen["сила"], chosen["сила по Спирмену"]) == ("сильная", "умеренная")
    assert [d["пара"] for d in payloads["pairs"]["производные"]] == ["sched_dep_time — hour", "sched_dep_time — minute"]
    words = {p["пара"]: (p["сила"], p.get("направление")) for p in payloads["synthetic"]["сильнейшие связи"]}
    assert words["a — minus"] == ("сильная", "обратная")
    assert words["a — noise"] == ("связь не подтверждается", None)
    assert words["minus — noise"] == ("связь не подтверждается", None)
    assert (payloads["carriers"]["лидер"], payloads["carriers"]["аутсайдер"]) == ("F9", "AS")
    assert payloads["carriers"]["разрыв значим"] is True and payloads["same"]["разрыв значим"] is False
    assert payloads["sums"]["разрыв значим"] is None and payloads["sums"]["лидер"] == "JFK"
    assert payloads["sums"]["аутсайдер"] == "LGA"
    return payloads


SUPPORTED = [
    ("flat", "Выраженного тренда нет: средняя задержка прибытия по месяцам колеблется без направления."),
    ("flat", "Ряд без выраженного тренда."),
    ("flat", "Тренда нет, значения скачут от месяца к месяцу."),
    ("flat", "Средняя задержка не растёт и не снижается."),
    ("flat", "Задержки в целом стабильны."),
    ("flat", "Роста нет, снижения тоже."),
    ("flat", "Показатель не демонстрирует ни рост, ни снижение."),
    ("flat", "В декабре задержка выросла по сравнению с предыдущим месяцем."),
    ("flat", "Относительно ноября значение увеличилось на 14,41."),
    ("flat", "Значения по месяцам без выраженного тренда, колебания случайны."),
    ("flat", "Колебания от месяца к месяцу случайны, тренд не значим."),
    ("flat", "Статистически значимого тренда нет."),
    ("flat", "Без явного тренда."),
    ("rise", "Число рейсов в день растёт."),
    ("rise", "Наблюдается рост числа рейсов."),
    ("rise", "Тренд — рост, он статистически значим."),
    ("rise", "Количество рейсов постепенно увеличивается."),
    ("rise", "За год число рейсов выросло."),
    ("rise", "Число рейсов повысилось за весь период."),
    ("rise", "Ежедневное число рейсов возрастает."),
    ("rise", "Рост числа рейсов за год статистически значим."),
    ("fall", "Значения снижаются."),
    ("fall", "Тренд — снижение."),
    ("fall", "Показатель падает от дня ко дню."),
    ("fall", "Значение за месяц сократилось."),
    ("fall", "Наблюдается устойчивое уменьшение показателя."),
    ("fall", "Ряд убывает, и это значимый тренд."),
    ("pairs", "Между air_time и distance сильная прямая связь."),
    ("pairs", "Связь air_time и distance сильная."),
    ("pairs", "air_time и distance связаны сильно и прямо."),
    ("pairs", "У dep_delay и arr_delay сильная связь по Пирсону."),
    ("pairs", "По Спирмену связь dep_delay и arr_delay умеренная."),
    ("pairs", "dep_delay и arr_delay: по Пирсону связь сильная, а по Спирмену — умеренная."),
    ("pairs", "Корреляция между dep_delay и arr_delay положительная и высокая."),
    ("pairs", "Связь между dep_time и sched_dep_time прямая."),
    ("pairs", "Между dep_time и sched_dep_time заметная связь."),
    ("pairs", "Связь air_time и distance тесная и прямая."),
    ("synthetic", "Между a и minus сильная обратная связь."),
    ("synthetic", "Связь a и minus отрицательная."),
    ("synthetic", "Между a и noise связи нет."),
    ("synthetic", "Для a и noise связь не подтверждается."),
    ("synthetic", "Столбцы minus и noise не связаны."),
    ("synthetic", "Связь между a и minus обратная и сильная."),
    ("carriers", "Лидирует F9."),
    ("carriers", "F9 на первом месте по средней задержке."),
    ("carriers", "Больше всего средняя задержка у F9."),
    ("carriers", "Наибольшее значение у «F9»."),
    ("carriers", "AS отстаёт от остальных."),
    ("carriers", "Замыкает рейтинг AS."),
    ("carriers", "Меньше всего средняя задержка у AS."),
    ("carriers", "Наименьшее значение — у AS."),
    ("carriers", "Разница между F9 и AS статистически значима."),
    ("carriers", "F9 лидирует, и отрыв от AS значим."),
    ("carriers", "AS на последнем месте."),
    ("same", "Разница между A и B статистически не значима."),
    ("same", "Отрыв A от B может быть случайным."),
    ("same", "Лидирует A, но разница незначима и, возможно, случайна."),
    ("same", "На первом месте A."),
    ("same", "B замыкает список."),
    ("sums", "Больше всего суммарная дистанция у JFK."),
    ("sums", "LGA отстаёт."),
    ("sums", "Лидер — JFK, а меньше всего у LGA."),
    ("sums", "JFK на первом месте."),
]

CONTRADICTED = [
    ("flat", "Средняя задержка прибытия снижается."),
    ("flat", "Наблюдается снижение задержек."),
    ("flat", "Задержки падают."),
    ("flat", "Задержки растут."),
    ("flat", "Заметен рост средней задержки."),
    ("flat", "Задержка увеличилась за год."),
    ("flat", "В целом задержки сократились."),
    ("flat", "Тренд — снижение."),
    ("flat", "Есть статистически значимый тренд."),
    ("flat", "Средняя задержка уменьшается."),
    ("flat", "В декабре задержка снизилась по сравнению с предыдущим месяцем."),
    ("flat", "К предыдущему периоду значение сократилось."),
    ("flat", "Задержки постепенно выросли с января по декабрь."),
    ("rise", "Число рейсов стабильно."),
    ("rise", "Тренда нет."),
    ("rise", "Число рейсов снижается."),
    ("rise", "Выраженного тренда нет."),
    ("rise", "Количество рейсов не растёт."),
    ("rise", "Наблюдается падение числа рейсов."),
    ("rise", "Число рейсов сокращается."),
    ("rise", "Колебания числа рейсов случайны."),
    ("fall", "Значения растут."),
    ("fall", "Показатель стабилен."),
    ("fall", "Ряд без выраженного тренда."),
    ("fall", "Наблюдается рост показателя."),
    ("fall", "Снижения нет."),
    ("fall", "Показатель увеличивается."),
    ("pairs", "Между air_time и distance слабая связь."),
    ("pairs", "Связь air_time и distance умеренная."),
    ("pairs", "Между air_time и distance обратная связь."),
    ("pairs", "air_time и distance связаны отрицательно."),
    ("pairs", "Между air_time и distance связи нет."),
    ("pairs", "По Спирмену связь dep_delay и arr_delay сильная."),
    ("pairs", "У dep_delay и arr_delay слабая связь по Пирсону."),
    ("pairs", "dep_delay и arr_delay не связаны."),
    ("pairs", "Между sched_dep_time и hour очень сильная связь."),
    ("pairs", "Между sched_dep_time и minute слабая прямая связь."),
    ("pairs", "Связь dep_delay и arr_delay обратная."),
    ("pairs", "Между dep_time и sched_dep_time слабая связь."),
    ("synthetic", "Между a и minus прямая связь."),
    ("synthetic", "Между a и minus слабая связь."),
    ("synthetic", "Между a и noise слабая прямая связь."),
    ("synthetic", "Связь a и noise умеренная."),
    ("synthetic", "minus и noise связаны обратной связью."),
    ("synthetic", "Связи между a и minus нет."),
    ("synthetic", "Между a и noise заметная связь."),
    ("carriers", "Лидирует AS."),
    ("carriers", "На первом месте EV."),
    ("carriers", "Больше всего средняя задержка у FL."),
    ("carriers", "F9 отстаёт от всех."),
    ("carriers", "Замыкает рейтинг HA."),
    ("carriers", "Меньше всего средняя задержка у F9."),
    ("carriers", "Разница между F9 и AS не значима."),
    ("carriers", "Отрыв F9 от AS случаен."),
    ("carriers", "AA на последнем месте."),
    ("same", "Разница между A и B статистически значима."),
    ("same", "A значимо опережает B."),
    ("same", "Лидирует B."),
    ("same", "A замыкает список."),
    ("sums", "Лидирует LGA."),
    ("sums", "Разница между JFK и LGA статистически значима."),
    ("sums", "JFK отстаёт."),
    ("sums", "Отрыв JFK от LGA не случаен."),
]


def test_the_corpus_is_large_enough():
    assert len(SUPPORTED) >= 60 and len(CONTRADICTED) >= 60
    assert {key for key, _ in SUPPORTED} == {key for key, _ in CONTRADICTED}


@pytest.mark.parametrize(("key", "text"), SUPPORTED)
def test_supported_claims_pass(sheets, key, text):
    checks = check_claims(text, sheets[key])
    assert checks, f"no claim found in {text!r}"
    assert all(c.ok for c in checks), [c.explanation for c in checks if not c.ok]


@pytest.mark.parametrize(("key", "text"), CONTRADICTED)
def test_contradicted_claims_fail_with_an_explanation(sheets, key, text):
    checks = check_claims(text, sheets[key])
    failed = [c for c in checks if not c.ok]
    assert failed, f"nothing caught in {text!r}: {checks}"
    for check in failed:
        assert text[check.start - 0:check.end] == check.raw
        assert check.reason and check.explanation.startswith(f"«{check.raw}»")


def test_explanations_name_what_the_sheet_says(sheets):
    (check,) = check_claims("Средняя задержка снижается.", sheets["flat"])
    assert check.reason == "trend_not_stated"
    assert "без выраженного тренда" in check.explanation and "Манна–Кендалла" in check.explanation
    (derived,) = check_claims("Между sched_dep_time и hour сильная связь.", sheets["pairs"])
    assert derived.reason == "derived_pair" and "производная" in derived.explanation
    (rank,) = check_claims("Лидирует AS.", sheets["carriers"])
    assert rank.reason == "rank_contradicted" and "«F9»" in rank.explanation


def test_sentences_without_claims_or_other_pages_give_nothing(sheets):
    assert check_claims("Всего 12 периодов, периодов без строк нет.", sheets["flat"]) == ()
    # a season or one month is not the series' trend
    assert check_claims("Летом задержки заметно выросли, а осенью снизились.", sheets["flat"]) == ()
    assert check_claims("В июле задержка выросла.", sheets["flat"]) == ()
    assert check_claims("Сильная связь — это хорошо.", sheets["pairs"]) == ()  # names no pair
    assert check_claims("Задержки растут.", {"набор": "x", "строк": 3}) == ()


@pytest.mark.parametrize("key", ["flat", "rise", "pairs", "carriers", "sums"])
def test_the_templates_own_words_pass(flights, key):
    """Templates state the sheet's words exactly, so the claims check passes on them."""
    frame = flights.frame
    scope = Scope.of(flights.id, flights.name)
    sheet = {
        "flat": lambda: trend_facts(frame, scope, "time_hour", "arr_delay", "mean", "month"),
        "rise": lambda: trend_facts(frame, scope, "time_hour", None, "count", "day"),
        "pairs": lambda: relation_facts(frame, scope, x="dep_delay", y="arr_delay"),
        "carriers": lambda: group_facts(frame, scope, dimensions=("carrier",), measure="arr_delay",
                                        aggregation="mean"),
        "sums": lambda: group_facts(frame, scope, dimensions=("origin",), measure="distance", aggregation="sum"),
    }[key]
    facts = sheet()
    text = template_narrative(facts)
    checks = check_claims(text, facts.payload())
    assert all(c.ok for c in checks), (text, [c.explanation for c in checks if not c.ok])


def test_a_blank_group_label_is_never_taken_as_named():
    from lib.verify.claims import _mentions

    assert _mentions("Наименьшие: «(группа из одной строки)» — 1.", " ") == []
    assert _mentions("Наименьшие: «» — 2.", "") == []
