"""Обзор: size, column types, missing values, duplicates, the most frequent value, the date span."""

from __future__ import annotations

from typing import Any

from lib.facts.base import FactSheet
from lib.fmt import fmt_count, fmt_date, fmt_int
from lib.narration.templates.common import filtered, joined, percent_text, quoted, type_phrase


def overview_template(facts: FactSheet) -> str:
    payload = facts.payload()
    rows, columns = payload["строк"], payload["столбцов"]
    sentences = [
        f"В наборе {quoted(payload['набор'])} {fmt_count(rows, 'строка', 'строки', 'строк')} "
        f"и {fmt_count(columns, 'столбец', 'столбца', 'столбцов')}{filtered(payload)}."
    ]
    types = [(label, n) for label, n in (payload.get("типы столбцов") or {}).items() if n]
    if len(types) > 1:
        sentences.append(f"Среди столбцов {joined([type_phrase(label, n) for label, n in types])}.")
    sentences.append(_missing_sentence(payload))
    duplicates = payload.get("строк-дубликатов", 0)
    sentences.append(
        "Повторяющихся строк нет." if not duplicates
        else f"Полных дубликатов — {fmt_count(duplicates, 'строка', 'строки', 'строк')}."
    )
    column_items: list[dict[str, Any]] = payload.get("столбцы", [])
    frequent = next((c for c in column_items if c.get("частые")), None)
    if frequent:
        top = frequent["частые"][0]
        sentences.append(
            f"В столбце {quoted(frequent['имя'])} чаще всего встречается значение {quoted(top['значение'])}: "
            f"{fmt_count(top['строк'], 'строка', 'строки', 'строк')} ({percent_text(top['доля, %'])})."
        )
    dated = next((c for c in column_items if c.get("с") and c.get("по")), None)
    if dated:
        period = f"с {fmt_date(dated['с'])} по {fmt_date(dated['по'])}"
        sentences.append(f"Даты в столбце {quoted(dated['имя'])} охватывают период {period}".rstrip(".") + ".")
    return " ".join(sentences[:6])


def _missing_sentence(payload: dict[str, Any]) -> str:
    cells = payload.get("пустых ячеек", 0)
    if not cells:
        return "Пропусков нет: все ячейки заполнены."
    text = (
        f"Пустых ячеек — {fmt_int(cells)}, это {percent_text(payload['пустых ячеек, %'])} всех значений"
        if payload.get("пустых ячеек, %") is not None else f"Пустых ячеек — {fmt_int(cells)}"
    )
    gaps = [c for c in payload.get("столбцы", []) if c.get("пропусков")]
    if gaps:
        most = max(c["пропусков"] for c in gaps)
        worst = [c for c in gaps if c["пропусков"] == most]
        share = worst[0].get("пропусков, %")
        amount = fmt_int(most) + (f" ({percent_text(share)})" if share is not None else "")
        if len(worst) == 1:
            text += f"; больше всего их в столбце {quoted(worst[0]['имя'])} — {amount}"
        else:
            names = joined([quoted(c["имя"]) for c in worst])
            text += f"; больше всего их в столбцах {names} — по {amount}"
    return text + "."
