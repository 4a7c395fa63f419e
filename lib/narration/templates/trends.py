"""Динамика: first and last periods, change, extremes, the tested trend, anomalies and gaps."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lib.facts.base import FactSheet
from lib.facts.trends import OUT_OF_RANGE_KEY
from lib.fmt import fmt_count, fmt_int, fmt_num
from lib.narration.templates.common import (
    EMPTY_TEXT,
    filtered,
    joined,
    number,
    percent_text,
    quoted,
    signed,
    signed_percent,
)


def p_value_phrase(item: Mapping[str, Any]) -> str:
    """«p-значение 0,737» or «p-значение меньше 0,001», as the payload states it."""
    if item.get("p-значение меньше") is not None:
        return f"p-значение меньше {fmt_num(item['p-значение меньше'], 3)}"
    return f"p-значение {fmt_num(item['p-значение'], 3)}"


def _period(item: dict[str, Any]) -> str:
    return f"{item['период']}, неполный" if item.get("неполный период") else item["период"]


def partial_name(label: str) -> str:
    """«неполный декабрь 2013», «неполная неделя с 30.12.2013», «неполный день 31.12.2013»."""
    if label.startswith("неделя"):
        return f"неполная {label}"
    return f"неполный день {label}" if label[:1].isdigit() and "." in label else f"неполный {label}"


def _trend(p: dict[str, Any]) -> str | None:
    if p.get("наклон за период") is None:
        untested = p.get("тренд") == "нет данных"
        return "Тренд не проверялся: для теста слишком мало периодов со значениями." if untested else None
    low, high = p["наклон, 95 % интервал"]
    slope = (f"наклон по Тейлу–Сену {signed(p['наклон за период'])} за период, доверительный интервал "
             f"от {number(low)} до {number(high)}")
    test = (f"тест Манна–Кендалла по {fmt_count(p['периодов в проверке'], 'периоду', 'периодам', 'периодам')}, "
            f"{p_value_phrase(p)}")
    if p["тренд"] in ("рост", "снижение"):
        relative = p.get("наклон за период, % от среднего")
        if relative is not None and abs(relative) >= 0.1:
            slope += f" ({percent_text(abs(relative))} от среднего уровня)"
        return f"Тренд — {p['тренд']} (значимый): {test}; {slope}."
    return f"Ряд без выраженного тренда ({test}, тренд не значим); {slope}."


def _anomalies_and_gaps(p: dict[str, Any]) -> str:
    parts = []
    anomalies = p.get("аномалии") or []
    if anomalies:
        listed = [f"{a['период']} ({number(a['значение'])} при {number(a['по тренду'])} по тренду)"
                  for a in anomalies[:3]]
        parts.append(f"Аномалий (периодов далеко от линии тренда) — {fmt_int(p['аномалий'])}: {joined(listed)}")
    elif p.get("аномалий") == 0:
        parts.append("Аномалий нет")
    gaps = p.get("пропущенных периодов", 0)
    if gaps:
        parts.append(f"периодов без строк — {fmt_int(gaps)}: {joined(list(p.get('пропуски', [])))}")
    else:
        parts.append("периодов без строк нет")
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def out_of_range_note(outside: Mapping[str, Any]) -> str:
    """«даты вне 1677–2262 годов: N — их нельзя разложить по периодам» (pandas keeps dates in nanoseconds)."""
    return (f"даты вне {outside['с года']}–{outside['по год']} годов: {fmt_int(outside['дат'])} — "
            "их нельзя разложить по периодам")


def trends_empty_template(facts: FactSheet) -> str:
    """An empty Динамика: no rows left after the filters, or no date in the column that fits into periods."""
    p = facts.payload()
    if not p["строк"]:
        return EMPTY_TEXT
    if not p["дата"]:
        return "В наборе не выбран столбец с датами, поэтому динамику построить не по чему."
    outside = p.get(OUT_OF_RANGE_KEY)
    if outside:
        return (f"Динамику по столбцу {quoted(p['дата'])}{filtered(p)} построить не из чего: "
                f"{out_of_range_note(outside)}.")
    return f"В столбце {quoted(p['дата'])}{filtered(p)} нет ни одной даты."


def trends_template(facts: FactSheet) -> str:
    p = facts.payload()
    first, last = p["первый период"], p["последний период"]
    coarser = " (укрупнён: иначе слишком много периодов)" if p.get("период укрупнён") else ""
    sentences = [
        f"Динамика показателя {quoted(p['показатель'])} ({p['агрегат']}) по столбцу {quoted(p['дата'])}"
        f"{filtered(p)}, период — {p['период']}{coarser}: "
        f"{fmt_count(p['периодов'], 'период', 'периода', 'периодов')}.",
        f"В первом периоде ({_period(first)}) значение — {number(first['значение'])}, "
        f"в последнем ({_period(last)}) — {number(last['значение'])}"
        if first["значение"] is not None and last["значение"] is not None
        else f"Ряд начинается периодом {_period(first)} и заканчивается периодом {_period(last)}",
    ]
    if p.get(OUT_OF_RANGE_KEY):
        sentences[0] = sentences[0][:-1] + f"; {out_of_range_note(p[OUT_OF_RANGE_KEY])}."
    change = p.get("изменение к предыдущему")
    if change is not None:
        share = p.get("изменение к предыдущему, %")
        sentences[-1] += (f"; изменение к предыдущему периоду — {signed(change)}"
                          + (f" ({signed_percent(share)})" if share is not None else ""))
    last_full = p.get("последний полный период")
    if last_full:
        share = last_full.get("изменение к предыдущему, %")
        sentences[-1] += (f"; последний полный период — {last_full['период']}: {number(last_full['значение'])}, "
                          f"изменение к предыдущему — {signed(last_full['изменение к предыдущему'])}"
                          + (f" ({signed_percent(share)})" if share is not None else ""))
    sentences[-1] += "."
    partial = p.get("неполные периоды") or []
    if partial:
        counted = p.get("неполные в тренде") == "учтены"
        sentences.append(f"Неполные периоды (данные или фильтр по дате охватывают их не целиком): {joined(partial)}"
                         + ("; они учтены в расчёте, но сравнивать их с остальными стоит осторожно."
                            if counted else "; они не входят ни в тренд, ни в сравнение наибольших и наименьших "
                                            "значений, ни в изменения к предыдущему периоду."))
    best = p.get("наибольшие") or []
    worst = p.get("наименьшие") or []
    if best:
        among = "среди полных периодов " if partial and not counted else ""
        text = f"Наибольшее значение {among}— {_period(best[0])}: {number(best[0]['значение'])}"
        if worst:
            text += f"; наименьшее — {_period(worst[0])}: {number(worst[0]['значение'])}"
        if among:  # the chart still draws the partial periods: say what their points show
            text += "".join(f"; {partial_name(item['период'])} — {number(item['значение'])}" for item in (first, last)
                            if item.get("неполный период") and item["значение"] is not None)
        sentences.append(text + ".")
    trend = _trend(p)
    if trend:
        sentences.append(trend)
    sentences.append(_anomalies_and_gaps(p))
    return " ".join(sentences[:6])
