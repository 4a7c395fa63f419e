"""`Report` → Markdown: headings, pipe tables, narratives with their verdict. Charts become PNG images (inline,
as data URIs, so the file stands alone) only when Chromium is there for kaleido; otherwise a line says so."""

from __future__ import annotations

import base64
import logging
import os
import re
import warnings
from collections.abc import Sequence

from lib.report.html import APPENDIX_TITLE, verdict_line
from lib.report.model import Block, Chart, Metrics, Note, Report, Section, Table
from lib.report.pdf import chromium_path
from lib.vocab import message_role_label

log = logging.getLogger(__name__)

IMAGE_WIDTH = 900
NO_IMAGES = ("Графики в Markdown не включены: для картинок нужен Chromium (kaleido), а его здесь нет. "
             "Интерактивные графики — в HTML-версии отчёта.")
IMAGES_OFF = "Графики в Markdown не включены; интерактивные графики — в HTML-версии отчёта."
IMAGE_FAILED = "График «{title}» не удалось нарисовать картинкой; он есть в HTML-версии отчёта."


MARKUP = re.compile(r"([\\`*_\[\]<>#|~])")


def literal(text: object) -> str:
    """Text from data, files or the model as itself: Markdown and HTML characters backslash-escaped."""
    return MARKUP.sub(r"\\\1", str(text))


def cell(text: str) -> str:
    return literal(text).replace("\n", " ")


def pipe_table(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(cell(c) for c in columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return lines


def chart_images(charts: Sequence[Chart]) -> list[bytes | None] | None:
    """PNG bytes per chart through kaleido and the system Chromium; None when there is no Chromium."""
    executable = chromium_path()
    if executable is None or not charts:
        return None
    os.environ.setdefault("BROWSER_PATH", executable)  # kaleido's browser (choreographer); never downloaded
    import kaleido
    import plotly.io as pio

    images: list[bytes | None] = []
    try:
        kaleido.start_sync_server(silence_warnings=True)
    except Exception:  # noqa: BLE001 - no persistent browser: each image starts its own
        log.warning("kaleido server did not start", exc_info=True)
    try:
        for chart in charts:
            try:
                with warnings.catch_warnings():  # plotly notes that per-call kaleido options go unused with a server
                    warnings.simplefilter("ignore", UserWarning)
                    images.append(pio.to_image(chart.figure, format="png", width=IMAGE_WIDTH,
                                               height=int(chart.figure.layout.height or 380)))
            except Exception:  # noqa: BLE001 - one failed image leaves a line, not a failed report
                log.warning("chart image failed", exc_info=True)
                images.append(None)
    finally:
        try:
            kaleido.stop_sync_server(silence_warnings=True)
        except Exception:  # noqa: BLE001
            log.debug("kaleido server did not stop", exc_info=True)
    return images


def _block(block: Block, images: dict[int, bytes | None] | None) -> list[str]:
    if isinstance(block, Metrics):
        return pipe_table(("Показатель", "Значение"), block.items)
    if isinstance(block, Table):
        return [f"**{literal(block.title)}**", "", *pipe_table(block.columns, block.rows)]
    if isinstance(block, Note):
        return [f"_{literal(block.text)}_"]
    if isinstance(block, Chart):
        if images is None:
            return []
        image = images.get(id(block))
        if image is None:
            return [f"_{literal(IMAGE_FAILED.format(title=block.title))}_"]
        data = base64.b64encode(image).decode("ascii")
        return [f"![{literal(block.title)}](data:image/png;base64,{data})"]
    raise TypeError(f"unknown block {block!r}")


def _section(section: Section, images: dict[int, bytes | None] | None) -> list[str]:
    lines = [f"## {literal(section.title)}", ""]
    if section.subtitle:
        lines += [f"_{literal(section.subtitle)}_", ""]
    if section.notice:
        lines += [literal(section.notice), ""]
    if section.narrative is not None:
        n = section.narrative
        lines += [f"> {literal(p.strip())}" for p in n.text.split("\n\n") if p.strip()]
        lines += [">", f"> _{literal(verdict_line(n))}_"]
        if n.note:
            lines += [">", f"> _{literal(n.note)}_"]
        lines.append("")
    for block in section.blocks:
        rendered = _block(block, images)
        if rendered:
            lines += [*rendered, ""]
    return lines


def appendix_lines(report: Report) -> list[str]:
    """«Что видела модель»: each page's messages in fenced blocks (a fence longer than any run of ~ inside)."""
    lines = [f"## {APPENDIX_TITLE}", "", "Модель видит только сводку фактов ниже — ни одной строки таблицы.", ""]
    for section in report.sections:
        if section.narrative is None or not section.narrative.messages:
            continue
        lines += [f"### {literal(section.title)}", ""]
        for message in section.narrative.messages:
            content = message.get("content", "")
            fence = "~" * max(4, 1 + max((len(run) for run in re.findall(r"~+", content)), default=0))
            lines += [f"_{message_role_label(message.get('role', ''))}_", "", fence, content,
                      fence, ""]
    return lines


def render_markdown(report: Report, *, images: bool = True, appendix: bool = False) -> str:
    """The document as Markdown; `images=False` leaves charts out without trying Chromium; `appendix` adds
    «Что видела модель»."""
    cover = report.cover
    charts = [c for s in report.sections for c in s.charts]
    pictures = chart_images(charts) if images else None
    by_chart = None if pictures is None else {id(c): p for c, p in zip(charts, pictures, strict=True)}
    lines = [
        f"# {literal(report.title)}", "",
        f"- Набор данных: {literal(cover.dataset)}",
        f"- Источник: {literal(cover.source)}",
        f"- Размер: {cover.size}",
        f"- Фильтры: {literal(cover.filters)}",
        f"- Создан: {cover.created}",
        f"- Версия Сводки: {cover.version}",
        f"- Модель: {literal(cover.model)}",
        "",
    ]
    if by_chart is None and charts:
        lines += [f"_{NO_IMAGES if images else IMAGES_OFF}_", ""]
    for section in report.sections:
        lines += _section(section, by_chart)
    if appendix:
        lines += appendix_lines(report)
    return "\n".join(lines).rstrip() + "\n"
