"""Charts of the «Качество данных» page: missing values by column and outlier shares."""

from __future__ import annotations

import plotly.graph_objects as go

from lib.charts import russian_layout
from lib.charts.columns import OUTLIER
from lib.facts.quality import ColumnShare, QualityFacts

WARNING = "#F58518"


def _share_bars(items: tuple[ColumnShare, ...], title: str, x_title: str, color: str) -> go.Figure:
    items = items[::-1]
    fig = go.Figure(go.Bar(
        x=[i.share * 100 for i in items], y=[i.column for i in items], orientation="h", marker_color=color,
        customdata=[i.count for i in items],
        hovertemplate="%{y}: %{x:.1f} % (%{customdata:,d})<extra></extra>",
    ))
    russian_layout(fig, title=title, x_title=x_title, height=max(240, 24 * len(items) + 100))
    fig.update_xaxes(ticksuffix=" %", rangemode="tozero", tickformat="~f")  # without a format plotly writes 0.5
    fig.update_yaxes(type="category")
    return fig


def missing_by_column_chart(facts: QualityFacts) -> go.Figure:
    return _share_bars(facts.missing, "Пропуски по столбцам", "Доля пропусков, %", OUTLIER)


def outliers_chart(facts: QualityFacts) -> go.Figure:
    return _share_bars(facts.outliers, "Выбросы по правилу IQR", "Доля значений за границами, %", WARNING)
