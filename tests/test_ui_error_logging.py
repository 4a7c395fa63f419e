"""A `user_message` shown on the data and export pages is logged first with its technical `detail` and the
exception (review 10.9): what the user reads is short, what the log keeps says why."""

from __future__ import annotations

import logging

import pytest
import streamlit as st

from lib.errors import DataError, SourceUnavailable
from lib.ui import sources


@pytest.fixture
def state(monkeypatch):
    values: dict = {}
    monkeypatch.setattr(st, "session_state", values)
    return values


def records(caplog, name: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == name and r.levelno == logging.WARNING]


def test_a_refused_kaggle_handle_is_logged_with_its_detail(state, caplog):
    caplog.set_level(logging.WARNING)
    sources._download("не набор")
    (record,) = records(caplog, "lib.ui.sources")
    assert state["data_kaggle_error"] == record.exc_info[1].user_message
    assert isinstance(record.exc_info[1], DataError)
    assert record.getMessage().startswith("Kaggle handle 'не набор' rejected: ")


def test_a_failed_kaggle_download_is_logged_with_its_detail(state, caplog, monkeypatch):
    def unavailable(handle):
        raise SourceUnavailable("Kaggle недоступен.", detail="HTTP 503 from www.kaggle.com")

    monkeypatch.setattr(sources, "download_dataset", unavailable)
    monkeypatch.setattr(sources, "cached_versions", lambda handle: [])
    caplog.set_level(logging.WARNING)
    sources._download("owner/name")
    (record,) = records(caplog, "lib.ui.sources")
    assert record.getMessage() == "Kaggle download of owner/name failed: HTTP 503 from www.kaggle.com"
    assert record.exc_info[1].detail == "HTTP 503 from www.kaggle.com"
    assert state["data_kaggle_error"] == "Kaggle недоступен."


def test_an_unreadable_upload_is_logged_once_with_its_detail(state, caplog, monkeypatch):
    def refuse(data, name, options):
        raise DataError("Файл не похож на таблицу.", detail="UnicodeDecodeError at byte 7")

    monkeypatch.setattr(sources, "upload_dataset", refuse)
    caplog.set_level(logging.WARNING)
    options = sources.ReadOptions()
    first = sources._read_upload("id-1", "a.csv", lambda: b"\xff", options)
    again = sources._read_upload("id-1", "a.csv", lambda: b"\xff", options)  # a rerun reuses the result
    assert first is again and first.user_message == "Файл не похож на таблицу."
    (record,) = records(caplog, "lib.ui.sources")
    assert record.getMessage() == "upload 'a.csv' not read: UnicodeDecodeError at byte 7"


def test_a_failed_pdf_is_logged_with_its_detail(caplog, monkeypatch):
    import lib.report.build
    import lib.report.html
    import lib.report.markdown
    import lib.report.pdf
    from lib.report.model import ExportError
    from lib.ui import export

    def no_pdf(report):
        raise ExportError("PDF не собрался.", detail="chromium exited with 1")

    monkeypatch.setattr(export, "current_dataset", lambda: None)
    monkeypatch.setattr(export, "active_filters", lambda: {})
    monkeypatch.setattr(export, "current_settings", lambda: type("S", (), {"model": "m"})())
    monkeypatch.setattr(export, "_narratives", lambda pages, settings: {})
    monkeypatch.setattr(lib.report.build, "prepare_pages", lambda *a, **k: [])
    monkeypatch.setattr(lib.report.build, "assemble", lambda *a, **k: "report")
    monkeypatch.setattr(lib.report.html, "render_html", lambda report: "<html>")
    monkeypatch.setattr(lib.report.markdown, "render_markdown", lambda report: "# md")
    monkeypatch.setattr(lib.report.pdf, "pdf_available", lambda: True)
    monkeypatch.setattr(lib.report.pdf, "render_pdf", no_pdf)
    caplog.set_level(logging.WARNING)
    documents = export._documents({})
    assert set(documents) == {"html", "md"}
    (record,) = records(caplog, "lib.ui.export")
    assert record.getMessage() == "PDF export failed: chromium exited with 1"
    assert record.exc_info[1].user_message == "PDF не собрался."
