"""The «Сравнение» page's pickers (cached per dataset) and its table of groups, built from facts."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.facts.compare import AGGREGATIONS, CompareChoices, CompareFacts, compare_choices
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
        "dimension": "carrier" if preset and "carrier" in categorical else (categorical[0] if categorical else None),
    }


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
