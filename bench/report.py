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

from lib.facts.base import Scope
from lib.facts.defaults import choices_for
from lib.narration.settings import NarrationSettings
from lib.report.build import assemble, narrate_pages, page_options, prepare_pages
from lib.report.html import render_html
from lib.report.markdown import render_markdown
from lib.report.model import Report
from lib.report.pdf import chromium_path, render_pdf
from lib.report.sections import SECTIONS
from lib.sources import Dataset
from lib.sources.embedded import load_flights

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


def line(label: str, value: str, verdict: str = "") -> None:
    print(f"{label:<52} {value:>12}{verdict}")


def main() -> int:
    with tempfile.TemporaryDirectory() as cache:
        dataset = load_flights(cache_dir=Path(cache))
        dataset = load_flights(cache_dir=Path(cache))  # warm: from Parquet, as the app and cron see it
    fact_sheets_seconds(dataset)  # warm-up: imports, first-call caches of pandas and scipy
    facts = min(fact_sheets_seconds(dataset) for _ in range(2))
    whole, html_bytes, report = min((report_seconds(dataset) for _ in range(2)), key=lambda r: r[0])
    overhead = whole - facts
    line(f"report: {len(SECTIONS)} fact sheets alone", f"{facts:.3f} s")
    line("report: whole, templates, HTML + Markdown", f"{whole:.3f} s")
    line("report: overhead over the fact sheets", f"{overhead:.3f} s",
         "  OK" if overhead <= OVERHEAD_TARGET_S else f"  SLOW (target {OVERHEAD_TARGET_S} s)")
    mb = html_bytes / 1024 / 1024
    line("report: HTML size", f"{mb:.2f} MB", "  OK" if mb <= HTML_TARGET_MB else f"  OVER ({HTML_TARGET_MB} MB)")
    if chromium_path() is not None:
        start = time.perf_counter()
        pdf = render_pdf(report)
        line("report: PDF through Chromium (no target)", f"{time.perf_counter() - start:.3f} s",
             f"  {len(pdf) / 1024:.0f} KB")
        start = time.perf_counter()
        render_markdown(report)
        line("report: Markdown with chart images (kaleido)", f"{time.perf_counter() - start:.3f} s")
    else:
        line("report: PDF", "no Chromium")
    return 0


if __name__ == "__main__":
    sys.exit(main())
