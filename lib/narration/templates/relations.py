"""Связи: the strongest pairs and the chosen pair."""

from __future__ import annotations

from typing import Any

from lib.facts.base import FactSheet
from lib.fmt import fmt_int, plural
from lib.narration.templates.common import (
    filtered,
    joined,
    number,
    quoted,
)


def _pair(item: dict[str, Any]) -> str:
    coefficients = []
    if item.get("Пирсон") is not None:
        coefficients.append(f"Пирсон {number(item['Пирсон'])}")
    if item.get("Спирмен") is not None:
        coefficients.append(f"Спирмен {number(item['Спирмен'])}")
    direction = f", {item['направление']}" if item.get("направление") else ""  # none without a confirmed link
    return f"{quoted(item['пара'])} ({', '.join(coefficients)}): {item['сила']}{direction}"


def relations_template(facts: FactSheet) -> str:
    p = facts.payload()
    sentences = [
        f"Связи искали между {fmt_int(p['числовых столбцов'])} числовыми столбцами по всем "
        f"{fmt_int(p['строк'])} строкам{filtered(p)}."
    ]
    strongest = p.get("сильнейшие связи") or []
    if strongest:
        sentences.append(f"Самая сильная связь — {_pair(strongest[0])}.")
    if len(strongest) > 1:
        sentences.append(f"Далее идут {joined([_pair(s) for s in strongest[1:3]])}.")
    chosen = p.get("выбранная пара")
    if chosen:
        text = f"На диаграмме рассеяния — пара {_pair(chosen)}; строк с обоими значениями — {fmt_int(chosen['строк'])}"
        if chosen.get("наклон") is not None:
            text += f", наклон линии регрессии — {number(chosen['наклон'])}"
        sentences.append(text + ".")
        drawn = chosen["точек на графике"]
        sentences.append(
            f"На графике {fmt_int(drawn)} {plural(drawn, 'точка', 'точки', 'точек')} случайной выборки, "
            "только для рисования; коэффициенты посчитаны по всем строкам."
            if drawn < chosen["строк"] else
            f"На графике все {fmt_int(drawn)} {plural(drawn, 'точка', 'точки', 'точек')}."
        )
    if p.get("не вошли"):
        sentences.append(f"Не вошли в расчёт: {joined([quoted(c) for c in p['не вошли'][:5]])}.")
    return " ".join(sentences[:6])
