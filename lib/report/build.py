"""Dataset + filters + page options → fact sheets per page → narratives → `Report`.

Three steps, so the app and the CLI can show progress between them: `prepare_pages` (exact facts, the
same functions and options as the pages), narratives (`narrate_pages` for the CLI; the app runs its own loop
with `st.status`), and `assemble` (the document the renderers lay out).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from lib import __version__
from lib.facts.base import FactSheet, Scope
from lib.facts.defaults import Choices, choices_for
from lib.filters import apply_filters, describe_filters, normalize_filters
from lib.fmt import fmt_datetime
from lib.narration.settings import NarrationSettings
from lib.report.model import SOURCE_LABELS, Cover, NarrativeBlock, Report, Section
from lib.report.narratives import narrate, narrative_block, template_block
from lib.report.sections import SECTIONS, Options, PageSpec
from lib.sources import Dataset

Compute = Callable[..., FactSheet]  # (fact function, **options) → fact sheet
Progress = Callable[[int, int, "Page", float], None]  # (k, total, page, elapsed seconds)


@dataclass
class Page:
    spec: PageSpec
    options: Options
    facts: FactSheet | None = None
    notice: str = ""

    @property
    def narratable(self) -> bool:
        return self.facts is not None and not self.notice

    @property
    def sheet(self) -> FactSheet:
        """The fact sheet of a narratable page."""
        if self.facts is None:
            raise ValueError(f"page {self.spec.key} has no fact sheet: {self.notice}")
        return self.facts


def direct_compute(frame: pd.DataFrame, scope: Scope) -> Compute:
    """Fact functions called on `frame` directly (the CLI; the app passes its cached `facts_for`)."""
    return lambda function, **options: function(frame, scope, **options)


def page_options(spec: PageSpec, choices: Choices, overrides: Mapping[str, Any] | None) -> Options | str:
    """The page's starting options for the dataset, with the user's current choices on top."""
    defaults = spec.defaults(choices)
    if isinstance(defaults, str):
        return defaults
    return {**defaults, **{k: v for k, v in (overrides or {}).items() if k in defaults}}


def prepare_pages(dataset: Dataset, filters: Mapping[str, Any] | None = None, *,
                  overrides: Mapping[str, Mapping[str, Any]] | None = None, compute: Compute | None = None,
                  sections: list[PageSpec] | None = None) -> list[Page]:
    """Fact sheets for every report page, computed as the pages compute them."""
    spec_filters = normalize_filters(dict(filters or {}))
    choices = choices_for(dataset.frame, dataset.id)
    if compute is None:
        frame = apply_filters(dataset.frame, spec_filters)
        compute = direct_compute(frame, Scope.of(dataset.id, dataset.name, spec_filters))
    pages = []
    for spec in sections or SECTIONS:
        options = page_options(spec, choices, (overrides or {}).get(spec.key))
        if isinstance(options, str):
            pages.append(Page(spec, {}, notice=options))
            continue
        facts = compute(spec.compute, **spec.fact_options(options))
        pages.append(Page(spec, options, facts, spec.notice_for(facts)))
    return pages


def narrate_pages(pages: list[Page], settings: NarrationSettings, *, use_model: bool,
                  progress: Progress | None = None) -> dict[str, NarrativeBlock]:
    """Narratives one page after another (blocking): the service's (cache → model → verify → template) when
    `use_model`, else templates."""
    blocks: dict[str, NarrativeBlock] = {}
    todo = [p for p in pages if p.narratable]
    for k, page in enumerate(todo, start=1):
        started = time.monotonic()
        if use_model:
            blocks[page.spec.key] = narrative_block(narrate(page.sheet, settings), page.sheet, settings)
        else:
            blocks[page.spec.key] = template_block(page.sheet, settings, "no_model")
        if progress is not None:
            progress(k, len(todo), page, time.monotonic() - started)
    return blocks


def section_of(page: Page, narrative: NarrativeBlock | None) -> Section:
    section = Section(page.spec.key, page.spec.title, page.spec.describe(page.options) if page.options else "")
    if page.notice or page.facts is None:
        section.notice = page.notice
        return section
    section.blocks = page.spec.blocks(page.facts, page.options)
    section.narrative = narrative
    return section


def assemble(dataset: Dataset, filters: Mapping[str, Any] | None, pages: list[Page],
             narratives: Mapping[str, NarrativeBlock], *, model: str, created: dt.datetime | None = None) -> Report:
    rows, columns = dataset.frame.shape
    created = created or dt.datetime.now().astimezone()
    cover = Cover(
        dataset=dataset.name,
        source=SOURCE_LABELS.get(dataset.source, dataset.source),
        rows=rows,
        columns=columns,
        filters=describe_filters(dict(filters or {})),
        created=fmt_datetime(created),
        version=__version__,
        model=model,
    )
    return Report(cover, [section_of(p, narratives.get(p.spec.key)) for p in pages],
                  meta={"dataset_id": dataset.id, "filters": normalize_filters(dict(filters or {}))})
