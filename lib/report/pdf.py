"""`Report` → PDF, printed by headless Chromium through Playwright's `page.pdf()` from the report's own HTML
(its print stylesheet: A4, each page on its own sheet). Chromium is `SVODKA_CHROMIUM` or found on PATH; the
Playwright browser download is never used. Without Chromium, `chromium_path()` is None and the app explains
how to print the HTML to PDF in a browser."""

from __future__ import annotations

import importlib.util
import os
import shutil
from concurrent.futures import ThreadPoolExecutor

from lib.report.html import render_html
from lib.report.model import ExportError, Report

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PDF_TIMEOUT = 120.0  # seconds for the whole render
A4_WIDTH, A4_HEIGHT = 794, 1123  # A4 at 96 dpi, in CSS pixels
NO_CHROMIUM = (
    "PDF на сервере не собрать: не найден Chromium. Скачайте отчёт в HTML, откройте его в браузере и выберите "
    "«Печать» → «Сохранить как PDF» — стили печати разложат страницы отчёта по листам A4. Чтобы PDF собирался "
    "здесь, установите chromium (`apt-get install chromium`) или укажите путь к нему в SVODKA_CHROMIUM."
)
RENDER_FAILED = "Chromium не смог напечатать PDF ({detail}). Скачайте HTML и сохраните его в PDF из браузера."


def chromium_path() -> str | None:
    """The Chromium executable: SVODKA_CHROMIUM when it names an executable file, else the first on PATH."""
    configured = os.environ.get("SVODKA_CHROMIUM", "").strip()
    if configured:
        found = shutil.which(configured)
        return found
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


def pdf_available() -> bool:
    """Chromium is there and so is Playwright (in the Docker image only with SVODKA_PDF=1)."""
    return chromium_path() is not None and importlib.util.find_spec("playwright") is not None


def _print(html: str, executable: str, timeout: float) -> bytes:
    from playwright.sync_api import ViewportSize, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport=ViewportSize(width=A4_WIDTH, height=A4_HEIGHT))
            page.route("**/*", lambda route: route.abort())  # the document is self-contained: no request leaves
            page.emulate_media(media="print")
            page.set_content(html, wait_until="load", timeout=timeout * 1000)
            page.wait_for_function("document.documentElement.dataset.chartsRendered !== undefined",
                                   timeout=timeout * 1000)
            return page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
        finally:
            browser.close()


def render_pdf(report: Report, *, appendix: bool = False, executable: str | None = None,
               timeout: float = PDF_TIMEOUT) -> bytes:
    """The PDF bytes. Raises ExportError (Russian message) without Chromium or when printing fails."""
    executable = executable or chromium_path()
    if executable is None or importlib.util.find_spec("playwright") is None:
        raise ExportError(NO_CHROMIUM)
    html = render_html(report, appendix=appendix)
    # Playwright's sync API refuses to run in a thread that has an asyncio loop (Streamlit's may): own thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        try:
            return pool.submit(_print, html, executable, timeout).result(timeout=timeout + 30)
        except ExportError:
            raise
        except Exception as exc:  # noqa: BLE001 - any browser failure becomes one Russian message
            raise ExportError(RENDER_FAILED.format(detail=type(exc).__name__)) from exc
