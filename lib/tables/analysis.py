"""The analysis pages' display tables and captions, built from facts (formatted the Russian way, nothing
computed), Streamlit-free: the pages show them through lib/ui, the headless report through lib/report."""

from __future__ import annotations

import pandas as pd

from lib.charts.groups import value_title
from lib.facts.columns import ColumnFacts
from lib.facts.groups import GroupFacts
from lib.facts.overview import KIND_LABELS
from lib.facts.quality import SEVERITIES, QualityFacts
from lib.facts.relations import RelationFacts
from lib.facts.trends import PERIODS, TrendFacts
from lib.fmt import fmt_date, fmt_int, fmt_num, fmt_pct

EMPTY_FILTERED = "Фильтры не оставили ни одной строки. Ослабьте фильтры на боковой панели."


def column_profile_table(facts: ColumnFacts) -> pd.DataFrame:
    items: list[tuple[str, str]] = [
        ("Тип", KIND_LABELS[facts.column_kind]),
        ("Строк", fmt_int(facts.rows)),
        ("Пропусков", f"{fmt_int(facts.missing)} ({fmt_pct(facts.missing_share)})"),
        ("Уникальных", fmt_int(facts.unique)),
    ]
    if facts.numeric is not None and facts.numeric.count:
        n = facts.numeric
        items += [("Среднее", fmt_num(n.mean)), ("Медиана", fmt_num(n.median)), ("Ст. отклонение", fmt_num(n.std)),
                  ("Минимум", fmt_num(n.min)), ("Q1", fmt_num(n.q25)), ("Q3", fmt_num(n.q75)),
                  ("Максимум", fmt_num(n.max))]
    if facts.outliers is not None:
        o = facts.outliers
        items += [("Границы выбросов", f"{fmt_num(o.lower_fence)} … {fmt_num(o.upper_fence)}"),
                  ("Выбросов", f"{fmt_int(o.count)} ({fmt_pct(o.share)}): ниже {fmt_int(o.below)}, "
                               f"выше {fmt_int(o.above)}")]
    if facts.first:
        items += [("С", fmt_date(facts.first)), ("По", fmt_date(facts.last)), ("Дней", fmt_int(facts.span_days))]
    return pd.DataFrame(items, columns=["Показатель", "Значение"])


def top_values_table(facts: ColumnFacts) -> pd.DataFrame:
    rows = [(t.value, fmt_int(t.count), fmt_pct(t.share)) for t in facts.top]
    if facts.other_count:
        rows.append(("прочее", fmt_int(facts.other_count), fmt_pct(facts.other_share)))
    return pd.DataFrame(rows, columns=["Значение", "Строк", "Доля среди заполненных"])


def group_value(facts: GroupFacts, value: float | None) -> str:
    return fmt_pct(value) if facts.aggregation == "share" else fmt_num(value)


def group_table(facts: GroupFacts) -> pd.DataFrame:
    """Numbers stay numbers (the table sorts by them); `lib.tables.cells` writes them the Russian way."""
    data: dict[str, list[object]] = {label: [r.keys[i] for r in facts.table]
                                     for i, label in enumerate(facts.dimension_labels)}
    scale = 100 if facts.aggregation == "share" else 1
    data[value_title(facts)] = [None if r.value is None else r.value * scale for r in facts.table]
    if facts.measure is not None or facts.aggregation != "count":  # a row count would repeat itself
        data["Строк"] = [r.rows for r in facts.table]
    return pd.DataFrame(data)



def trend_caption(facts: TrendFacts) -> str:
    """What the trend word rests on: the Mann–Kendall p-value and the Theil–Sen slope with its interval."""
    if facts.slope is None or facts.p_value is None:
        return "Тренд не проверялся: меньше трёх периодов со значениями."
    p_value = "p < 0,001" if facts.p_value < 0.001 else f"p = {fmt_num(facts.p_value, 3)}"
    text = (f"Тренд: {facts.direction} (тест Манна–Кендалла по {fmt_int(facts.trend_periods)} периодам, {p_value}; "
            f"значим при p < 0,05). Наклон по Тейлу–Сену {fmt_num(facts.slope)} за период, 95 % интервал "
            f"{fmt_num(facts.slope_low)} … {fmt_num(facts.slope_high)}.")
    if facts.anomalies:
        text += (f" Аномалии (|робастный z| ≥ 3,5 от линии тренда, на графике — ромбы): "
                 f"{', '.join(a.label for a in facts.anomalies)}.")
    if facts.coarsened:
        text += (f" Период укрупнён до «{PERIODS[facts.period]}»: с периодом «{PERIODS[facts.requested_period]}» "
                 "их было бы больше 2 000.")
    return text


def _numbers(values: list[float | None], scale: float = 1.0) -> pd.Series:
    """Numbers for a display table (empty → NaN, shown blank by lib.tables.cells, sorted as numbers)."""
    return pd.Series([float("nan") if v is None else v * scale for v in values], dtype="float64")


def trend_table(facts: TrendFacts) -> pd.DataFrame:
    points = facts.points
    anomalies = {a.label for a in facts.anomalies}
    return pd.DataFrame(
        {
            "Период": [f"{p.label} (неполный)" if p.partial else p.label for p in points],
            "Аномалия": ["да" if p.label in anomalies else "" for p in points],
            "Значение": _numbers([p.value for p in points]),
            "Скользящее среднее": _numbers([p.rolling for p in points]),
            "Изменение": _numbers([p.change for p in points]),
            "Изменение, %": _numbers([p.change_share for p in points], 100),
            "Строк": [p.rows for p in points],
        }
    )


def pairs_table(facts: RelationFacts) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Пара": [f"{p.x} — {p.y}" for p in facts.strongest],
            "Пирсон": _numbers([p.pearson for p in facts.strongest]),
            "Спирмен": _numbers([p.spearman for p in facts.strongest]),
            "95 % интервал (Пирсон)": [
                "" if p.pearson_low is None or p.pearson_high is None
                else f"{fmt_num(p.pearson_low)} … {fmt_num(p.pearson_high)}" for p in facts.strongest],
            "p (Пирсон)": ["" if p.pearson_p is None else "< 0,001" if p.pearson_p < 0.001
                           else fmt_num(p.pearson_p, 3) for p in facts.strongest],
            "Сила связи": [p.strength for p in facts.strongest],
            "Направление": [p.direction or "" for p in facts.strongest],
            "Строк": [p.rows for p in facts.strongest],
        }
    )


def alerts_table(facts: QualityFacts) -> pd.DataFrame:
    def amount(alert) -> str:
        if alert.code in ("constant", "high_cardinality"):
            return f"{fmt_int(alert.count)} различн."
        text = fmt_int(alert.count)
        return f"{text} ({fmt_pct(alert.share)})" if alert.share is not None else text

    return pd.DataFrame(
        {
            "Важность": [SEVERITIES[a.severity] for a in facts.alerts],
            "Проблема": [a.problem for a in facts.alerts],
            "Столбец": [a.column or "вся таблица" for a in facts.alerts],
            "Сколько": [amount(a) for a in facts.alerts],
            "Подробно": [a.detail or "" for a in facts.alerts],
        }
    )
