"""The «Сравнение» page's pickers (cached per dataset) and its table of groups, built from facts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from lib.facts.compare import AGGREGATIONS, CompareChoices, CompareFacts, compare_choices, compare_defaults
from lib.facts.defaults import Choices
from lib.facts.groups import dimension_label
from lib.fmt import fmt_num, fmt_pct
from lib.ui.state import current_dataset

STATUS_LABELS = {"new": "появилась", "gone": "исчезла", "both": ""}


@st.cache_data(max_entries=16, show_spinner=False)
def _choices(_frame: pd.DataFrame, dataset_id: str) -> CompareChoices:
    return compare_choices(_frame)


def comparison_choices() -> CompareChoices:
    """What the page offers, from the whole (unfiltered) current dataset."""
    dataset = current_dataset()
    return _choices(dataset.frame, dataset.id)


def _shown(facts: CompareFacts, value: float | None) -> float | None:
    return None if value is None else value * 100 if facts.aggregation == "share" else value


def compare_table(facts: CompareFacts) -> pd.DataFrame:
    """Every group of the dimension: both sides, the change, and (when decomposed) its contribution.

    Numbers stay numbers (lib.ui.tables formats them the Russian way and keeps sorting numeric)."""
    assert facts.a is not None and facts.b is not None
    unit = ", п.п." if facts.aggregation == "share" else ""
    value = AGGREGATIONS[facts.aggregation]
    data: dict[str, list[object]] = {
        dimension_label(facts.dimension or ""): [g.label for g in facts.groups],
        f"{facts.a.label}: {value}": [_shown(facts, g.value_a) for g in facts.groups],
        f"{facts.b.label}: {value}": [_shown(facts, g.value_b) for g in facts.groups],
        f"Изменение{unit}": [None if g.value_a is None or g.value_b is None
                             else _shown(facts, g.value_b - g.value_a) for g in facts.groups],
    }
    if facts.decomposed:
        data[f"Вклад в изменение{unit}"] = [_shown(facts, g.contribution) for g in facts.groups]
        data["Доля изменения, %"] = [None if g.contribution_share is None else g.contribution_share * 100
                                     for g in facts.groups]
        if facts.rate is not None:
            data[f"Эффект значений{unit}"] = [_shown(facts, g.rate) for g in facts.groups]
            data[f"Эффект структуры{unit}"] = [_shown(facts, g.mix) for g in facts.groups]
    data[f"Строк: {facts.a.label}"] = [g.rows_a for g in facts.groups]
    data[f"Строк: {facts.b.label}"] = [g.rows_b for g in facts.groups]
    data["Группа"] = [STATUS_LABELS[g.status] for g in facts.groups]
    return pd.DataFrame(data)


def comparison_defaults(choices: CompareChoices, page_choices: Choices) -> dict[str, object]:
    """The page's starting pickers: the report's defaults (lib.facts.compare.compare_defaults over the pages'
    `page_choices`), or, without a date column, the first segment column's first two values."""
    defaults = compare_defaults(page_choices)
    segment = next(iter(choices.segments), None)
    if isinstance(defaults, str):
        return {"mode": "segments", "segment_column": segment, "measure": None, "aggregation": "count",
                "dimension": None}
    return {"mode": defaults["mode"], "date": defaults["date_column"], "period": defaults["period"],
            "segment_column": segment, "measure": defaults["measure"], "aggregation": defaults["aggregation"],
            "dimension": defaults["dimension"]}


def compare_overrides(state: Mapping[str, Any]) -> dict[str, Any]:
    """The options the user chose on «Сравнение» in this session, in compare_facts' terms (for the export)."""
    chosen: dict[str, Any] = {}
    for name, key in (("mode", "compare_mode"), ("date_column", "compare_date"), ("period", "compare_period"),
                      ("measure", "compare_measure"), ("dimension", "compare_dimension"),
                      ("segment_column", "compare_segment_column")):
        if key in state:
            chosen[name] = state[key]
    rows = chosen.get("measure") is None
    aggregation_key = "compare_aggregation_rows" if rows else "compare_aggregation"
    if aggregation_key in state:
        chosen["aggregation"] = state[aggregation_key]
    column = chosen.get("segment_column")
    if column is not None and f"compare_a_{column}" in state and f"compare_b_{column}" in state:
        chosen["segments"] = (state[f"compare_a_{column}"], state[f"compare_b_{column}"])
    date_column = chosen.get("date_column")
    ranges = [state.get(f"compare_range_{side}_{date_column}") for side in ("a", "b")]
    if all(r is not None and len(r) == 2 for r in ranges):
        chosen["ranges"] = tuple(d.isoformat() for r in ranges for d in r)
    return chosen


def side_texts(facts: CompareFacts) -> tuple[str, str, str]:
    """The two metrics and the change as the page shows them: «14,87», «+14,41 (+3123,2 %)», «+0,25 п.п.»."""
    assert facts.a is not None and facts.b is not None
    if facts.aggregation == "share":
        change = "" if facts.change is None else f"{fmt_num(facts.change * 100)} п.п."
        return fmt_pct(facts.a.value), fmt_pct(facts.b.value), change
    change = fmt_num(facts.change) + (f" ({fmt_pct(facts.change_share)})" if facts.change_share is not None else "")
    return fmt_num(facts.a.value), fmt_num(facts.b.value), change


def significance_caption(facts: CompareFacts) -> str | None:
    """One line on the test of the change, or None when the aggregate has no test."""
    if facts.test is None:
        return None
    if facts.p_value is None:
        return f"Значимость ({facts.test}) проверить нельзя: на одной из сторон меньше двух разных значений."
    verdict = "значимо" if facts.significant else "не значимо — разница может быть случайной"
    p_text = "p < 0,001" if facts.p_value < 0.001 else f"p = {fmt_num(facts.p_value, 3)}"
    return f"Изменение {verdict} ({facts.test}, {p_text}; порог 0,05)."
