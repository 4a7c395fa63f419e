"""«Отчёт целиком» on the embedded flights: the whole report (facts, template narratives, HTML and Markdown)
against the six fact sheets alone, and the HTML's size.

Targets (issue 16.9, 16.2): report ≤ the fact sheets' time + 1.5 s; HTML ≤ 6 MB. PDF and chart images go
through Chromium and are timed beside, without a target. Run: `python -m bench.report`.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from lib.facts.base import Scope
from lib.facts.defaults import choices_for
from lib.narration.settings import NarrationSettings
from lib.report.build import assemble, narrate_pages, page_options, prepare_pages
from lib.report.html import render_html
from lib.report.markdown import render_markdown
from lib.report.model import Report
from lib.report.pdf import pdf_available, render_pdf
from lib.report.sections import SECTIONS
from lib.sources import Dataset
from lib.sources.embedded import load_flights

if TYPE_CHECKING:
    from bench.__main__ import Context, Figure

OVERHEAD_TARGET_S = 1.5
HTML_TARGET_MB = 6.0


def fact_sheets_seconds(dataset: Dataset) -> float:
    """The report pages' fact functions with their starting options, as the pages call them."""
    scope = Scope.of(dataset.id, dataset.name)
    choices = choices_for(dataset.frame, dataset.id)
    start = time.perf_counter()
    for spec in SECTIONS:
        options = page_options(spec, choices, None)
        if not isinstance(options, str):
            spec.compute(dataset.frame, scope, **spec.fact_options(options))
    return time.perf_counter() - start


def report_seconds(dataset: Dataset) -> tuple[float, int, Report]:
    settings = NarrationSettings.from_config()
    start = time.perf_counter()
    pages = prepare_pages(dataset)
    report = assemble(dataset, {}, pages, narrate_pages(pages, settings, use_model=False), model=settings.model)
    html = render_html(report).encode("utf-8")
    render_markdown(report, images=False)
    return time.perf_counter() - start, len(html), report


def measured(dataset: Dataset) -> dict[str, float]:
    fact_sheets_seconds(dataset)  # warm-up: imports, first-call caches of pandas and scipy
    facts = min(fact_sheets_seconds(dataset) for _ in range(2))
    whole, html_bytes, report = min((report_seconds(dataset) for _ in range(2)), key=lambda r: r[0])
    values = {"facts": facts, "whole": whole, "overhead": whole - facts, "html_mb": html_bytes / 1024 / 1024}
    if pdf_available():
        start = time.perf_counter()
        values["pdf_kb"] = len(render_pdf(report)) / 1024
        values["pdf"] = time.perf_counter() - start
        start = time.perf_counter()
        render_markdown(report)
        values["md_images"] = time.perf_counter() - start
    return values


def warm_flights() -> Dataset:
    with tempfile.TemporaryDirectory() as cache:
        load_flights(cache_dir=Path(cache))
        return load_flights(cache_dir=Path(cache))  # warm: from Parquet, as the app and cron see it


def figures(context: Context) -> list[Figure]:
    """For `python -m bench` (bench/__main__.py's MODULES)."""
    from bench.__main__ import Figure

    values = measured(warm_flights())
    result = [
        Figure(f"report: {len(SECTIONS)} fact sheets alone", values["facts"]),
        Figure("report: whole (templates, HTML + Markdown)", values["whole"]),
        Figure("report: overhead over the fact sheets", values["overhead"], target=OVERHEAD_TARGET_S,
               peer=f"fact sheets {values['facts']:.2f} s"),
        Figure("report: HTML size", values["html_mb"], unit="МБ", target=HTML_TARGET_MB),
    ]
    if "pdf" in values:
        result += [Figure("report: PDF through Chromium", values["pdf"], note=f"{values['pdf_kb']:.0f} KB"),
                   Figure("report: Markdown with chart images (kaleido)", values["md_images"])]
    return result


def main() -> int:
    values = measured(warm_flights())
    ok = values["overhead"] <= OVERHEAD_TARGET_S and values["html_mb"] <= HTML_TARGET_MB
    print(f"report: {len(SECTIONS)} fact sheets alone {values['facts']:.3f} s; whole report {values['whole']:.3f} s; "
          f"overhead {values['overhead']:.3f} s (target ≤ {OVERHEAD_TARGET_S} s); HTML {values['html_mb']:.2f} MB "
          f"(target ≤ {HTML_TARGET_MB} MB)")
    if "pdf" in values:
        print(f"report: PDF {values['pdf']:.3f} s ({values['pdf_kb']:.0f} KB); Markdown with chart images "
              f"{values['md_images']:.3f} s (no targets: Chromium)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
