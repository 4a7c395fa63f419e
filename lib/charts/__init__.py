"""Fact sheet → plotly Figure. Charts never compute statistics; they draw what the facts hold."""

from __future__ import annotations

import html
import re

import plotly.graph_objects as go

FONT = "Inter, Segoe UI, Roboto, Arial, sans-serif"
_LINE_BREAKS = re.compile(r"\s*[\r\n\v\f\u2028\u2029]+\s*")


def chart_text(text: object) -> str:
    """`text` for a plotly title or label as written: plotly reads a small HTML subset (`<b>`, `<a href>`,
    `<br>`, entities), so names from the data could otherwise restyle a chart or add a link."""
    return html.escape(_LINE_BREAKS.sub(" ", str(text)), quote=False)


def russian_layout(fig: go.Figure, *, title: str, x_title: str = "", y_title: str = "", height: int = 380) -> go.Figure:
    """Russian number format (decimal comma, space-separated thousands), no SI suffixes, titled axes;
    titles are shown literally (see `chart_text`)."""
    fig.update_layout(
        title={"text": chart_text(title), "x": 0, "xanchor": "left"},
        separators=", ",
        height=height,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        font={"family": FONT},
        showlegend=fig.layout.showlegend if fig.layout.showlegend is not None else False,
        hoverlabel={"font": {"family": FONT}},
    )
    fig.update_xaxes(title_text=chart_text(x_title), automargin=True)
    fig.update_yaxes(title_text=chart_text(y_title), automargin=True)
    return fig


SMALL_COUNTS = 10  # up to this a count axis is ticked at every whole number


def no_si(fig: go.Figure, axis: str = "y") -> go.Figure:
    """Plain grouped whole numbers on a count axis (plotly would print `120k`); small counts are ticked at
    every integer, since plotly's 0,25 steps printed as whole numbers read «0, 1, 1, 1»."""
    update = fig.update_yaxes if axis == "y" else fig.update_xaxes
    drawn = [v for trace in fig.data for v in (getattr(trace, axis, None) or ()) if isinstance(v, (int, float))]
    if drawn and max(abs(v) for v in drawn) <= SMALL_COUNTS:
        update(dtick=1, tick0=0)
    update(tickformat=",d")
    return fig
