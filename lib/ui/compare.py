"""The «Сравнение» page's pickers (cached per dataset) and the export's reading of them. Its table of groups,
side texts and significance line are Streamlit-free, in `lib.tables.compare` (re-exported here for the page)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from lib.facts.compare import CompareChoices, compare_choices, compare_defaults
from lib.facts.defaults import Choices
from lib.tables.compare import STATUS_LABELS, compare_table, side_texts, significance_caption
from lib.ui.state import current_dataset

__all__ = [
    "STATUS_LABELS", "compare_overrides", "compare_table", "comparison_choices", "comparison_defaults",
    "side_texts", "significance_caption",
]


@st.cache_data(max_entries=16, show_spinner=False)
def _choices(_frame: pd.DataFrame, dataset_id: str) -> CompareChoices:
    return compare_choices(_frame)


def comparison_choices() -> CompareChoices:
    """What the page offers, from the whole (unfiltered) current dataset."""
    dataset = current_dataset()
    return _choices(dataset.frame, dataset.id)


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
    ranges: list[Any] = [state.get(f"compare_range_{side}_{date_column}") for side in ("a", "b")]
    if all(r is not None and len(r) == 2 for r in ranges):
        chosen["ranges"] = tuple(d.isoformat() for r in ranges for d in r)
    return chosen
