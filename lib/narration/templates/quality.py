"""Качество данных: alerts by severity."""

from __future__ import annotations

from typing import Any

from lib.facts.base import FactSheet
from lib.fmt import fmt_count, fmt_int
from lib.narration.templates.common import (
    filtered,
    joined,
    percent_text,
    quoted,
    rows_text,
)


def quality_template(facts: FactSheet) -> str:
    p = facts.payload()
    sentences = [f"Проверено {rows_text(p['строк'])} и {fmt_count(p['столбцов'], 'столбец', 'столбца', 'столбцов')}"
                 f"{filtered(p)}."]
    cells = p["пустых ячеек"]
    sentence = (f"Пустых ячеек — {fmt_int(cells)} ({percent_text(p['пустых ячеек, %'])})" if cells
                else "Пустых ячеек нет")
    duplicates = p["строк-дубликатов"]
    sentence += (f", строк-дубликатов — {fmt_int(duplicates)} ({percent_text(p['строк-дубликатов, %'])})."
                 if duplicates else ", строк-дубликатов нет.")
    sentences.append(sentence)
    counts = p["предупреждений"]
    if any(counts.values()):
        parts = [f"{label} важности — {fmt_int(n)}" for label, n in
                 (("высокой", counts["высокая"]), ("средней", counts["средняя"]), ("низкой", counts["низкая"])) if n]
        sentences.append(f"Предупреждений {joined(parts)}.")
    else:
        sentences.append("Предупреждений нет.")
    alerts = p.get("предупреждения") or []
    described = [_alert(a) for a in alerts[:3]]
    if described:
        sentences.append(f"Главное: {'; '.join(described)}.")
    missing = p.get("пропуски") or []
    if missing:
        top = missing[0]
        # «пропусков в столбце» would name «столбцов с пропусками»: the column comes after a dash
        sentences.append(f"Больше всего пропусков — в столбце {quoted(top['столбец'])}: {fmt_int(top['пропусков'])} "
                         f"({percent_text(top['доля, %'])}).")
    return " ".join(sentences[:6])


def _alert(alert: dict[str, Any]) -> str:
    where = f"столбец {quoted(alert['столбец'])}" if alert.get("столбец") else "вся таблица"
    text = f"{where} — {alert['проблема']}"
    distinct = alert.get("различных значений")
    if distinct == 1 and alert.get("подробно"):
        return f"{text}: всегда {quoted(alert['подробно'])}"
    if distinct is not None:
        return f"{text} ({fmt_int(distinct)} различн.)"
    if "число" in alert:
        # the count named by its noun: a bare «(1, 50 %)» after «столбец «x»» reads as a number of columns
        amount = f"{'значений' if alert.get('столбец') else 'строк'}: {fmt_int(alert['число'])}"
        if alert.get("доля, %") is not None:
            amount += f", {percent_text(alert['доля, %'])}"
        text += f" ({amount})"
    return text
