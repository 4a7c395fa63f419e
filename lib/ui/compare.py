"""The «Сравнение» page's pickers (cached per dataset) and its table of groups, built from facts."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.facts.compare import AGGREGATIONS, CompareChoices, CompareFacts, compare_choices
from lib.facts.groups import dimension_label
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


def comparison_defaults(choices: CompareChoices) -> dict[str, object]:
    """Starting choices: the first date column by month, the row count, the first small category to explain by.

    On the embedded flights: mean arr_delay by carrier, the question the dataset is known for."""
    preset = current_dataset().id.startswith("embedded:flights")
    categorical = [d for d in choices.dimensions if "@" not in d]
    segment = next(iter(choices.segments), None)
    measure = "arr_delay" if preset and "arr_delay" in choices.measures else None
    return {
        "mode": "previous" if choices.date_columns else "segments",
        "date": choices.date_columns[0] if choices.date_columns else None,
        "period": "month",
        "segment_column": "origin" if preset and "origin" in choices.segments else segment,
        "measure": measure,
        "aggregation": "mean" if measure else "count",
        "dimension": "carrier" if preset and "carrier" in categorical else (categorical or [None])[0],
    }
