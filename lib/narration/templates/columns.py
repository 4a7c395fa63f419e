"""Столбцы: one column's profile."""

from __future__ import annotations

from typing import Any

from lib.facts.base import FactSheet
from lib.fmt import fmt_count, fmt_date, fmt_int
from lib.narration.templates.common import (
    filtered,
    joined,
    number,
    percent_text,
    quoted,
    rows_text,
)


def columns_template(facts: FactSheet) -> str:
    p = facts.payload()
    sentences = [
        f"Столбец {quoted(p['столбец'])}, тип — {p['тип']}{filtered(p)}: {rows_text(p['строк'])}, "
        f"уникальных значений — {fmt_int(p['уникальных'])}."
    ]
    sentences.append(
        "Пропусков нет." if not p["пропусков"]
        else f"Пропусков — {fmt_int(p['пропусков'])} ({percent_text(p['пропусков, %'])})."
    )
    if "среднее" in p:
        sentences.append(_spread(p))
        outliers = p.get("выбросы (правило IQR)")
        if outliers and outliers["всего"]:
            sentences.append(
                f"По правилу IQR выбросами считаются значения ниже {number(outliers['нижняя граница'])} "
                f"или выше {number(outliers['верхняя граница'])}: таких {fmt_int(outliers['всего'])} "
                f"({percent_text(outliers['доля, %'])}), из них {fmt_int(outliers['ниже'])} снизу "
                f"и {fmt_int(outliers['выше'])} сверху."
            )
        elif outliers:
            sentences.append("Выбросов по правилу IQR нет.")
    top = p.get("частые значения") or []
    if top:
        first = top[0]
        sentence = (
            f"Чаще всего встречается {quoted(first['значение'])}: {rows_text(first['строк'])}, "
            f"{percent_text(first['доля, %'])} заполненных значений"
        )
        others = [f"{quoted(t['значение'])} — {percent_text(t['доля, %'])}" for t in top[1:3]]
        if others:
            sentence += f"; за ним {joined(others)}"
        sentences.append(sentence + ".")
        rest = p.get("прочие значения")
        if rest:
            share = percent_text(rest["доля, %"])
            sentences.append(f"Остальные значения вместе — {rows_text(rest['строк'])} ({share}).")
    if p.get("с"):
        days = p.get("дней")
        span = f" ({fmt_count(days, 'день', 'дня', 'дней')})" if days else ""
        sentences.append(f"Даты охватывают период с {fmt_date(p['с'])} по {fmt_date(p['по'])}{span}.")
    return " ".join(sentences[:6])


def _spread(p: dict[str, Any]) -> str:
    """Mean, median, range and quartiles; a statistic that could not be computed (None: values near ±1e308
    overflow) is left out of the sentence rather than printed."""
    centre = ", ".join(f"{label} — {number(p[key])}" for label, key in (("среднее", "среднее"),
                                                                       ("медиана", "медиана"))
                       if p.get(key) is not None)
    spread = []
    if p.get("мин") is not None and p.get("макс") is not None:
        spread.append(f"значения лежат от {number(p['мин'])} до {number(p['макс'])}")
    if p.get("Q1") is not None and p.get("Q3") is not None:
        spread.append(f"половина из них — между {number(p['Q1'])} и {number(p['Q3'])}")
    text = "; ".join(part for part in (centre, ", ".join(spread)) if part) or "числовую сводку посчитать не удалось"
    return text[0].upper() + text[1:] + "."
