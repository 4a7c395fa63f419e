"""Shared pieces of the analysis pages: column choices per dataset, page headers, the notices for empty
results, and captions with markdown-escaped names. The display tables built from facts are Streamlit-free,
in `lib.tables.analysis` (re-exported here for the pages)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.facts.base import FactSheet
from lib.facts.defaults import Choices, choices_for
from lib.facts.groups import GroupFacts
from lib.facts.relations import RelationFacts
from lib.filters import describe_filters
from lib.fmt import fmt_int, fmt_num
from lib.tables.analysis import (
    EMPTY_FILTERED,
    alerts_table,
    column_profile_table,
    group_table,
    group_value,
    pairs_table,
    top_values_table,
    trend_caption,
    trend_table,
)
from lib.ui.export import report_button
from lib.ui.safe import literal
from lib.ui.state import active_filters, current_dataset

__all__ = [
    "EMPTY_FILTERED", "alerts_table", "column_profile_table", "dataset_choices", "gap_caption", "group_table",
    "group_value", "page_defaults", "page_header", "pairs_table", "relations_caption", "stop_if_empty",
    "top_values_table", "trend_caption", "trend_table",
]


@st.cache_data(max_entries=16, show_spinner=False)
def _choices(_frame: pd.DataFrame, dataset_id: str) -> Choices:
    return choices_for(_frame, dataset_id)


def dataset_choices() -> Choices:
    """What the pages offer in their pickers, from the whole (unfiltered) current dataset."""
    dataset = current_dataset()
    return _choices(dataset.frame, dataset.id)


def page_defaults(page: str, **defaults: object) -> None:
    """Start a page's pickers (session keys `<page>_<name>`) from `defaults`: when a key is missing
    (Streamlit drops a widget's state once its page is left) and whenever the current dataset changes,
    since another table has other columns and other sensible starting choices."""
    marker = f"{page}_dataset"
    dataset_id = current_dataset().id
    changed = st.session_state.get(marker) != dataset_id
    for name, value in defaults.items():
        if changed or f"{page}_{name}" not in st.session_state:
            st.session_state[f"{page}_{name}"] = value
    st.session_state[marker] = dataset_id


def page_header(title: str) -> None:
    st.title(title)
    caption = literal(current_dataset().name)
    if active_filters():
        caption += f" · фильтры: {literal(describe_filters(active_filters()))}"
    st.caption(caption)
    report_button()


def stop_if_empty(facts: FactSheet, message: str) -> None:
    """Show a Russian notice and stop the page when the facts describe nothing."""
    if not facts.is_empty:
        return
    st.info(EMPTY_FILTERED if getattr(facts, "rows", 1) == 0 else message)
    st.stop()


def gap_caption(facts: GroupFacts) -> str:
    """Whether the leader–outsider gap survives its test, in words; empty when there is no outsider."""
    if not facts.outsiders:
        return ""
    leader, outsider = literal(facts.leaders[0].label), literal(facts.outsiders[0].label)
    if facts.gap_p is None or facts.gap_test is None:
        return (f"Разрыв «{leader}» и «{outsider}» для этого агрегата на значимость не проверяется "
                "(тест есть для среднего, медианы и доли строк).")
    p_value = "p < 0,001" if facts.gap_p < 0.001 else f"p = {fmt_num(facts.gap_p, 3)}"
    verdict = ("статистически значим" if facts.gap_significant
               else "статистически не значим — первое место может быть случайным")
    return (f"Разрыв «{leader}» и «{outsider}» {verdict} ({facts.gap_test}, {p_value} с поправкой Бонферрони "
            f"на {fmt_int(facts.comparisons)} пар групп; порог p < 0,05).")


def relations_caption(facts: RelationFacts) -> str:
    """How the strength words are decided, and the pairs left out because one column is computed from the other."""
    text = ("Сила связи — по коэффициенту Пирсона (сильная при |r| ≥ 0,7, умеренная при ≥ 0,3, иначе слабая) и "
            "только когда строк не меньше 10 и 95 % интервал r не содержит нуля; иначе «связь не подтверждается».")
    if facts.derived:
        text += (" Производные пары (один столбец вычисляется из другого) в рейтинг не входят: "
                 + "; ".join(literal(f"{p.x} — {p.y} ({p.derived})") for p in facts.derived) + ".")
    return text


