"""`Report` → one self-contained HTML file: opens offline, plotly.js embedded once, charts interactive,
nothing fetched from any other host; a print stylesheet (A4, each page on its own sheet) so the browser's
«Сохранить как PDF» gives a clean document."""

from __future__ import annotations

import html
from functools import cache

from plotly.offline import get_plotlyjs

from lib.report.model import Block, Chart, Metrics, NarrativeBlock, Note, Report, Section, Table
from lib.vocab import message_role_label

APPENDIX_TITLE = "Что видела модель"
PLOT_CONFIG = '{"displaylogo": false, "responsive": true, "locale": "ru"}'

STYLE = """
:root { --ink: #1f2328; --muted: #59636e; --line: #d0d7de; --accent: #4C78A8; --soft: #f6f8fa; }
* { box-sizing: border-box; }
html { font-family: "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "Liberation Sans", sans-serif;
       color: var(--ink); line-height: 1.5; font-size: 15px; }
body { margin: 0 auto; max-width: 1100px; padding: 24px 32px 64px; hyphens: auto; -webkit-hyphens: auto; }
h1, h2, h3 { line-height: 1.25; hyphens: manual; }
h1 { font-size: 2rem; margin: 0 0 .25rem; }
h2 { font-size: 1.5rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; margin-top: 0; }
h3 { font-size: 1.1rem; margin: 1.25rem 0 .5rem; }
.cover dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1.5rem; margin: 1.5rem 0; }
.cover dt { color: var(--muted); }
.cover dd { margin: 0; }
.toc ol { padding-left: 1.25rem; }
.toc a { color: var(--accent); text-decoration: none; }
section.page { margin-top: 3rem; }
.subtitle, .note, .verdict { color: var(--muted); }
.metrics { display: flex; flex-wrap: wrap; gap: .75rem; margin: 1rem 0; }
.metric { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .9rem; min-width: 9rem; }
.metric .label { color: var(--muted); font-size: .85rem; }
.metric .value { font-size: 1.35rem; font-weight: 600; white-space: nowrap; }
.narrative { background: var(--soft); border-left: 4px solid var(--accent); padding: .75rem 1rem; margin: 1rem 0; }
.narrative p { margin: .4rem 0; }
.chart { width: 100%; margin: 1rem 0; break-inside: avoid; page-break-inside: avoid; }
table { border-collapse: collapse; margin: 1rem 0; font-size: .9rem; width: 100%; }
caption { text-align: left; font-weight: 600; padding-bottom: .25rem; }
th, td { border: 1px solid var(--line); padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: var(--soft); }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.appendix pre { white-space: pre-wrap; word-break: break-word; background: var(--soft); padding: .75rem;
                font-size: .8rem; border: 1px solid var(--line); }
footer { margin-top: 3rem; color: var(--muted); font-size: .85rem; }
@page { size: A4; margin: 15mm 14mm; }
@media print {
  html { font-size: 11pt; }
  body { max-width: none; padding: 0; }
  .toc { display: none; }
  section.page, section.appendix { break-before: page; page-break-before: always; margin-top: 0; }
  .chart { width: 180mm !important; max-width: 100%; }
  table { font-size: 9pt; }
  tr { break-inside: avoid; }
}
"""

RENDER_SCRIPT = """
(function () {
  var charts = [];
  document.querySelectorAll("script.chart-data").forEach(function (data) {
    var spec = JSON.parse(data.textContent);
    var el = document.getElementById(data.dataset.target);
    Plotly.newPlot(el, spec.data, spec.layout, PLOT_CONFIG);
    charts.push(el);
  });
  window.addEventListener("beforeprint", function () { charts.forEach(function (c) { Plotly.Plots.resize(c); }); });
  document.documentElement.dataset.chartsRendered = String(charts.length);
})();
""".replace("PLOT_CONFIG", PLOT_CONFIG)


@cache
def plotly_js() -> str:
    """plotly.js as bundled with the plotly package (no CDN), safe inside a <script> element."""
    return get_plotlyjs().replace("</script", "<\\/script")


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _numeric(cell: str) -> bool:
    stripped = cell.replace("\u00a0", "").replace(" ", "").replace("%", "").replace("−", "").replace(",", "")
    return bool(stripped) and stripped.isdigit()


def render_table(table: Table) -> str:
    head = "".join(f"<th>{esc(c)}</th>" for c in table.columns)
    body = "".join(
        "<tr>" + "".join(f'<td class="num">{esc(v)}</td>' if _numeric(v) else f"<td>{esc(v)}</td>" for v in row)
        + "</tr>"
        for row in table.rows
    )
    return f"<table><caption>{esc(table.title)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_metrics(metrics: Metrics) -> str:
    cards = "".join(f'<div class="metric"><div class="label">{esc(label)}</div><div class="value">{esc(value)}</div>'
                    "</div>" for label, value in metrics.items)
    return f'<div class="metrics">{cards}</div>'


def render_chart(chart: Chart, chart_id: str) -> str:
    spec = chart.figure.to_json().replace("</", "<\\/")
    height = chart.figure.layout.height or 380
    return (f'<div class="chart" id="{chart_id}" style="height:{int(height)}px" role="img" '
            f'aria-label="{esc(chart.title)}"></div>'
            f'<script type="application/json" class="chart-data" data-target="{chart_id}">{spec}</script>')


def render_block(block: Block, chart_id: str) -> str:
    if isinstance(block, Metrics):
        return render_metrics(block)
    if isinstance(block, Table):
        return render_table(block)
    if isinstance(block, Chart):
        return render_chart(block, chart_id)
    if isinstance(block, Note):
        return f'<p class="note">{esc(block.text)}</p>'
    raise TypeError(f"unknown block {block!r}")


def verdict_line(narrative: NarrativeBlock) -> str:
    """«Проверено чисел: 14 из 14 · текст модели · модель: qwen2.5:3b» (no model named when none was asked)."""
    line = f"{narrative.verdict} · {narrative.source_label}"
    return f"{line} · модель: {narrative.model}" if narrative.model else line


def render_narrative(narrative: NarrativeBlock) -> str:
    paragraphs = "".join(f"<p>{esc(p.strip())}</p>" for p in narrative.text.split("\n\n") if p.strip())
    note = f'<p class="note">{esc(narrative.note)}</p>' if narrative.note else ""
    return f'<div class="narrative">{paragraphs}<p class="verdict">{esc(verdict_line(narrative))}</p>{note}</div>'


def render_section(section: Section, index: int) -> str:
    parts = [f'<section class="page" id="{esc(section.key)}"><h2>{esc(section.title)}</h2>']
    if section.subtitle:
        parts.append(f'<p class="subtitle">{esc(section.subtitle)}</p>')
    if section.notice:
        parts.append(f'<p class="note">{esc(section.notice)}</p>')
    if section.narrative is not None:
        parts.append(render_narrative(section.narrative))
    parts += [render_block(block, f"chart-{index}-{i}") for i, block in enumerate(section.blocks)]
    parts.append("</section>")
    return "".join(parts)


def render_cover(report: Report) -> str:
    cover = report.cover
    rows = [("Набор данных", cover.dataset), ("Источник", cover.source),
            ("Размер", cover.size),
            ("Фильтры", cover.filters), ("Создан", cover.created), ("Версия Сводки", cover.version),
            ("Модель", cover.model)]
    items = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in rows)
    toc = "".join(f'<li><a href="#{esc(s.key)}">{esc(s.title)}</a></li>' for s in report.sections)
    return (f'<header class="cover"><h1>Сводка</h1><p class="subtitle">{esc(cover.dataset)}</p><dl>{items}</dl>'
            f'</header><nav class="toc"><h3>Содержание</h3><ol>{toc}</ol></nav>')


def render_appendix(report: Report) -> str:
    parts = [f'<section class="appendix" id="prompts"><h2>{APPENDIX_TITLE}</h2>',
             "<p class=\"note\">Модель видит только сводку фактов ниже — ни одной строки таблицы.</p>"]
    for section in report.sections:
        if section.narrative is None or not section.narrative.messages:
            continue
        parts.append(f"<h3>{esc(section.title)}</h3>")
        for message in section.narrative.messages:
            label = message_role_label(message.get("role", ""))
            parts.append(f'<p class="note">{esc(label)}</p><pre>{esc(message.get("content", ""))}</pre>')
    parts.append("</section>")
    return "".join(parts)


def render_html(report: Report, *, appendix: bool = True) -> str:
    """The whole document as one HTML string."""
    body = [render_cover(report)] + [render_section(s, i) for i, s in enumerate(report.sections)]
    if appendix:
        body.append(render_appendix(report))
    body.append(f"<footer>Сводка {esc(report.cover.version)} · {esc(report.cover.created)}</footer>")
    return (
        '<!DOCTYPE html>\n<html lang="ru"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(report.title)}</title><style>{STYLE}</style>"
        f"<script>{plotly_js()}</script></head><body>"
        + "".join(body)
        + f"<script>{RENDER_SCRIPT}</script></body></html>"
    )
