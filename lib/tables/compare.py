"""The «Сравнение» table of groups, the two sides' texts and the significance line, built from facts,
Streamlit-free (the page shows them through lib/ui, the report through lib/report)."""

from __future__ import annotations

import pandas as pd

from lib.facts.compare import AGGREGATIONS, CompareFacts
from lib.facts.groups import dimension_label
from lib.fmt import fmt_num, fmt_pct

STATUS_LABELS = {"new": "появилась", "gone": "исчезла", "both": ""}


def _shown(facts: CompareFacts, value: float | None) -> float | None:
    return None if value is None else value * 100 if facts.aggregation == "share" else value


def compare_table(facts: CompareFacts) -> pd.DataFrame:
    """Every group of the dimension: both sides, the change, and (when decomposed) its contribution.

    Numbers stay numbers (lib.tables.cells formats them the Russian way and keeps sorting numeric)."""
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
