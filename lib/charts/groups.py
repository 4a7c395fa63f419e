"""Charts of the «Группировки» page: top-N bars with «прочее» and, for two dimensions, a heatmap."""

from __future__ import annotations

import plotly.graph_objects as go

from lib.charts import russian_layout
from lib.charts.columns import BAR, OTHER, number_format, plain_axis
from lib.facts.groups import AGGREGATIONS, GroupFacts, label_order

HEATMAP_MAX = 30


def value_title(facts: GroupFacts) -> str:
    return f"{AGGREGATIONS[facts.aggregation].capitalize()}: {facts.measure_label}"


def _shown(facts: GroupFacts, value: float | None) -> float | None:
    return None if value is None else value * 100 if facts.aggregation == "share" else value


def group_bar_chart(facts: GroupFacts) -> go.Figure:
    rows = list(facts.top)
    colors = [BAR] * len(rows)
    if facts.other is not None:
        rows.append(facts.other)
        colors.append(OTHER)
    fig = go.Figure(
        go.Bar(
            x=[_shown(facts, r.value) for r in rows][::-1],
            y=[r.label for r in rows][::-1],
            orientation="h",
            marker_color=colors[::-1],
            customdata=[r.rows for r in rows][::-1],
            hovertemplate="%{y}: %{x:,.2~f} (строк: %{customdata:,d})<extra></extra>",
        )
    )
    title = f"{value_title(facts)} по {' × '.join(facts.dimension_labels)}"
    russian_layout(fig, title=title, x_title=value_title(facts), height=max(280, 26 * len(rows) + 100))
    fig.update_yaxes(type="category")
    return plain_axis(fig, "x", [_shown(facts, r.value) for r in rows])


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
            z=z, x=cols, y=rows, colorscale="Blues",
            hovertemplate="%{y} · %{x}: %{z:,.2~f}<extra></extra>",
            colorbar={"title": {"text": ""}, "tickformat": number_format([v for row in z for v in row])},
        )
    )
    labels = facts.dimension_labels
    russian_layout(fig, title=f"{value_title(facts)}: {labels[0]} × {labels[1]}", x_title=labels[1],
                   y_title=labels[0], height=max(300, 24 * len(rows) + 120))
    fig.update_xaxes(type="category")
    fig.update_yaxes(type="category", autorange="reversed")
    return fig

