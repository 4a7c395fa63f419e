"""Small reusable widgets: metric rows and fact tables, all formatted the Russian way."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from lib.facts.overview import KIND_LABELS, ColumnSummary, OverviewFacts
from lib.fmt import fmt_bytes, fmt_date, fmt_int, fmt_num, fmt_pct


def metric_row(items: Sequence[tuple[str, str]], helps: Sequence[str | None] | None = None) -> None:
    """A row of `st.metric` cards from (label, already formatted value) pairs."""
    columns = st.columns(len(items))
    helps = helps or [None] * len(items)
    for column, (label, value), help_text in zip(columns, items, helps, strict=True):
        column.metric(label, value, help=help_text)


def overview_metrics(facts: OverviewFacts) -> None:
    metric_row(
        [
            ("Строк", fmt_int(facts.rows)),
            ("Столбцов", fmt_int(facts.columns)),
            ("Пустых ячеек", fmt_int(facts.missing_cells)),
            ("Доля пустых", fmt_pct(facts.missing_share)),
            ("Строк-дубликатов", fmt_int(facts.duplicate_rows)),
            ("Память", fmt_bytes(facts.memory_bytes)),
        ],
        helps=[
            None,
            None,
            None,
            "Доля от всех ячеек таблицы (строки × столбцы).",
            "Строки, полностью повторяющие более раннюю строку.",
            "Объём таблицы в памяти pandas.",
        ],
    )


def _profile(column: ColumnSummary) -> str:
    if column.numeric is not None and column.numeric.count:
        n = column.numeric
        return f"среднее {fmt_num(n.mean)}, медиана {fmt_num(n.median)}, от {fmt_num(n.min)} до {fmt_num(n.max)}"
    if column.top:
        return ", ".join(f"{t.value} ({fmt_pct(t.share)})" for t in column.top[:3])
    if column.first:
        return f"с {fmt_date(column.first)} по {fmt_date(column.last)}"
    return ""


def column_table(facts: OverviewFacts) -> pd.DataFrame:
    """One display row per column (strings already formatted; nothing is computed here)."""
    return pd.DataFrame(
        {
            "Столбец": [c.name for c in facts.column_facts],
            "Тип": [KIND_LABELS[c.kind] for c in facts.column_facts],
            "Пропуски": [f"{fmt_int(c.missing)} ({fmt_pct(c.missing_share)})" for c in facts.column_facts],
            "Уникальных": [fmt_int(c.unique) for c in facts.column_facts],
            "Профиль": [_profile(c) for c in facts.column_facts],
        }
    )
