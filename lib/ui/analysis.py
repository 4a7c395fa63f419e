"""Shared pieces of the analysis pages: column choices per dataset, display tables built from facts
(formatted the Russian way, nothing computed), and the notices for empty results."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.charts.groups import value_title
from lib.facts.base import FactSheet
from lib.facts.columns import ColumnFacts
from lib.facts.defaults import Choices, choices_for
from lib.facts.groups import GroupFacts
from lib.facts.overview import KIND_LABELS
from lib.facts.quality import SEVERITIES, QualityFacts
from lib.facts.relations import RelationFacts
from lib.facts.trends import PERIODS, TrendFacts
from lib.filters import describe_filters
from lib.fmt import fmt_date, fmt_int, fmt_num, fmt_pct
from lib.ui.export import report_button
from lib.ui.safe import literal
from lib.ui.state import active_filters, current_dataset

EMPTY_FILTERED = "Фильтры не оставили ни одной строки. Ослабьте фильтры на боковой панели."


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


def group_table(facts: GroupFacts) -> pd.DataFrame:
    """Numbers stay numbers (the table sorts by them); `lib.ui.tables` writes them the Russian way."""
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
    """Numbers for a display table (empty → NaN, shown blank by lib.ui.tables, sorted as numbers)."""
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


def relations_caption(facts: RelationFacts) -> str:
    """How the strength words are decided, and the pairs left out because one column is computed from the other."""
    text = ("Сила связи — по коэффициенту Пирсона (сильная при |r| ≥ 0,7, умеренная при ≥ 0,3, иначе слабая) и "
            "только когда строк не меньше 10 и 95 % интервал r не содержит нуля; иначе «связь не подтверждается».")
    if facts.derived:
        text += (" Производные пары (один столбец вычисляется из другого) в рейтинг не входят: "
                 + "; ".join(literal(f"{p.x} — {p.y} ({p.derived})") for p in facts.derived) + ".")
    return text


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
