"""Charts of the «Группировки» page: ranked bars and, for two dimensions, a heatmap.

Means, medians, minima and maxima get no «прочее» bar (an average of the rest means nothing): the chart
shows the top groups and the bottom ones the narrative names, with a marked gap between them. For sums,
counts and shares «прочее» would dwarf the groups, so it is a labelled note under the bars instead.
"""

from __future__ import annotations

import plotly.graph_objects as go

from lib.charts import chart_text, russian_layout
from lib.charts.columns import BAR, number_format, plain_axis
from lib.facts.groups import AGGREGATIONS, GroupFacts, GroupRow, label_order
from lib.fmt import fmt_count, fmt_int, fmt_num, fmt_pct

HEATMAP_MAX = 30
BOTTOM = "#F58518"  # the bottom groups, set apart from the leaders
POSITION_AGGREGATIONS = ("mean", "median", "min", "max")  # the rest of the groups has no meaningful value


def _quoted(names: tuple[str, ...]) -> str:
    quoted = [f"«{name}»" for name in names]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} и {quoted[-1]}"


def value_title(facts: GroupFacts) -> str:
    """«Сумма «Выручка, руб.»», «Число строк», «Доля строк от итога, %»."""
    if facts.measure is None:
        return "Доля строк от итога, %" if facts.aggregation == "share" else "Число строк"
    if facts.aggregation == "share":
        return f"Доля от итога «{facts.measure}», %"
    if facts.aggregation == "count":
        return f"Число значений «{facts.measure}»"
    return f"{AGGREGATIONS[facts.aggregation].capitalize()} «{facts.measure}»"


def grouping_title(facts: GroupFacts) -> str:
    """«Сумма «Выручка, руб.» по столбцам «Регион» и «Канал продаж»»."""
    labels = facts.dimension_labels
    word = "столбцу" if len(labels) == 1 else "столбцам"
    return f"{value_title(facts)} по {word} {_quoted(labels)}"


def _shown(facts: GroupFacts, value: float | None) -> float | None:
    return None if value is None else value * 100 if facts.aggregation == "share" else value


def _value_text(facts: GroupFacts, value: float | None) -> str:
    return fmt_pct(value) if facts.aggregation == "share" else fmt_num(value)


def chart_rows(facts: GroupFacts) -> tuple[list[GroupRow], list[GroupRow]]:
    """(bars from the top down, the bottom groups among them) — the top groups, then for position
    aggregates the outsiders that are not among them, smallest last."""
    top = list(facts.top)
    if facts.aggregation not in POSITION_AGGREGATIONS:
        return top, []
    shown = {row.keys for row in top}
    bottom = [row for row in reversed(facts.outsiders) if row.keys not in shown]
    return top + bottom, bottom


def other_note(facts: GroupFacts) -> str | None:
    """The rest of the groups for sums, counts and shares, as one line under the chart."""
    other = facts.other
    if other is None or facts.aggregation in POSITION_AGGREGATIONS:
        return None
    groups = fmt_count(facts.other_groups, "группа", "группы", "групп")
    rows = fmt_count(other.rows, "строка", "строки", "строк")
    return f"Остальные {groups} вместе («прочее»): {_value_text(facts, other.value)} ({rows}) — не на графике"


def hidden_between(facts: GroupFacts, bars: list[GroupRow]) -> int:
    """Ranked groups neither among the top nor the bottom bars."""
    return max(0, facts.groups - len(bars)) if facts.aggregation in POSITION_AGGREGATIONS else 0


def group_bar_chart(facts: GroupFacts) -> go.Figure:
    bars, bottom = chart_rows(facts)
    labels = [chart_text(r.label) for r in bars]
    values = [_shown(facts, r.value) for r in bars]
    colors = [BOTTOM if r in bottom else BAR for r in bars]
    rows = [r.rows for r in bars]
    hidden = hidden_between(facts, bars)
    if bottom and hidden:  # a visible gap where the middle of the ranking is left out
        cut = len(bars) - len(bottom)
        gap = f"… ещё {fmt_int(hidden)} …"
        labels.insert(cut, gap)
        values.insert(cut, None)
        colors.insert(cut, BAR)
        rows.insert(cut, 0)
    fig = go.Figure(
        go.Bar(
            x=values[::-1],
            y=labels[::-1],
            orientation="h",
            marker_color=colors[::-1],
            customdata=rows[::-1],
            hovertemplate="%{y}: %{x:,.2~f} (строк: %{customdata:,d})<extra></extra>",
        )
    )
    note = other_note(facts)
    height = max(280, 26 * len(labels) + 100) + (30 if note else 0)
    russian_layout(fig, title=grouping_title(facts), x_title=value_title(facts), height=height)
    if note:
        fig.add_annotation(text=chart_text(note), xref="paper", yref="paper", x=0, y=1, yanchor="bottom",
                           xanchor="left", showarrow=False, font={"size": 12, "color": "#555"})
        fig.update_layout(margin={"t": 80})
    fig.update_yaxes(type="category")
    return plain_axis(fig, "x", [v for v in values if v is not None])


def group_heatmap(facts: GroupFacts) -> go.Figure | None:
    """For two dimensions: values of the table's groups on a grid (None when a side has over 30 values)."""
    if len(facts.dimensions) != 2 or not facts.table:
        return None
    rows = list(dict.fromkeys(r.keys[0] for r in facts.table))
    cols = list(dict.fromkeys(r.keys[1] for r in facts.table))
    if len(rows) > HEATMAP_MAX or len(cols) > HEATMAP_MAX or len(facts.table) < facts.groups:
        return None
    cols = sorted(cols, key=label_order)
    rows = sorted(rows, key=label_order)
    cell = {r.keys: _shown(facts, r.value) for r in facts.table}
    z = [[cell.get((a, b)) for b in cols] for a in rows]
    fig = go.Figure(
        go.Heatmap(
            z=z, x=[chart_text(c) for c in cols], y=[chart_text(r) for r in rows], colorscale="Blues",
            hovertemplate="%{y} · %{x}: %{z:,.2~f}<extra></extra>",
            colorbar={"title": {"text": ""}, "tickformat": number_format([v for row in z for v in row])},
        )
    )
    labels = facts.dimension_labels
    russian_layout(fig, title=f"{grouping_title(facts)}: все сочетания", x_title=labels[1], y_title=labels[0],
                   height=max(300, 24 * len(rows) + 120))
    fig.update_xaxes(type="category")
    fig.update_yaxes(type="category", autorange="reversed")
    return fig
