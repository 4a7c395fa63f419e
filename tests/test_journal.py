"""The SQLite journal: migrations, records, filters, CSV, aggregates and charts."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import sqlite3
import threading
from pathlib import Path

import pandas as pd
import pytest

from lib import journal
from lib.charts.journal import latency_chart, speed_chart, status_chart
from lib.journal import CallRecord, calls, record_call, text_hash
from lib.journal_facts import (
    csv_safe,
    fmt_seconds,
    journal_csv,
    journal_facts,
    journal_table,
    period_start,
    zone_label,
)


def make_record(**changes) -> CallRecord:
    base = dict(
        page="overview",
        model="qwen2.5:3b",
        options={"temperature": 0.2, "num_ctx": 8192},
        system_prompt_hash=text_hash("система"),
        prompt_hash=text_hash("факты"),
        prompt_chars=5,
        prompt_tokens=120,
        messages=[{"role": "system", "content": "система"}, {"role": "user", "content": "факты"}],
        response="В наборе 336 776 рейсов.",
        status="ok",
        error=None,
        cache_hit=False,
        facts_kind="overview",
        dataset_id="flights-1",
        prompt_version="p1",
        metrics={
            "total_duration": 4_000_000_000,
            "load_duration": 1_000_000_000,
            "prompt_eval_count": 120,
            "prompt_eval_duration": 1_500_000_000,
            "eval_count": 50,
            "eval_duration": 2_000_000_000,
            "done_reason": "stop",
            "first_token_seconds": 2.6,
            "wall_seconds": 4.2,
        },
    )
    base.update(changes)
    return CallRecord(**base)


def set_created_at(path: Path, call_id: int, moment: str) -> None:
    with sqlite3.connect(path) as db:
        db.execute("UPDATE calls SET created_at = ? WHERE id = ?", (moment, call_id))


def test_journal_lives_in_state_dir_and_records_migrations(state_dir: Path) -> None:
    record_call(make_record())
    path = state_dir / "journal.sqlite"
    assert path.exists()
    with sqlite3.connect(path) as db:
        names = [row[0] for row in db.execute("SELECT name FROM _migrations ORDER BY name")]
        mode = db.execute("PRAGMA journal_mode").fetchone()[0]
    assert names == [name for name, _ in journal.MIGRATIONS]
    assert mode == "wal"


def test_migrate_applies_only_missing_migrations(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "j.sqlite", isolation_level=None)
    assert journal.migrate(db) == ["m001_calls", "m002_indexes"]
    assert journal.migrate(db) == []
    db.execute("DELETE FROM _migrations WHERE name = 'm002_indexes'")
    db.execute("DROP INDEX calls_created_at")
    db.execute("DROP INDEX calls_status")
    assert journal.migrate(db) == ["m002_indexes"]
    db.close()


def test_record_round_trips_every_field(state_dir: Path) -> None:
    record = make_record(verdict={"supported": 3, "total": 4}, attempt=2)
    call_id = record_call(record)
    frame = calls()
    assert len(frame) == 1
    row = frame.iloc[0]
    assert row["id"] == call_id
    assert row["page"] == "overview"
    assert row["options"] == {"temperature": 0.2, "num_ctx": 8192}
    assert row["messages"] == record.messages
    assert row["prompt_hash"] == text_hash("факты")
    assert row["response"] == "В наборе 336 776 рейсов."
    assert bool(row["cache_hit"]) is False
    assert row["total_duration"] == 4_000_000_000
    assert row["eval_count"] == 50
    assert row["done_reason"] == "stop"
    assert row["first_token_seconds"] == 2.6
    assert row["verdict"] == {"supported": 3, "total": 4}
    assert row["attempt"] == 2
    assert row["created_at"].tzinfo is not None


def test_error_and_cache_hit_rows_keep_missing_metrics_as_na() -> None:
    record_call(make_record(status="timeout", error="Модель не успела ответить", response="", metrics={}))
    record_call(make_record(cache_hit=True, metrics={}))
    frame = calls()
    assert frame["total_duration"].isna().all()
    assert frame["eval_count"].isna().all()
    assert set(frame["status"]) == {"timeout", "ok"}
    assert list(frame["cache_hit"]) == [True, False]  # newest first


def test_stored_columns_are_the_record_fields_plus_id_time_and_metrics(state_dir: Path) -> None:
    record_call(make_record())
    with sqlite3.connect(state_dir / "journal.sqlite") as db:
        stored = [row[1] for row in db.execute("PRAGMA table_info(calls)")]
    expected = {"id", "created_at", *(f.name for f in dataclasses.fields(CallRecord) if f.name != "metrics"),
                *make_record().metrics}
    assert set(stored) == expected
    assert set(journal.COLUMNS) == expected


def test_filters_by_status_page_model_and_since(state_dir: Path) -> None:
    path = state_dir / "journal.sqlite"
    old = record_call(make_record(page="groups"))
    record_call(make_record(status="connection", response=""))
    record_call(make_record(model="qwen3:1.7b", page="model"))
    set_created_at(path, old, "2026-01-01T00:00:00.000000+00:00")
    assert list(calls(status="connection")["status"]) == ["connection"]
    assert list(calls(page="groups")["id"]) == [old]
    assert list(calls(model="qwen3:1.7b")["page"]) == ["model"]
    assert old not in set(calls(since="2026-06-01T00:00:00")["id"])
    assert len(calls(since="2025-12-31T23:00:00-02:00")) == 2  # 2026-01-01T01:00 UTC: after the old row
    assert len(calls(limit=2)) == 2


def test_empty_journal_gives_empty_frame_with_all_columns() -> None:
    frame = calls()
    assert frame.empty
    assert list(frame.columns) == list(journal.COLUMNS)
    assert journal_facts(frame).is_empty


def test_concurrent_writes_from_threads_all_land() -> None:
    def write(n: int) -> None:
        for i in range(10):
            record_call(make_record(prompt_chars=n * 100 + i))

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    frame = calls()
    assert sorted(frame["prompt_chars"]) == sorted(n * 100 + i for n in range(4) for i in range(10))


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_csv_opens_in_russian_excel_semicolons_russian_headers_local_seconds(state_dir: Path) -> None:
    call_id = record_call(make_record(verdict={"supported": 3, "total": 4}, page="groups", status="rejected"))
    set_created_at(state_dir / "journal.sqlite", call_id, "2026-11-23T16:08:09.500000+00:00")
    rows = read_csv(journal_csv(calls(), "Europe/Moscow"))
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["№"] == str(call_id)
    assert row["Время (Europe/Moscow, UTC+3)"] == "23.11.2026 19:08:09"  # 16:08:09 UTC is 19:08:09 in Moscow
    assert row["Страница"] == "Группировки"
    assert row["Статус"] == "текст не прошёл проверку чисел"
    assert row["Проверено чисел"] == "3 из 4"
    assert row["Из кэша"] == "нет"
    assert row["Время ответа, с"] == "4"  # 4 000 000 000 ns
    assert row["Чтение запроса, с"] == "1,5"
    assert row["Первый токен, с"] == "2,6"
    assert row["Токенов в ответе"] == "50"
    assert row["Ответ"] == "В наборе 336 776 рейсов."
    assert json.loads(row["Параметры"]) == {"num_ctx": 8192, "temperature": 0.2}
    assert json.loads(row["Сообщения"])[1] == {"role": "user", "content": "факты"}


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_defuses_cells_that_would_start_a_formula(start: str) -> None:
    payload = f"{start}HYPERLINK(\"http://x\";\"y\")"
    record_call(make_record(response=payload, error=payload, model=f"{start}cmd"))
    rows = read_csv(journal_csv(calls()))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Ответ"] == "'" + payload
    assert row["Ошибка"] == "'" + payload
    assert row["Модель"] == f"'{start}cmd"


def test_csv_safe_leaves_ordinary_text_alone() -> None:
    assert csv_safe("В наборе 19 столбцов") == "В наборе 19 столбцов"
    assert csv_safe("") == ""
    assert csv_safe("a=b") == "a=b"
    assert csv_safe("-5") == "'-5"


def test_facts_medians_points_and_counts(state_dir: Path) -> None:
    path = state_dir / "journal.sqlite"
    a = record_call(make_record())  # 4 s, 50 tokens in 2 s → 25 tok/s
    b = record_call(make_record(metrics={"total_duration": 10_000_000_000, "eval_count": 30,
                                         "eval_duration": 3_000_000_000}))  # 10 s, 10 tok/s
    c = record_call(make_record(status="timeout", response="", metrics={"wall_seconds": 120.0}))
    d = record_call(make_record(cache_hit=True, metrics={}))
    e = record_call(make_record(metrics={"wall_seconds": 7.0}))  # no server metrics: wall time, no speed
    for call_id, moment in ((a, "10:05"), (b, "10:40"), (c, "11:10"), (d, "11:20"), (e, "11:30")):
        set_created_at(path, call_id, f"2026-11-23T{moment}:00.000000+00:00")
    facts = journal_facts(calls())
    assert (facts.calls, facts.ok, facts.errors, facts.cache_hits) == (5, 4, 1, 1)
    assert [p.latency_seconds for p in facts.points] == [4.0, 10.0, 7.0]
    assert [p.tokens_per_second for p in facts.points] == [25.0, 10.0, None]
    assert facts.points[0].time == "2026-11-23T10:05:00"
    assert facts.median_latency_seconds == 7.0  # median of 4, 10, 7
    assert facts.median_tokens_per_second == 17.5  # median of 25 and 10
    assert facts.bucket == "hour"
    assert facts.busiest_period_calls == 3  # 11:00–12:00 holds c, d and e
    counts = {(c.period, c.status): c.count for c in facts.status_counts}
    assert counts == {
        ("2026-11-23T10:00:00", "ok"): 2,
        ("2026-11-23T11:00:00", "timeout"): 1,
        ("2026-11-23T11:00:00", "ok"): 2,
    }


def test_facts_switch_to_days_for_long_spans(state_dir: Path) -> None:
    path = state_dir / "journal.sqlite"
    first = record_call(make_record())
    second = record_call(make_record(status="busy", response=""))
    set_created_at(path, first, "2026-11-01T08:00:00.000000+00:00")
    set_created_at(path, second, "2026-11-05T23:59:00.000000+00:00")
    facts = journal_facts(calls())
    assert facts.bucket == "day"
    assert {(c.period, c.status) for c in facts.status_counts} == {
        ("2026-11-01T00:00:00", "ok"),
        ("2026-11-05T00:00:00", "busy"),
    }


def test_charts_have_russian_titles_comma_decimals_and_no_si() -> None:
    record_call(make_record())
    record_call(make_record(model="qwen3:1.7b", status="connection", response="", metrics={}))
    facts = journal_facts(calls())
    for fig in (latency_chart(facts), speed_chart(facts), status_chart(facts)):
        assert fig.layout.separators == ", "
        assert fig.layout.xaxis.title.text.endswith("(UTC)")
        assert "s" not in (fig.layout.yaxis.tickformat or "")
    latency = latency_chart(facts)
    assert latency.layout.yaxis.title.text == "Время ответа, с"
    assert [t.name for t in latency.data] == ["qwen2.5:3b"]  # the failed call has no latency point
    assert list(latency.data[0].y) == [4.0]
    assert list(speed_chart(facts).data[0].y) == [25.0]
    status = status_chart(facts)
    assert status.layout.yaxis.title.text == "Число вызовов"
    assert status.layout.yaxis.dtick == 1  # whole calls only
    assert [t.name for t in status.data] == ["успешно", "сервер недоступен"]
    assert [list(t.y) for t in status.data] == [[1], [1]]


def test_table_has_russian_columns_and_formatted_numbers() -> None:
    record_call(make_record(metrics={"total_duration": 12_345_000_000, "eval_count": 15000,
                                    "eval_duration": 600_000_000_000, "prompt_eval_count": 20480}))
    table = journal_table(calls())
    row = table.iloc[0]
    assert row["Страница"] == "Обзор"
    assert row["Статус"] == "успешно"
    assert row["Время ответа, с"] == "12,3"
    assert row["Токенов в ответе"] == "15\xa0000"
    assert row["Токенов в запросе"] == "20\xa0480"
    assert row["Токенов/с"] == "25"
    assert row["Загрузка модели, с"] == "—"
    assert row["Проверено чисел"] == "—"


def test_table_shows_verdict_and_attempt() -> None:
    record_call(make_record(verdict={"supported": 3, "total": 4, "ok": False, "claims": []}, attempt=2))
    row = journal_table(calls()).iloc[0]
    assert row["Проверено чисел"] == "3 из 4"
    assert row["Попытка"] == "2"


def test_period_start_subtracts_the_period_length() -> None:
    now = pd.Timestamp("2026-11-23T12:00:00", tz="UTC")
    assert period_start("За всё время", now) is None
    assert period_start("За сутки", now) == "2026-11-22T12:00:00+00:00"
    assert period_start("За последний час", now) == "2026-11-23T11:00:00+00:00"


def test_csv_of_empty_frame_is_only_the_header() -> None:
    rows = read_csv(journal_csv(calls()))
    assert len(rows) == 1
    assert rows[0][:3] == ["№", "Время (UTC)", "Страница"]


def test_zone_label_names_the_zone_and_its_offset() -> None:
    winter = dt.datetime(2026, 1, 15, tzinfo=dt.UTC)
    summer = dt.datetime(2026, 7, 15, tzinfo=dt.UTC)
    assert zone_label("UTC") == "UTC"
    assert zone_label("Europe/Moscow", winter) == "Europe/Moscow, UTC+3"
    assert zone_label("Europe/Berlin", winter) == "Europe/Berlin, UTC+1"
    assert zone_label("Europe/Berlin", summer) == "Europe/Berlin, UTC+2"
    assert zone_label("Asia/Kolkata", winter) == "Asia/Kolkata, UTC+5:30"
    assert zone_label("America/New_York", winter) == "America/New_York, UTC−5"


def test_facts_times_and_hours_are_local_to_the_reader(state_dir: Path) -> None:
    path = state_dir / "journal.sqlite"
    ids = [record_call(make_record()) for _ in range(3)]
    for call_id, moment in zip(ids, ("16:08", "16:12", "16:15"), strict=True):
        set_created_at(path, call_id, f"2026-11-23T{moment}:00.000000+00:00")
    facts = journal_facts(calls(), "Europe/Moscow")
    assert [p.time for p in facts.points] == ["2026-11-23T19:08:00", "2026-11-23T19:12:00", "2026-11-23T19:15:00"]
    assert [(c.period, c.status, c.count) for c in facts.status_counts] == [("2026-11-23T19:00:00", "ok", 3)]
    assert facts.zone == "Europe/Moscow"


def test_status_chart_bar_covers_its_hour_and_ticks_fall_on_whole_hours(state_dir: Path) -> None:
    path = state_dir / "journal.sqlite"
    ids = [record_call(make_record()) for _ in range(2)]
    for call_id, moment in zip(ids, ("16:08", "16:15"), strict=True):
        set_created_at(path, call_id, f"2026-11-23T{moment}:00.000000+00:00")
    fig = status_chart(journal_facts(calls(), "Europe/Moscow"))
    assert fig.layout.xaxis.title.text.startswith("Час (Europe/Moscow, UTC+")
    assert list(fig.layout.xaxis.range) == ["2026-11-23T19:00:00", "2026-11-23T20:00:00"]
    assert fig.layout.xaxis.tick0 == "2026-11-23T19:00:00"
    assert fig.layout.xaxis.dtick == 3_600_000
    assert list(fig.data[0].x) == ["2026-11-23T19:30:00"]  # the bar's centre: it spans 19:00–20:00
    assert fig.data[0].width == 3_600_000 * 0.9


def test_latency_chart_of_one_call_has_a_readable_range(state_dir: Path) -> None:
    call_id = record_call(make_record())
    set_created_at(state_dir / "journal.sqlite", call_id, "2026-11-23T16:08:00.000000+00:00")
    fig = latency_chart(journal_facts(calls(), "Europe/Moscow"))
    assert list(fig.layout.xaxis.range) == ["2026-11-23T19:03:00", "2026-11-23T19:13:00"]  # ± 5 minutes


def test_rejected_text_is_not_counted_as_success_nor_as_error() -> None:
    record_call(make_record())
    record_call(make_record(status="rejected"))
    record_call(make_record(status="timeout", response="", metrics={}))
    frame = calls()
    facts = journal_facts(frame)
    assert (facts.calls, facts.ok, facts.rejected, facts.errors) == (3, 1, 1, 1)
    assert len(facts.points) == 2  # the model ran in both answered calls: their speed counts
    labels = set(journal_table(frame)["Статус"])
    assert labels == {"успешно", "текст не прошёл проверку чисел", "тайм-аут"}


def test_unwritable_journal_raises_russian_journal_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(journal.JournalError) as caught:
        calls(blocker / "journal.sqlite")
    assert "Журнал вызовов недоступен" in caught.value.user_message
    assert "SVODKA_STATE_DIR" in caught.value.user_message


def test_page_readers_return_the_russian_message_instead_of_raising(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    for value, message in (journal.load_choices(blocker / "journal.sqlite"),
                           journal.load_calls(blocker / "journal.sqlite", status="ok", limit=10)):
        assert value is None
        assert "Журнал вызовов недоступен" in message and "SVODKA_STATE_DIR" in message


def test_page_readers_pass_filters_through_and_give_no_message(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    record_call(make_record(), path)
    record_call(make_record(status="timeout"), path)
    choices, message = journal.load_choices(path)
    assert message is None and choices["status"] == ["ok", "timeout"]
    frame, message = journal.load_calls(path, status="timeout")
    assert message is None and list(frame["status"]) == ["timeout"]


def test_corrupt_journal_file_raises_journal_error(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(journal.JournalError):
        record_call(make_record(), path)


def test_seconds_get_two_decimals_below_one_second() -> None:
    assert fmt_seconds(0.04) == "0,04"
    assert fmt_seconds(2.64) == "2,6"
    assert fmt_seconds(12.0) == "12"
    assert fmt_seconds(None) == "—"


def test_first_open_of_fresh_journals_from_many_threads_never_reports_locked(tmp_path) -> None:
    """Switching a new file to WAL is answered «locked» at once, not after the busy timeout: it must be
    serialised, or a burst of first calls after a start loses journal rows."""
    errors: list[BaseException] = []

    def write(path, n: int) -> None:
        try:
            for i in range(5):
                record_call(make_record(prompt_chars=n * 10 + i), path)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    for trial in range(30):
        path = tmp_path / f"journal-{trial}.sqlite"
        threads = [threading.Thread(target=write, args=(path, n)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(calls(path)) == 20
    assert errors == []


def test_every_call_status_and_error_kind_has_a_journal_label() -> None:
    from lib.journal_facts import STATUS_LABELS, status_label
    from lib.narration.kinds import CallStatus, ErrorKind

    assert set(STATUS_LABELS) == {s.value for s in CallStatus} | {k.value for k in ErrorKind}
    assert status_label("ok") == "успешно"
    assert status_label("rejected") != "успешно"
    assert status_label("something_new") == "something_new"


def test_every_report_page_has_a_russian_name() -> None:
    from lib.journal_facts import PAGE_LABELS
    from lib.narration.tasks import TASKS

    assert set(TASKS) <= set(PAGE_LABELS)


def test_page_readers_log_the_technical_detail(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with caplog.at_level("WARNING", logger="lib.journal"):
        journal.load_calls(blocker / "journal.sqlite")
    record = next(r for r in caplog.records if r.name == "lib.journal")
    assert "journal unavailable" in record.getMessage()
    assert "Error" in record.getMessage()  # the repr of the OSError/sqlite3 error kept in `detail`
    assert record.exc_info is not None


def test_status_chart_of_a_long_span_ticks_whole_days_at_most_about_eight(state_dir: Path) -> None:
    path = state_dir / "journal.sqlite"
    first = record_call(make_record())
    last = record_call(make_record(status="busy", response=""))
    set_created_at(path, first, "2026-11-01T08:00:00.000000+00:00")
    set_created_at(path, last, "2026-11-20T23:59:00.000000+00:00")
    fig = status_chart(journal_facts(calls()))
    assert fig.layout.xaxis.title.text == "День (UTC)"
    assert list(fig.layout.xaxis.range) == ["2026-11-01T00:00:00", "2026-11-21T00:00:00"]
    assert fig.layout.xaxis.dtick == 86_400_000 * 3  # 20 days: a tick every 3 days (⌈20 / 8⌉)
    assert [list(t.x) for t in fig.data] == [["2026-11-01T12:00:00", "2026-11-20T12:00:00"]] * 2  # day centres
    assert [(t.name, list(t.y)) for t in fig.data] == [("успешно", [1, 0]), ("сервер занят (503)", [0, 1])]


def test_texts_without_sheet_numbers_count_as_rejected_but_unchecked_ones_do_not() -> None:
    for status in ("ok", "rejected", "no_numbers", "unchecked"):
        record_call(make_record(status=status))
    facts = journal_facts(calls())
    assert (facts.calls, facts.ok, facts.rejected, facts.errors) == (4, 1, 2, 0)
