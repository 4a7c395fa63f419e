"""AppTest on «Отчёт целиком»: the button on the sidebar and under the page title, progress in st.status,
three downloads, templates when Ollama is down or the user stopped, model texts from the fake Ollama."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib.report.build import prepare_pages
from lib.report.pdf import NO_CHROMIUM
from lib.report.sections import SECTIONS
from lib.ui.export import DOCUMENTS, FORMAT_LABELS, STALE
from lib.verify import verify_numbers

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")
TIMEOUT = 240
NBSP = "\u00a0"
PAGES = len(SECTIONS)


def document(at: AppTest, fmt: str) -> bytes:
    return at.session_state[DOCUMENTS][1][fmt]


def downloads(at: AppTest) -> list[str]:
    return [button.label for button in at.get("download_button")]


@pytest.fixture
def app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=TIMEOUT).run()


def test_button_is_in_the_sidebar_and_under_the_page_title(app):
    labels = [b.label for b in app.sidebar.button]
    assert "Отчёт целиком" in labels
    assert "Отчёт целиком" in [b.label for b in app.main.button]


def test_sidebar_button_builds_three_formats_with_templates_when_ollama_is_down(app, flights):
    app.button(key="export_sidebar").click().run()
    assert not app.exception
    assert downloads(app) == [FORMAT_LABELS["html"], FORMAT_LABELS["pdf"], FORMAT_LABELS["md"]]
    [status] = app.get("status")
    assert status.proto.label == f"Тексты готовы: {PAGES} из {PAGES} (Ollama недоступна: тексты по шаблону)"
    html = document(app, "html").decode("utf-8")
    assert f"{len(flights.frame):,}".replace(",", NBSP) in html
    assert html.count("Ollama недоступна, поэтому текст собран по шаблону") == PAGES
    assert document(app, "pdf")[:5] == b"%PDF-"
    assert document(app, "md").decode("utf-8").startswith("# Сводка: Рейсы из Нью-Йорка")


def test_page_button_uses_the_page_options_chosen_in_the_session(flights):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.switch_page("app_pages/02_columns.py").run()
    at.selectbox(key="columns_column").set_value("distance").run()
    at.button(key="export_page").click().run()
    assert not at.exception
    markdown = document(at, "md").decode("utf-8")
    assert "_Столбец: distance_" in markdown
    mean = flights.frame["distance"].mean()
    assert 1000 < mean < 10_000  # four digits: Russian typography leaves them ungrouped
    assert f"| Среднее | {mean:.2f} |".replace(".", ",") in markdown.splitlines()


def test_cancel_finishes_with_templates_for_the_pages_left(app):
    app.session_state["export_requested"] = True
    app.session_state["export_cancelled"] = True
    app.session_state["export_narratives"] = {}
    app.run()
    assert not app.exception
    html = document(app, "html").decode("utf-8")
    assert html.count("Построение текстов остановлено, поэтому для этой страницы текст по шаблону.") == PAGES
    [status] = app.get("status")
    assert status.proto.label == f"Тексты готовы: {PAGES} из {PAGES} (остановлено: остальные по шаблону)"


def test_model_texts_from_the_fake_ollama(fake_ollama, flights):
    reply = f"В наборе {len(flights.frame):,} строк.".replace(",", " ")
    fake_ollama.default_reply = reply
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.button(key="export_sidebar").click().run()
    assert not at.exception
    html = document(at, "html").decode("utf-8")
    passing = [p for p in prepare_pages(flights) if verify_numbers(reply, p.facts.payload()).ok]
    assert len(passing) >= 4
    assert html.count("Проверено чисел: 1 из 1 · текст модели · модель: qwen2.5:3b") == len(passing)
    assert len(fake_ollama.chat_bodies) == PAGES + (PAGES - len(passing))  # a stricter retry where it failed


def test_without_chromium_pdf_is_replaced_by_print_advice(monkeypatch, tmp_path):
    monkeypatch.setenv("SVODKA_CHROMIUM", str(tmp_path / "missing"))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.button(key="export_sidebar").click().run()
    assert downloads(at) == [FORMAT_LABELS["html"], FORMAT_LABELS["md"]]
    assert NO_CHROMIUM in [info.value for info in at.info]


def test_document_is_kept_when_an_option_changes_until_asked_again(flights):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.switch_page("app_pages/02_columns.py").run()
    at.button(key="export_page").click().run()
    first = document(at, "md")
    at.selectbox(key="columns_column").set_value("distance").run()
    assert document(at, "md") == first
    assert STALE in [caption.value for caption in at.caption]
    at.button(key="export_page").click().run()
    assert "_Столбец: distance_" in document(at, "md").decode("utf-8")
