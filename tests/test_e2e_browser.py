"""End to end: `streamlit run` serves the app and a real Chromium renders the report.

Debian's chromium is used through Playwright (never `playwright install`). Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.fake_ollama import FakeOllama

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
START_TIMEOUT = 90
RENDER_TIMEOUT_MS = 120_000  # the first run parses the CSV; a loaded CI machine is slow
expect.set_options(timeout=RENDER_TIMEOUT_MS)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


NARRATIVE = "В наборе 336 776 строк и 19 столбцов. Повторяющихся строк нет."


@pytest.fixture(scope="module")
def ollama() -> Iterator[FakeOllama]:
    """The fake Ollama server answers every chat with NARRATIVE, whose numbers are all in the overview facts."""
    with FakeOllama() as server:
        server.default_reply = NARRATIVE
        yield server


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory, ollama: FakeOllama) -> Iterator[str]:
    port = free_port()
    env = {
        **os.environ,
        "SVODKA_STATE_DIR": str(tmp_path_factory.mktemp("e2e-state")),
        "OLLAMA_HOST": ollama.url,
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.address", "127.0.0.1",
         "--server.port", str(port), "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT
    try:
        while True:
            try:
                if httpx.get(f"{url}/_stcore/health", timeout=2).text == "ok":
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start:\n{server.stdout.read() if server.stdout else ''}")
            time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(scope="module")
def page(app_url: str) -> Iterator[Page]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="ru-RU")
        page = context.new_page()
        page.set_default_timeout(RENDER_TIMEOUT_MS)
        page.goto(app_url)
        yield page
        browser.close()


def test_overview_renders_exact_numbers_in_a_browser(page: Page, tmp_path: Path) -> None:
    expect(page.get_by_role("heading", name="Обзор")).to_be_visible()
    expect(page.get_by_test_id("stMetricValue").first).to_have_text(re.compile(r"336\s776"))
    expect(page.get_by_text("Первые 10 строк")).to_be_visible()
    charts = page.locator(".js-plotly-plot")
    expect(charts.first).to_be_visible()
    expect(page.get_by_text("Пропуски по столбцам")).to_be_visible()
    assert charts.count() >= 2
    page.screenshot(path=str(Path(os.environ.get("SVODKA_SCREENSHOT_DIR", tmp_path)) / "overview.png"), full_page=True)


def test_overview_narrative_is_streamed_from_ollama_and_checked(page: Page, ollama: FakeOllama) -> None:
    expect(page.get_by_text("Повторяющихся строк нет.")).to_be_visible()
    expect(page.get_by_text("Проверено чисел: 2 из 2")).to_be_visible()  # 336 776 and 19
    chats = ollama.chat_bodies
    assert chats and chats[0]["options"]["num_ctx"] == 8192
    assert "336776" in chats[0]["messages"][1]["content"]


def test_page_shows_no_exception(page: Page) -> None:
    assert page.get_by_test_id("stException").count() == 0


def test_filters_are_in_the_sidebar_of_report_pages_only(page: Page) -> None:
    sidebar = page.get_by_test_id("stSidebar")
    page.get_by_role("link", name="Модель").click()
    expect(page.get_by_role("heading", name="Модель", level=1)).to_be_visible()
    expect(sidebar.get_by_text("Фильтры")).to_have_count(0)
    page.get_by_role("link", name="Обзор").click()
    expect(page.get_by_role("heading", name="Обзор", level=1)).to_be_visible()
    expect(sidebar.get_by_text("Фильтры")).to_be_visible()


RUSSIAN_EXCEL_CSV = (
    "Город;Выручка;Дата\r\n"
    "Москва;1\u00a0234,5;01.02.2024\r\n"
    "Казань;2\u00a0000,25;15.03.2024\r\n"
    "Омск;10,5;31.12.2024\r\n"
).encode("cp1251")


def test_russian_excel_csv_upload_becomes_the_report(page: Page, tmp_path: Path) -> None:
    """cp1251, «;», decimal comma, NBSP thousands, дд.мм.гггг: uploaded in the browser, read exactly."""
    upload = tmp_path / "выгрузка.csv"
    upload.write_bytes(RUSSIAN_EXCEL_CSV)
    page.get_by_role("link", name="Данные").click()
    expect(page.get_by_role("heading", name="Данные", level=1)).to_be_visible()
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(upload))
    expect(page.get_by_text(re.compile(r"Кодировка cp1251 · разделитель «;» · десятичный знак «,»"))).to_be_visible()
    page.get_by_role("button", name="Открыть этот набор").click()
    # like a user, wait until the sidebar names the new dataset before leaving the page
    expect(page.get_by_test_id("stSidebar").get_by_text("выгрузка.csv")).to_be_visible()
    page.get_by_role("link", name="Обзор").click()
    expect(page.get_by_role("heading", name="Обзор", level=1)).to_be_visible()
    expect(page.get_by_test_id("stSidebar").get_by_text("выгрузка.csv")).to_be_visible()
    metrics = page.get_by_test_id("stMetricValue")
    expect(metrics.nth(0)).to_have_text("3")
    expect(metrics.nth(1)).to_have_text("3")
    # 1 234,5 / 2 000,25 / 10,5 read exactly: median 1234.5, min 10.5, mean 1081.75 shown rounded to 1081.8,
    # as the model was given them (the tables themselves are drawn on a canvas)
    page.get_by_text("Что видела модель").click()
    expect(page.get_by_text(re.compile(r'"среднее":1081\.8,"медиана":1234\.5,"мин":10\.5'))).to_be_visible()
