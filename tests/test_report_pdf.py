"""The report printed to PDF by Debian's chromium (Playwright, no browser download), read back with pdftotext."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from lib.narration.settings import NarrationSettings
from lib.report.build import assemble, narrate_pages, prepare_pages
from lib.report.model import ExportError
from lib.report.pdf import NO_CHROMIUM, chromium_path, render_pdf
from lib.report.sections import SECTIONS

PAGE_TITLES = [spec.title for spec in SECTIONS]


@pytest.fixture(scope="module")
def report(flights):
    settings = NarrationSettings.from_config()
    pages = prepare_pages(flights)
    return assemble(flights, {}, pages, narrate_pages(pages, settings, use_model=False), model=settings.model)


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True).stdout
    return text.decode("utf-8").replace("\u00a0", " ")


def test_pdf_has_cyrillic_headings_figures_and_every_page(report, flights, tmp_path):
    assert shutil.which("pdftotext"), "pdftotext (poppler-utils) is needed: make deps-system"
    data = render_pdf(report)
    assert data[:5] == b"%PDF-"
    text = pdf_text(data, tmp_path)
    rows = len(flights.frame)
    assert f"{rows:,}".replace(",", " ") == "336 776"
    assert "336 776" in text
    assert "46 595" in text
    lines = [line.strip() for line in text.splitlines()]
    for title in PAGE_TITLES:
        assert title in lines, title
    assert "Сводка" in lines
    assert "Что видела модель" not in text  # the appendix is off in PDF by default
    pages = text.count("\f")
    assert pages >= len(PAGE_TITLES) + 1  # the cover, then each report page on its own sheet


def test_pdf_appendix_on_request(report, tmp_path):
    text = pdf_text(render_pdf(report, appendix=True), tmp_path)
    assert "Что видела модель" in text and "Системный промпт" in text


def test_chromium_is_found_on_path_or_from_the_setting(monkeypatch, tmp_path):
    monkeypatch.delenv("SVODKA_CHROMIUM", raising=False)
    assert chromium_path() == shutil.which("chromium")
    monkeypatch.setenv("SVODKA_CHROMIUM", str(tmp_path / "missing"))
    assert chromium_path() is None


def test_without_chromium_pdf_explains_printing_from_the_browser(report, monkeypatch, tmp_path):
    monkeypatch.setenv("SVODKA_CHROMIUM", str(tmp_path / "missing"))
    with pytest.raises(ExportError) as caught:
        render_pdf(report)
    assert caught.value.user_message == NO_CHROMIUM
    assert "Сохранить как PDF" in NO_CHROMIUM and "SVODKA_CHROMIUM" in NO_CHROMIUM


def test_html_opens_offline_in_chromium_with_every_chart_drawn(report, tmp_path):
    """The file alone, every request refused: plotly draws each chart (an SVG per chart div), no page error."""
    from playwright.sync_api import sync_playwright

    from lib.report.html import render_html

    path = tmp_path / "report.html"
    path.write_text(render_html(report), encoding="utf-8")
    charts = sum(len(section.charts) for section in report.sections)
    requests: list[str] = []
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.route("**/*", lambda route: (requests.append(route.request.url), route.continue_()
                                              if route.request.url.startswith("file://") else route.abort()))
            page.goto(path.as_uri())
            page.wait_for_function("document.documentElement.dataset.chartsRendered !== undefined")
            drawn = page.evaluate("[...document.querySelectorAll('div.chart')]"
                                  ".filter(d => d.querySelector('.main-svg')).length")
            rendered = page.evaluate("Number(document.documentElement.dataset.chartsRendered)")
        finally:
            browser.close()
    assert errors == []
    assert [url for url in requests if not url.startswith("file://")] == []
    assert rendered == drawn == charts
