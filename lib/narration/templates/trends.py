"""Динамика: first and last periods, change, extremes, direction."""

from __future__ import annotations

from typing import Any

from lib.facts.base import FactSheet
from lib.fmt import fmt_count, fmt_int
from lib.narration.templates.common import (
    filtered,
    joined,
    number,
    percent_text,
    quoted,
    signed,
    signed_percent,
)


def _period(item: dict[str, Any]) -> str:
    return f"{item['период']}, неполный" if item.get("неполный период") else item["период"]


def trends_template(facts: FactSheet) -> str:
    p = facts.payload()
    first, last = p["первый период"], p["последний период"]
    sentences = [
        f"Динамика показателя {quoted(p['показатель'])} ({p['агрегат']}) по столбцу {quoted(p['дата'])}"
        f"{filtered(p)}, период — {p['период']}: "
        f"{fmt_count(p['периодов'], 'период', 'периода', 'периодов')}.",
        f"В первом периоде ({_period(first)}) значение — {number(first['значение'])}, "
        f"в последнем ({_period(last)}) — {number(last['значение'])}"
        if first["значение"] is not None and last["значение"] is not None
        else f"Ряд начинается периодом {_period(first)} и заканчивается периодом {_period(last)}",
    ]
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
        counted = p.get("неполные периоды в тренде и сравнениях") == "учтены"
        sentences.append(f"Неполные периоды (данные или фильтр по дате охватывают их не целиком): {joined(partial)}"
                         + ("; они учтены в расчёте, но сравнивать их с остальными стоит осторожно."
                            if counted else "; в тренд, наибольшие и наименьшие значения и изменения они не вошли."))
    best = p.get("наибольшие") or []
    worst = p.get("наименьшие") or []
    if best:
        text = f"Наибольшее значение — {_period(best[0])}: {number(best[0]['значение'])}"
        if worst:
            text += f"; наименьшее — {_period(worst[0])}: {number(worst[0]['значение'])}"
        sentences.append(text + ".")
    direction = p.get("тренд")
    if p.get("наклон за период") is not None:
        slope = f"наклон {signed(p['наклон за период'])} за период"
        relative = p.get("наклон за период, % от среднего")
        if relative is not None:
            slope += f", {percent_text(abs(relative))} от среднего уровня"
        if direction in ("рост", "снижение"):
            sentences.append(f"В целом заметен тренд: {direction} ({slope}).")
        else:
            sentences.append(f"Выраженного тренда нет ({slope}).")
    gaps = p.get("пропущенных периодов", 0)
    if gaps:
        listed = joined(list(p.get("пропуски", [])))
        sentences.append(f"Периодов без строк — {fmt_int(gaps)}: {listed}.")
    else:
        sentences.append("Периодов без строк нет.")
    return " ".join(sentences[:6])
