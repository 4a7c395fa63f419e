"""Small reusable widgets: metric rows, formatted the Russian way. The overview's table of columns is
Streamlit-free, in `lib.tables.overview` (re-exported here for the pages)."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from lib.facts.overview import OverviewFacts
from lib.fmt import fmt_bytes, fmt_int, fmt_pct
from lib.tables.overview import column_table

__all__ = ["column_table", "metric_row", "overview_metrics"]


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
