"""One entry per report page: its title, starting options, the fact function and the blocks it shows.

The report is `SECTIONS` in order, as the app's navigation orders the report pages.
Each page's figures, tables and charts come from the same lib/facts, lib/charts and table builders the
Streamlit pages use; nothing is computed here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from lib.charts.columns import box_chart, histogram_chart, timeline_chart, top_values_chart
from lib.charts.compare import compare_chart
from lib.charts.groups import group_bar_chart, group_heatmap
from lib.charts.overview import kinds_chart, missing_chart
from lib.charts.quality import missing_by_column_chart, outliers_chart
from lib.charts.relations import METHODS, correlation_heatmap, scatter_chart
from lib.charts.trends import change_chart, trend_chart
from lib.facts.base import FactSheet
from lib.facts.columns import ColumnFacts, column_facts
from lib.facts.compare import AGGREGATIONS as COMPARE_AGGREGATIONS
from lib.facts.compare import MODES as COMPARE_MODES
from lib.facts.compare import CompareFacts, compare_defaults, compare_facts
from lib.facts.defaults import Choices
from lib.facts.groups import AGGREGATIONS as GROUP_AGGREGATIONS
from lib.facts.groups import GroupFacts, dimension_label, group_facts
from lib.facts.overview import OverviewFacts, overview_facts
from lib.facts.quality import SEVERITIES, QualityFacts, quality_facts
from lib.facts.relations import RelationFacts, relation_facts
from lib.facts.trends import AGGREGATIONS as TREND_AGGREGATIONS
from lib.facts.trends import PERIODS, TrendFacts, trend_facts
from lib.fmt import fmt_bytes, fmt_int, fmt_pct
from lib.report.model import Block, Chart, Metrics, Note, Table
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
from lib.tables.cells import MAX_DECIMALS, display_frame
from lib.tables.compare import compare_table, side_texts, significance_caption
from lib.tables.overview import column_table

Options = dict[str, Any]


@dataclass(frozen=True)
class PageSpec:
    """A report page. `defaults` gives the page's starting options for a dataset, or a Russian notice when the
    page has nothing to show for it; `fact_options` picks what the fact function takes from the options."""

    key: str
    title: str
    compute: Callable[..., FactSheet]
    defaults: Callable[[Choices], Options | str]
    blocks: Callable[[Any, Options], list[Block]]
    empty_message: str
    fact_keys: tuple[str, ...] = ()
    describe: Callable[[Options], str] = lambda options: ""

    def fact_options(self, options: Mapping[str, Any]) -> Options:
        return {key: options[key] for key in self.fact_keys if key in options}

    def notice_for(self, facts: FactSheet) -> str:
        """The page's notice when `facts` describe nothing (the page stops there), else ''."""
        if not facts.is_empty:
            return ""
        if isinstance(facts, GroupFacts) and facts.small_groups:
            return (f"Во всех группах меньше {fmt_int(facts.min_rows)} {facts.size_unit}. "
                    "Уменьшите порог «Не меньше строк в группе».")
        return EMPTY_FILTERED if getattr(facts, "rows", 1) == 0 else self.empty_message


def table(title: str, frame: pd.DataFrame, cap: int = MAX_DECIMALS) -> Table:
    """A page's table as the page shows it: every cell the Russian text of `lib.tables.cells` (same `cap`)."""
    shown = display_frame(frame, cap)
    return Table(title, tuple(str(c) for c in shown.columns),
                 tuple(tuple(str(v) for v in row) for row in shown.itertuples(index=False)))


# --- Обзор -----------------------------------------------------------------------------------------------
def overview_blocks(facts: OverviewFacts, options: Options) -> list[Block]:
    return [
        Metrics((("Строк", fmt_int(facts.rows)), ("Столбцов", fmt_int(facts.columns)),
                 ("Пустых ячеек", fmt_int(facts.missing_cells)), ("Доля пустых", fmt_pct(facts.missing_share)),
                 ("Строк-дубликатов", fmt_int(facts.duplicate_rows)), ("Память", fmt_bytes(facts.memory_bytes)))),
        Chart(missing_chart(facts)),
        Chart(kinds_chart(facts)),
        table("Столбцы", column_table(facts)),
    ]


# --- Столбцы ---------------------------------------------------------------------------------------------
def columns_defaults(choices: Choices) -> Options | str:
    if not choices.columns:
        return "В наборе нет столбцов."
    return {"column": choices.default_column}


def columns_blocks(facts: ColumnFacts, options: Options) -> list[Block]:
    blocks: list[Block] = [table("Профиль", column_profile_table(facts))]
    if facts.histogram:
        blocks.append(Chart(histogram_chart(facts)))
        if (box := box_chart(facts)) is not None:
            blocks.append(Chart(box))
    elif facts.timeline:
        blocks.append(Chart(timeline_chart(facts)))
    else:
        blocks += [Chart(top_values_chart(facts)), table("Самые частые значения", top_values_table(facts))]
    blocks.append(Note("Вся статистика посчитана по всем строкам (с учётом фильтров)."))
    return blocks


# --- Группировки -----------------------------------------------------------------------------------------
def groups_defaults(choices: Choices) -> Options | str:
    if not choices.dimensions:
        return "В наборе нет столбцов, по которым можно группировать (категорий или дат)."
    dimension, measure, aggregation = choices.group_defaults
    return {"dimensions": (dimension,), "measure": measure, "aggregation": aggregation if measure else "count",
            "min_rows": 0}  # 0: the page's default (30 values for means and medians)


def groups_describe(options: Options) -> str:
    dimensions = ", ".join(dimension_label(d) for d in options.get("dimensions", ()))
    measure = options.get("measure") or "число строк"
    return f"Группировка: {dimensions} · {GROUP_AGGREGATIONS.get(options.get('aggregation', ''), '')}: {measure}"


def groups_blocks(facts: GroupFacts, options: Options) -> list[Block]:
    blocks: list[Block] = [Chart(group_bar_chart(facts))]
    if (heatmap := group_heatmap(facts)) is not None:
        blocks.append(Chart(heatmap))
    blocks.append(Note(f"Групп: {fmt_int(facts.groups)}; по всем строкам — {group_value(facts, facts.total)}."))
    if facts.small_groups:
        blocks.append(Note(f"Ещё групп меньше {fmt_int(facts.min_rows)} {facts.size_unit}: "
                           f"{fmt_int(facts.small_groups)} — они не в рейтинге, в таблице стоят в конце "
                           "и учтены в «прочем»."))
    blocks.append(table("Группы", group_table(facts), cap=2))
    if facts.groups > len(facts.table):
        blocks.append(Note(f"В таблице первые {fmt_int(len(facts.table))} групп из {fmt_int(facts.groups)}."))
    return blocks


# --- Динамика --------------------------------------------------------------------------------------------
def trends_defaults(choices: Choices) -> Options | str:
    if not choices.datetimes:
        return "В наборе нет столбца с датами, поэтому динамику построить не по чему."
    return {"date_column": choices.datetimes[0], "measure": None, "aggregation": "count",
            "period": list(PERIODS)[2]}


def trends_describe(options: Options) -> str:
    measure = options.get("measure") or "число строк"
    return (f"Дата: {options.get('date_column')} · {TREND_AGGREGATIONS.get(options.get('aggregation', ''), '')}: "
            f"{measure} · период: {PERIODS.get(options.get('period', ''), '')}")


def trends_blocks(facts: TrendFacts, options: Options) -> list[Block]:
    blocks: list[Block] = [Chart(trend_chart(facts)), Note(trend_caption(facts))]
    if facts.partial_periods:
        blocks.append(Note(
            f"Неполные периоды: {', '.join(facts.partial_periods)} — данные или фильтр по дате охватывают их "
            "не целиком (на графике — полые точки). "
            + ("В тренд, наибольшие и наименьшие значения и изменения к предыдущему периоду они не входят."
               if facts.partial_excluded else "Значения за них посчитаны по имеющимся строкам и в тренде учтены.")))
    if facts.gaps:
        blocks.append(Note(f"Периодов без строк: {fmt_int(len(facts.gaps))} — например, {', '.join(facts.gaps[:5])}."))
    blocks += [Chart(change_chart(facts)), table("Таблица по периодам", trend_table(facts))]
    return blocks


# --- Связи -----------------------------------------------------------------------------------------------
def relations_defaults(choices: Choices) -> Options | str:
    if len(choices.measures) < 2:
        return "Для поиска связей нужны хотя бы два числовых столбца, а в этом наборе их меньше."
    return {"method": next(iter(METHODS)), "x": None, "y": None}


def relations_describe(options: Options) -> str:
    pair = f"{options['x']} — {options['y']}" if options.get("x") and options.get("y") else "самая сильная пара"
    return f"Коэффициент: {METHODS.get(options.get('method', ''), '')} · пара: {pair}"


def relations_blocks(facts: RelationFacts, options: Options) -> list[Block]:
    blocks: list[Block] = [Chart(correlation_heatmap(facts, options.get("method") or next(iter(METHODS))))]
    if facts.skipped:
        blocks.append(Note(f"Не вошли в матрицу: {', '.join(facts.skipped)} "
                           "(постоянные, почти пустые или сверх 15 столбцов)."))
    blocks.append(table("Самые сильные связи", pairs_table(facts)))
    if facts.chosen is not None:
        blocks.append(Chart(scatter_chart(facts)))
        if facts.chosen.sampled:
            blocks.append(Note(f"На графике случайная выборка из {fmt_int(len(facts.chosen.sample_x))} точек — "
                               "только для рисования; коэффициенты и линия регрессии посчитаны по всем "
                               f"{fmt_int(facts.chosen.pair.rows)} строкам."))
    return blocks


# --- Качество данных -------------------------------------------------------------------------------------
def quality_blocks(facts: QualityFacts, options: Options) -> list[Block]:
    counts = facts.severity_counts()
    blocks: list[Block] = [
        Metrics((("Пустых ячеек", fmt_int(facts.missing_cells)), ("Доля пустых", fmt_pct(facts.missing_share)),
                 ("Строк-дубликатов", fmt_int(facts.duplicate_rows)), ("Предупреждений", fmt_int(len(facts.alerts))))),
        Note("По важности: " + ", ".join(f"{label} — {fmt_int(counts[key])}" for key, label in SEVERITIES.items())),
    ]
    blocks.append(table("Предупреждения", alerts_table(facts)) if facts.alerts else Note("Проблем не найдено."))
    blocks.append(Chart(missing_by_column_chart(facts)) if facts.missing else Note("Пропусков нет."))
    if facts.outliers:
        blocks.append(Chart(outliers_chart(facts)))
    return blocks


# --- Сравнение -------------------------------------------------------------------------------------------
def compare_describe(options: Options) -> str:
    measure = options.get("measure") or "число строк"
    dimension = options.get("dimension")
    mode = COMPARE_MODES.get(options.get("mode", ""), "")
    aggregation = COMPARE_AGGREGATIONS.get(options.get("aggregation", ""), "")
    return f"{mode} · {aggregation}: {measure}" + (f" · по {dimension_label(dimension)}" if dimension else "")


def compare_blocks(facts: CompareFacts, options: Options) -> list[Block]:
    if not facts.comparable or facts.a is None or facts.b is None:
        return [Note(facts.notice or "Сравнивать не с чем.")]
    value_a, value_b, change = side_texts(facts)
    blocks: list[Block] = [Metrics(((facts.a.label, value_a), (facts.b.label, value_b), ("Изменение", change)))]
    if (significance := significance_caption(facts)) is not None:
        blocks.append(Note(significance))
    blocks.append(Chart(compare_chart(facts)))
    if facts.dimension and facts.groups:
        blocks.append(table("Все группы", compare_table(facts), cap=2))
    return blocks


def no_options(choices: Choices) -> Options | str:
    return {}


SECTIONS: list[PageSpec] = [
    PageSpec("overview", "Обзор", overview_facts, no_options, overview_blocks, "В наборе нет строк."),
    PageSpec("columns", "Столбцы", column_facts, columns_defaults, columns_blocks,
             "В столбце нет ни одного значения: все ячейки пусты.", ("column",),
             lambda o: f"Столбец: {o.get('column')}"),
    PageSpec("groups", "Группировки", group_facts, groups_defaults, groups_blocks,
             "Ни в одной группе нет значений показателя: выберите другой показатель.",
             ("dimensions", "measure", "aggregation", "min_rows"), groups_describe),
    PageSpec("trends", "Динамика", trend_facts, trends_defaults, trends_blocks,
             "В столбце нет ни одной даты.", ("date_column", "measure", "aggregation", "period"), trends_describe),
    PageSpec("compare", "Сравнение", compare_facts, compare_defaults, compare_blocks,
             "Фильтры не оставили ни одной строки.",
             ("mode", "date_column", "period", "ranges", "segment_column", "segments", "measure", "aggregation",
              "dimension"), compare_describe),
    PageSpec("relations", "Связи", relation_facts, relations_defaults, relations_blocks,
             "После фильтров осталось меньше двух числовых столбцов с разными значениями.", ("x", "y"),
             relations_describe),
    PageSpec("quality", "Качество данных", quality_facts, no_options, quality_blocks, "В наборе нет строк."),
]


def section_spec(key: str) -> PageSpec:
    return next(spec for spec in SECTIONS if spec.key == key)
