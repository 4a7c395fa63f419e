"""Charts of the overview page."""

from __future__ import annotations

import plotly.graph_objects as go

from lib.charts import no_si, russian_layout
from lib.facts.overview import KIND_LABELS, OverviewFacts

PALETTE = {
    "numeric": "#4C78A8",
    "category": "#F58518",
    "datetime": "#54A24B",
    "bool": "#B279A2",
    "text": "#9D755D",
    "id": "#BAB0AC",
    "empty": "#E45756",
}


def missing_chart(facts: OverviewFacts) -> go.Figure:
    """Share of missing values per column, only the columns that have gaps (an empty chart when none has)."""
    columns = sorted((c for c in facts.column_facts if c.missing), key=lambda c: (c.missing_share, c.name))
    fig = go.Figure(
        go.Bar(
            x=[c.missing_share * 100 for c in columns],
            y=[c.name for c in columns],
            orientation="h",
            marker_color=["#E45756" if c.missing else "#BAB0AC" for c in columns],
            customdata=[[c.missing] for c in columns],
            hovertemplate="%{y}: %{x:.1f} % пропусков (%{customdata[0]:,d} строк)<extra></extra>",
        )
    )
    russian_layout(
        fig,
        title="Пропуски по столбцам",
        x_title="Доля пропусков, %",
        height=max(260, 22 * len(columns) + 90),
    )
    # plotly applies `separators` (decimal comma) to ticks only when a tick format is set
    fig.update_xaxes(ticksuffix=" %", tickformat="~f", rangemode="tozero")
    return fig


def kinds_chart(facts: OverviewFacts) -> go.Figure:
    """How many columns of each kind."""
    counts = [(k, n) for k, n in (facts.kind_counts or {}).items() if n]
    fig = go.Figure(
        go.Bar(
            x=[KIND_LABELS[k] for k, _ in counts],
            y=[n for _, n in counts],
            marker_color=[PALETTE[k] for k, _ in counts],
            text=[n for _, n in counts],
            textposition="outside",
            hovertemplate="%{x}: %{y} столбц.<extra></extra>",
        )
    )
    russian_layout(fig, title="Типы столбцов", x_title="Тип", y_title="Число столбцов")
    return no_si(fig)
