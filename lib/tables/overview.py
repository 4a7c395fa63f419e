"""The overview's table of columns, built from facts (strings already formatted), Streamlit-free."""

from __future__ import annotations

import pandas as pd

from lib.facts.overview import KIND_LABELS, ColumnSummary, OverviewFacts
from lib.fmt import fmt_date, fmt_int, fmt_num, fmt_pct


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
