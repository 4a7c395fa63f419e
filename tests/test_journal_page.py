"""The «Журнал» page driven in-process with AppTest over a journal built in the test."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from streamlit.testing.v1 import AppTest

from lib.journal import CallRecord, calls, record_call, text_hash

PAGE = str(Path(__file__).resolve().parent.parent / "app_pages" / "09_journal.py")


def record(**changes) -> int:
    base = dict(
        page="overview",
        model="qwen2.5:3b",
        options={"num_ctx": 8192},
        system_prompt_hash=text_hash("с"),
        prompt_hash=text_hash("п"),
        prompt_chars=1,
        prompt_tokens=10,
        messages=[{"role": "user", "content": "Расскажи о данных"}],
        response="Всего 12 рейсов.",
        status="ok",
        error=None,
        cache_hit=False,
        facts_kind="overview",
        dataset_id="d",
        prompt_version="p1",
        metrics={"total_duration": 3_000_000_000, "eval_count": 40, "eval_duration": 2_000_000_000},
    )
    base.update(changes)
    return record_call(CallRecord(**base))


def run_page() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.run()
    assert not at.exception, at.exception
    return at


def test_empty_journal_shows_friendly_message_without_charts() -> None:
    at = run_page()
    assert "Журнал пока пуст" in at.info[0].value
    assert not at.get("plotly_chart")


def test_calls_shown_with_metrics_charts_table_and_csv() -> None:
    record()
    record(status="connection", response="", error="Сервер Ollama не отвечает", metrics={})
    record(page="model", model="qwen3:1.7b", cache_hit=True, metrics={})
    at = run_page()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Вызовов"] == "3"
    assert metrics["Ошибок"] == "1"
    assert metrics["Из кэша"] == "1"
    assert metrics["Медиана ответа"] == "3 с"
    assert metrics["Медиана скорости"] == "20 ток./с"
    assert len(at.get("plotly_chart")) == 3
    table = at.dataframe[0].value
    assert len(table) == 3
    assert set(table["Статус"]) == {"успешно", "сервер недоступен"}
    assert set(table["Страница"]) == {"Обзор", "Модель"}
    assert at.get("download_button")[0].proto.label == "Скачать CSV"
    shown = [c.value for c in at.code]  # «Что видела модель» for the newest call
    assert shown[0] == "Расскажи о данных"


def test_status_filter_narrows_the_table() -> None:
    record()
    record(status="timeout", response="", error="Модель не успела загрузиться", metrics={"wall_seconds": 120.0})
    at = run_page()
    at.selectbox(key="journal_status").set_value("timeout").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["Статус"]) == ["тайм-аут"]
    assert {m.label: m.value for m in at.metric}["Ошибок"] == "1"


def test_period_filter_with_nothing_inside_says_so(state_dir: Path) -> None:
    call_id = record()
    with sqlite3.connect(state_dir / "journal.sqlite") as db:
        db.execute("UPDATE calls SET created_at = '2020-01-01T00:00:00.000000+00:00' WHERE id = ?", (call_id,))
    assert len(calls()) == 1
    at = run_page()
    at.selectbox(key="journal_period").set_value("За сутки").run()
    assert not at.exception
    assert "Под выбранные фильтры не попал ни один вызов" in at.info[0].value
    assert not at.dataframe


def test_broken_journal_shows_russian_error_not_traceback(state_dir: Path) -> None:
    (state_dir / "journal.sqlite").write_bytes(b"garbage" * 200)
    at = run_page()
    assert "Журнал вызовов недоступен" in at.error[0].value


def test_journal_failing_after_the_filters_shows_russian_error_not_traceback(monkeypatch) -> None:
    """The filter values were read, then the calls query meets a broken journal (another process, a full disk)."""
    from lib import journal

    record()

    def broken(*args, **kwargs):
        raise journal.JournalError(journal.JOURNAL_UNAVAILABLE.format(path="journal.sqlite"), detail="disk I/O error")

    monkeypatch.setattr(journal, "calls", broken)
    at = run_page()
    assert "Журнал вызовов недоступен" in at.error[0].value
    assert not at.dataframe and not at.get("plotly_chart")


def test_a_period_without_answers_shows_a_notice_instead_of_empty_axes() -> None:
    record(status="connection", response="", error="Сервер Ollama не отвечает", metrics={})
    record(status="timeout", response="", error="Тайм-аут", metrics={})
    at = run_page()
    charts = at.get("plotly_chart")
    assert len(charts) == 1  # only the status chart: it has the two failed calls
    assert any("модель ни разу не ответила" in i.value for i in at.info)


def test_table_of_25_calls_is_shown_whole(monkeypatch) -> None:
    import lib.ui.journal as ui_journal

    heights: list[object] = []
    monkeypatch.setattr(ui_journal, "table_height", lambda rows: heights.append(rows) or "content")
    for _ in range(25):
        record()
    assert len(run_page().dataframe[0].value) == 25
    assert heights == [25]  # the page sizes the table by its rows (all of them up to 25: lib.ui.tables)


def test_the_check_column_comes_early_and_a_rejected_text_is_not_called_a_success() -> None:
    record(status="rejected", verdict={"supported": 1, "total": 3})
    at = run_page()
    table = at.dataframe[0].value
    assert list(table.columns)[:5] == ["№", "Время (UTC)", "Страница", "Статус", "Проверено чисел"]
    assert list(table["Статус"]) == ["текст не прошёл проверку чисел"]
    assert list(table["Проверено чисел"]) == ["1 из 3"]
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Успешно"], metrics["Текст отклонён"], metrics["Ошибок"]) == ("0", "1", "0")


def test_what_the_model_saw_titles_each_message_by_its_role_in_russian() -> None:
    record(messages=[{"role": "system", "content": "Ты аналитик."}, {"role": "user", "content": "Сводка"}])
    at = run_page()
    titles = [m.value for m in at.markdown]
    assert "**Системный промпт**" in titles and "**Сообщение со сводкой фактов**" in titles
    assert "**system**" not in titles and "**user**" not in titles
