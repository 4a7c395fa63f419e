"""A deep link opened first on a freshly started server shows the whole app (issue 10.12).

Streamlit treats a `pages/` folder beside the entry script as an old-style multipage app until a session has
run `st.navigation`; the pages now live in `app_pages/`, so `/journal` as the very first request must still
run streamlit_app.py: sidebar with the dataset and the model status, and the page itself. This test starts its
own server (never shared with another test), so nothing else can have opened the entry page before it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
START_TIMEOUT = 90
RENDER_TIMEOUT_MS = 120_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(server: subprocess.Popen, url: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            if httpx.get(f"{url}/_stcore/health", timeout=2).text == "ok":
                return
        except httpx.HTTPError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"streamlit did not start:\n{server.stdout.read() if server.stdout else ''}")
        time.sleep(0.5)


def test_journal_opened_first_on_a_fresh_server_shows_the_sidebar(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "SVODKA_STATE_DIR": str(tmp_path / "state"), "OLLAMA_HOST": "http://127.0.0.1:9"}
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.address", "127.0.0.1",
         "--server.port", str(port), "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(server, url)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="ru-RU")
            page.set_default_timeout(RENDER_TIMEOUT_MS)
            page.goto(f"{url}/journal")  # the first request this server ever gets
            expect(page.get_by_role("heading", name="Журнал")).to_be_visible(timeout=RENDER_TIMEOUT_MS)
            sidebar = page.get_by_test_id("stSidebar")
            expect(sidebar.get_by_text("Набор данных:")).to_be_visible(timeout=RENDER_TIMEOUT_MS)
            expect(sidebar.get_by_text("Ollama недоступна")).to_be_visible(timeout=RENDER_TIMEOUT_MS)
            nav = page.get_by_test_id("stSidebarNav")
            for title in ("Обзор", "Данные", "Модель", "Журнал"):
                expect(nav.get_by_role("link", name=title, exact=True)).to_be_visible()
            expect(page.get_by_text("Журнал пока пуст")).to_be_visible()
            assert page.url.rstrip("/").endswith("/journal")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
