"""End to end: `streamlit run` serves the app and a real Chromium renders the report.

Debian's chromium is used through Playwright (never `playwright install`). Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import contextlib
import datetime
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
from playwright.sync_api import Browser, Page, expect, sync_playwright

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


@contextlib.contextmanager
def serve(env: dict[str, str]) -> Iterator[str]:
    """`streamlit run` on a free port of 127.0.0.1 with `env`; yields its URL once /_stcore/health answers."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.address", "127.0.0.1",
         "--server.port", str(port), "--server.headless", "true"],
        cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
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
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a run still computing on a loaded machine
            server.kill()
            server.wait(timeout=30)


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory, ollama: FakeOllama) -> Iterator[str]:
    with serve({"SVODKA_STATE_DIR": str(tmp_path_factory.mktemp("e2e-state")), "OLLAMA_HOST": ollama.url}) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def page(browser: Browser, app_url: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="ru-RU")
    page = context.new_page()
    page.set_default_timeout(RENDER_TIMEOUT_MS)
    page.goto(app_url)
    yield page
    context.close()


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
    # as the model was given them on Столбцы, which opens on the measure (the tables are drawn on a canvas)
    page.get_by_role("link", name="Столбцы").click()
    expect(page.get_by_role("heading", name="Столбцы", level=1)).to_be_visible()
    page.get_by_text("Что видела модель").click()
    expect(page.get_by_text(re.compile(r'"среднее":1081\.8,"медиана":1234\.5,.*"мин":10\.5'))).to_be_visible()


# --- issue 18: what a Russian analyst sees on every page -------------------------------------------------

PAGE_TITLES = ("Обзор", "Столбцы", "Группировки", "Динамика", "Сравнение", "Связи", "Качество данных",
               "Данные", "Модель", "Журнал")
REPORT_TITLES = ("Обзор", "Столбцы", "Группировки", "Динамика", "Сравнение", "Связи", "Качество данных")
# words Streamlit's own widgets write in English, and what pandas writes for empty cells
ENGLISH_UI = re.compile(
    r"\b(Choose an option|Choose options|Select all|Drag and drop|Browse files|Upload|per file|Limit|"
    r"No results|Clear all|Running|Stop|Deploy|Rerun|Press Enter|Show/hide|Download|Search|Fullscreen|"
    r"Close|Settings|Connecting|None|NaN|NaT|nan)\b"
)
FULL_ROWS = 25  # a table with this many rows or fewer must show all of them
VISIBLE_TEXT_JS = """() => {
  const parts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!el || !node.textContent.trim()) continue;
    if (el.closest('[data-testid="stIconMaterial"], script, style, table')) continue;  // icon ligatures
    if (!el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) continue;
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) continue;  // screen-reader-only text
    parts.push(node.textContent.trim());
  }
  for (const input of document.querySelectorAll('input[placeholder], textarea[placeholder]')) {
    if (input.checkVisibility() && !input.value) parts.push(input.placeholder);  // select placeholders
  }
  return parts.join("\\n");
}"""
TABLES_JS = """() => [...document.querySelectorAll('[data-testid="stDataFrame"]')]
  .filter(e => e.checkVisibility())
  .map(e => {
    const table = e.querySelector('table'), scroller = e.querySelector('.dvn-scroller');
    return {rows: Number(table?.getAttribute('aria-rowcount') || 1) - 1,
            scroll: scroller ? scroller.scrollHeight : 0, client: scroller ? scroller.clientHeight : 0,
            cells: [...e.querySelectorAll('table td')].map(c => c.textContent)};
  })"""


def wait_for_run(page: Page) -> None:
    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning")
    page.wait_for_timeout(300)  # the last deltas of a finished run are painted
    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning")


def open_from_sidebar(page: Page, title: str) -> None:
    page.get_by_test_id("stSidebar").get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    wait_for_run(page)


def whole_page_screenshot(page: Page, path: Path) -> None:
    """Streamlit scrolls inside its main block, so a full-page shot would stop at the viewport: the
    viewport is stretched to the content for the shot."""
    size = page.viewport_size or {"width": 1400, "height": 1000}
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight || 1000")
    page.set_viewport_size({"width": size["width"], "height": min(max(height, size["height"]), 12_000)})
    page.wait_for_timeout(300)
    page.screenshot(path=str(path))
    page.set_viewport_size(size)


def check_page(page: Page, title: str, shots: Path, tag: str) -> list[dict]:
    """Screenshot the page and assert what issue 18 asks of every page; returns its tables."""
    whole_page_screenshot(page, shots / f"{tag}-{PAGE_TITLES.index(title):02d}.png")
    assert page.get_by_test_id("stException").count() == 0, title
    text = page.evaluate(VISIBLE_TEXT_JS)
    english = sorted(set(ENGLISH_UI.findall(text)))
    assert not english, (title, english)
    tables = page.evaluate(TABLES_JS)
    for table in tables:
        assert not ENGLISH_UI.search(" ".join(table["cells"])), (title, table["cells"][:20])
        if table["rows"] <= FULL_ROWS:
            assert table["scroll"] <= table["client"] + 1, (title, table)  # no inner scroll box
    if title in REPORT_TITLES and page.locator(".js-plotly-plot").count():  # a page may stop at a notice
        summary = page.get_by_role("heading", name="Коротко о главном").bounding_box()
        chart = page.locator(".js-plotly-plot").first.bounding_box()
        assert summary is not None and chart is not None, title
        assert summary["y"] < chart["y"], title
    return tables


def screenshot_dir(tmp_path: Path) -> Path:
    shots = Path(os.environ.get("SVODKA_SCREENSHOT_DIR", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    return shots


def check_preview(page: Page, shots: Path, title: str) -> None:
    """The grid draws the Styler's Russian text on a canvas (the AppTest tests check that text, and the
    screenshot shows it); the DOM copy for screen readers holds the values: all there, none «None»."""
    preview = page.get_by_test_id("stDataFrame").last
    preview.scroll_into_view_if_needed()
    preview.screenshot(path=str(shots / f"upload-{title}-preview.png"))
    page.wait_for_function("""() => [...document.querySelectorAll('[data-testid="stDataFrame"]')].pop()
                                      ?.querySelectorAll('table td').length > 0""")  # drawn lazily
    cells = page.evaluate(TABLES_JS)[-1]["cells"]
    assert cells[:3] == ["1000", "2024-01-01 00:00:00", "Север"], cells[:6]


def sales_csv(rows: int = 120) -> bytes:
    """A cp1251 «;» sales export: order numbers, dd.mm.yyyy dates, regions, channels, decimal-comma money."""
    regions, channels = ("Север", "Юг", "Запад", "Восток"), ("сайт", "магазин", "телефон")
    lines = ["Номер заказа;Дата;Регион;Канал продаж;Выручка, руб.;Количество"]
    for i in range(rows):
        day = datetime.date(2024, 1, 1) + datetime.timedelta(days=3 * i)
        money = f"{100 + i * 13 % 97},{i * 7 % 100:02d}"
        lines.append(f"{1000 + i};{day:%d.%m.%Y};{regions[i % 4]};{channels[i % 3]};{money};{1 + i % 5}")
    return "\r\n".join(lines).encode("cp1251")


def test_every_page_speaks_russian_shows_whole_tables_and_puts_the_summary_first(page: Page, tmp_path: Path) -> None:
    """With the fake Ollama, on an uploaded 120-row Russian sales CSV."""
    shots = screenshot_dir(tmp_path)
    upload = tmp_path / "продажи.csv"
    upload.write_bytes(sales_csv())
    open_from_sidebar(page, "Данные")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(upload))
    expect(page.get_by_text(re.compile(r"Прочитано: 120\sстрок, 6\sстолбцов"))).to_be_visible()
    check_preview(page, shots, "Данные")
    page.get_by_role("button", name="Открыть этот набор").click()
    expect(page.get_by_test_id("stSidebar").get_by_text("продажи.csv").first).to_be_visible()
    for title in PAGE_TITLES:
        open_from_sidebar(page, title)
        check_page(page, title, shots, "upload")
        if title == "Обзор":
            check_preview(page, shots, title)


MARKUP_NAME = "**жирный** [ссылка](http:127.0.0.1) #Заголовок.csv"


def test_a_file_name_with_markdown_is_shown_literally(page: Page, tmp_path: Path) -> None:
    upload = tmp_path / MARKUP_NAME
    upload.write_bytes(RUSSIAN_EXCEL_CSV)
    open_from_sidebar(page, "Данные")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(upload))
    expect(page.get_by_text(re.compile(r"Прочитано: 3\sстроки"))).to_be_visible()
    page.get_by_role("button", name="Открыть этот набор").click()
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text(MARKUP_NAME, exact=False).first).to_be_visible()
    assert sidebar.locator("a", has_text="ссылка").count() == 0
    assert sidebar.locator("strong", has_text="жирный").count() == 0


@pytest.fixture(scope="module")
def offline_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app with nothing listening at OLLAMA_HOST (a port bound and released)."""
    state = str(tmp_path_factory.mktemp("e2e-offline"))
    with serve({"SVODKA_STATE_DIR": state, "OLLAMA_HOST": f"http://127.0.0.1:{free_port()}"}) as url:
        yield url


def test_every_page_without_ollama_on_the_embedded_flights(browser: Browser, offline_url: str,
                                                            tmp_path: Path) -> None:
    shots = screenshot_dir(tmp_path)
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="ru-RU")
    page = context.new_page()
    page.set_default_timeout(RENDER_TIMEOUT_MS)
    page.goto(offline_url)
    expect(page.get_by_role("heading", name="Обзор", level=1)).to_be_visible()
    wait_for_run(page)
    expect(page.get_by_text(re.compile("Ollama недоступна по адресу"))).to_be_visible()
    for title in PAGE_TITLES:
        open_from_sidebar(page, title)
        check_page(page, title, shots, "offline")
    context.close()
