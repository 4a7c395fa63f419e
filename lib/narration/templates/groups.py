"""Группировки: leaders, outsiders and the gap between them."""

from __future__ import annotations

from typing import Any

from lib.facts.base import FactSheet
from lib.fmt import fmt_count, fmt_int, plural
from lib.narration.templates.common import (
    filtered,
    joined,
    number,
    percent_text,
    quoted,
    rows_text,
)
from lib.narration.templates.trends import p_value_phrase

POSITION_AGGREGATES = ("среднее", "медиана", "минимум", "максимум")


def _significance(p: dict[str, Any]) -> str:
    """What the test of the gap says, in the sheet's words; nothing is claimed for sums and counts."""
    significant = p.get("разрыв значим")
    if significant is None or not p.get("критерий"):
        return "; значимость такого разрыва для этого агрегата не проверяется"
    test = f"{p['критерий']}, {p_value_phrase(p)}"
    if p["сравнений"] > 1:
        test += f" с поправкой на {fmt_count(p['сравнений'], 'сравнение', 'сравнения', 'сравнений')}"
    if significant:
        return f"; разница статистически значима ({test})"
    return f"; разница статистически не значима ({test}): первое место может быть случайным"


def groups_template(facts: FactSheet) -> str:
    p = facts.payload()
    share = "разрыв, %" in p or any("доля, %" in g for g in p.get("наибольшие", []))
    key = "доля, %" if share else "значение"

    def shown(value: int | float | None) -> str:
        if value is None:  # e.g. a sum over groups whose measure is all missing
            return "значений нет"
        return percent_text(value) if share else number(value)

    def group(item: dict[str, Any]) -> str:
        if not share and item[key] == item["строк"]:  # row counts: the value is the number of rows
            return f"{quoted(item['группа'])} — {fmt_int(item[key])}"
        return f"{quoted(item['группа'])} — {shown(item[key])} ({rows_text(item['строк'])})"

    sentences = [
        f"Группировка по {quoted(p['группировка'])}{filtered(p)}: показатель {quoted(p['показатель'])}, "
        f"агрегат — {p['агрегат']}, {fmt_count(p['групп'], 'группа', 'группы', 'групп')}."
    ]
    if p.get("по всем строкам") is not None:
        sentences.append(f"По всем строкам значение — {number(p['по всем строкам'])}.")
    leaders = p.get("наибольшие") or []
    if leaders:
        sentences.append(f"Наибольшие значения: {joined([group(g) for g in leaders[:3]])}.")
    outsiders = p.get("наименьшие") or []
    if outsiders:
        sentences.append(f"Наименьшие: {joined([group(g) for g in outsiders[:3]])}.")
    gap = p.get("разрыв, %", p.get("разрыв"))
    if gap == 0 and leaders and outsiders:
        sentences.append("Наибольшее и наименьшее значения групп совпадают: разницы между группами нет.")
    elif gap is not None and leaders and outsiders:
        text = (f"Разница между {quoted(leaders[0]['группа'])} и {quoted(outsiders[0]['группа'])} — "
                + (f"{number(gap)} п.п." if share else number(gap)))
        if p.get("во сколько раз") is not None:
            times = p["во сколько раз"]
            text += f", то есть в {number(times)} {plural(times, 'раз', 'раза', 'раз', 'раза')}"
        sentences.append(text + _significance(p) + ".")
    other = p.get("прочее")
    if other and p["агрегат"] not in POSITION_AGGREGATES:  # a mean of «the rest» describes no group
        sentences.append(
            f"Остальные {fmt_count(other['групп'], 'группа', 'группы', 'групп')} вместе (под графиком — «прочее»): "
            f"{shown(other[key])} ({rows_text(other['строк'])})."
        )
    return " ".join(sentences[:6])
