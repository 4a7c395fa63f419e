"""The report's document model: a cover, one section per report page, each a list of blocks (metrics, tables,
charts, notes) and the page's narrative with its verdict. Renderers (html, markdown, pdf) only lay it out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import plotly.graph_objects as go

from lib.errors import SvodkaError
from lib.fmt import fmt_count

SOURCE_LABELS = {"embedded": "встроенный набор", "upload": "загруженный файл", "kaggle": "Kaggle"}


class ExportError(SvodkaError):
    """A document could not be produced (no Chromium for PDF, a failed print, an unwritable file)."""


NARRATIVE_SOURCES = {"model": "текст модели", "template": "текст по шаблону"}


@dataclass(frozen=True)
class Metrics:
    items: tuple[tuple[str, str], ...]  # (label, formatted value)


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]  # cells already formatted the Russian way


@dataclass(frozen=True)
class Chart:
    figure: go.Figure

    @property
    def title(self) -> str:
        text = self.figure.layout.title.text
        return str(text) if text else "График"


@dataclass(frozen=True)
class Note:
    text: str


Block = Metrics | Table | Chart | Note


@dataclass(frozen=True)
class NarrativeBlock:
    """A page's narrative as the report shows it: the text, where it came from, the verdict line."""

    text: str
    source: str  # "model" | "template"
    model: str  # the model asked ("" when none was: --no-model, cancelled)
    verdict: str  # «Проверено чисел: N из M»
    note: str = ""  # why a template stands in (model unavailable, failed check, cancelled)
    messages: tuple[dict[str, str], ...] = ()  # what the model saw (the appendix)

    @property
    def source_label(self) -> str:
        return NARRATIVE_SOURCES.get(self.source, self.source)


@dataclass
class Section:
    key: str  # the fact kind: "overview", "columns", …
    title: str  # the page title: «Обзор»
    subtitle: str = ""  # the page's options in words
    blocks: list[Block] = field(default_factory=list)
    narrative: NarrativeBlock | None = None
    notice: str = ""  # the page could not be built (no date column, filters left nothing)

    @property
    def charts(self) -> list[Chart]:
        return [b for b in self.blocks if isinstance(b, Chart)]


@dataclass(frozen=True)
class Cover:
    dataset: str
    source: str
    rows: int
    columns: int
    filters: str
    created: str  # date and time, formatted
    version: str
    model: str

    @property
    def size(self) -> str:
        """«336 776 строк × 19 столбцов»."""
        return (f"{fmt_count(self.rows, 'строка', 'строки', 'строк')} × "
                f"{fmt_count(self.columns, 'столбец', 'столбца', 'столбцов')}")


@dataclass
class Report:
    cover: Cover
    sections: list[Section]
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return f"Сводка: {self.cover.dataset}"
