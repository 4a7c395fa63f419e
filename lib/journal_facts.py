"""Aggregates of the call journal for the «Журнал» page: pure pandas, frame in, plain values out.

The charts draw these numbers as they are (latency and tokens/s per call, call counts per hour or day
and status); nothing is computed in `lib/charts/journal.py` or in the page.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from lib.fmt import DASH, fmt_int, fmt_num

NS = 1e9

STATUS_LABELS: dict[str, str] = {
    "ok": "успешно",
    "bad_host": "неверный адрес сервера",
    "connection": "сервер недоступен",
    "not_found": "модель не найдена",
    "timeout": "тайм-аут",
    "server": "ошибка сервера (500)",
    "busy": "сервер занят (503)",
    "bad_request": "неверный запрос (400)",
    "stream_error": "ошибка в потоке",
    "stream_cut": "ответ оборван",
    "empty": "пустой ответ",
    "unknown": "неизвестная ошибка",
}

PAGE_LABELS: dict[str, str] = {
    "overview": "Обзор",
    "columns": "Столбцы",
    "groups": "Группировки",
    "trends": "Динамика",
    "relations": "Связи",
    "quality": "Качество данных",
    "data": "Данные",
    "model": "Модель",
    "journal": "Журнал",
}


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def page_label(page: str) -> str:
    return PAGE_LABELS.get(page, page)


@dataclass(frozen=True)
class CallPoint:
    """One successful model call (cache hits excluded: the model did not run)."""

    time: str  # ISO, UTC without offset (plotly reads offsets poorly)
    model: str
    page: str
    latency_seconds: float | None  # total_duration, or wall time when the server gave none
    load_seconds: float | None
    tokens_per_second: float | None  # eval_count / eval_duration


@dataclass(frozen=True)
class StatusCount:
    period: str  # ISO start of the hour or day, UTC without offset
    status: str
    count: int


@dataclass(frozen=True)
class JournalFacts:
    calls: int
    ok: int
    errors: int
    cache_hits: int
    median_latency_seconds: float | None
    median_tokens_per_second: float | None
    bucket: str  # "hour" or "day"
    points: tuple[CallPoint, ...]
    status_counts: tuple[StatusCount, ...]
    busiest_period_calls: int = 0  # most calls in one hour (or day): the count axis needs whole-number ticks

    @property
    def is_empty(self) -> bool:
        return self.calls == 0


def _seconds(ns: pd.Series) -> pd.Series:
    return pd.to_numeric(ns, errors="coerce").astype("float64") / NS


def latency_seconds(frame: pd.DataFrame) -> pd.Series:
    """Server-side total duration in seconds; the client's wall time where the server reported none."""
    total = _seconds(frame["total_duration"])
    return total.fillna(pd.to_numeric(frame["wall_seconds"], errors="coerce").astype("float64"))


def tokens_per_second(frame: pd.DataFrame) -> pd.Series:
    count = pd.to_numeric(frame["eval_count"], errors="coerce").astype("float64")
    duration = pd.to_numeric(frame["eval_duration"], errors="coerce").astype("float64")
    return (count / duration * NS).where(duration > 0)


def _none(value: float) -> float | None:
    return None if pd.isna(value) else float(value)


def _naive_utc(moment: pd.Timestamp) -> str:
    return moment.tz_convert("UTC").tz_localize(None).isoformat()


def journal_facts(frame: pd.DataFrame) -> JournalFacts:
    """Counts, medians, per-call points and per-period status counts of a `lib.journal.calls()` frame."""
    if frame.empty:
        return JournalFacts(0, 0, 0, 0, None, None, "hour", (), ())
    frame = frame.sort_values(["created_at", "id"])
    is_ok = frame["status"] == "ok"
    model_ok = frame[is_ok & ~frame["cache_hit"]]
    latency = latency_seconds(model_ok)
    speed = tokens_per_second(model_ok)
    load = _seconds(model_ok["load_duration"])
    points = tuple(
        CallPoint(
            time=_naive_utc(time),
            model=model,
            page=page,
            latency_seconds=_none(lat),
            load_seconds=_none(ld),
            tokens_per_second=_none(tps),
        )
        for time, model, page, lat, ld, tps in zip(
            model_ok["created_at"], model_ok["model"], model_ok["page"], latency, load, speed, strict=True
        )
    )

    span = frame["created_at"].max() - frame["created_at"].min()
    bucket = "hour" if span <= pd.Timedelta(days=2) else "day"
    periods = frame["created_at"].dt.floor("h" if bucket == "hour" else "D")
    grouped = frame.groupby([periods, frame["status"]]).size()
    status_counts = tuple(
        StatusCount(period=_naive_utc(period), status=status, count=int(count))
        for (period, status), count in grouped.items()
    )
    per_period = frame.groupby(periods).size()
    return JournalFacts(
        calls=len(frame),
        ok=int(is_ok.sum()),
        errors=int((~is_ok).sum()),
        cache_hits=int(frame["cache_hit"].sum()),
        median_latency_seconds=_none(latency.median()),
        median_tokens_per_second=_none(speed.median()),
        bucket=bucket,
        points=points,
        status_counts=status_counts,
        busiest_period_calls=int(per_period.max()),
    )


PERIODS: dict[str, pd.Timedelta | None] = {
    "За всё время": None,
    "За последний час": pd.Timedelta(hours=1),
    "За сутки": pd.Timedelta(days=1),
    "За 7 дней": pd.Timedelta(days=7),
    "За 30 дней": pd.Timedelta(days=30),
}


def period_start(period: str, now: pd.Timestamp | None = None) -> str | None:
    """The UTC ISO moment a period label of `PERIODS` starts at (None: the whole journal)."""
    length = PERIODS[period]
    if length is None:
        return None
    now = now if now is not None else pd.Timestamp.now(tz="UTC")
    return (now - length).isoformat()


def fmt_seconds(value: float | None) -> str:
    """Seconds with one decimal, two below one second (a first token after 0,04 s is not «0»)."""
    if value is None or pd.isna(value):
        return fmt_num(None)
    return fmt_num(value, 2 if abs(value) < 1 else 1)


def verdict_text(verdict: object) -> str:
    """«3 из 4» from a stored `Verdict.to_dict()` (supported numbers of all numbers in the text)."""
    if not isinstance(verdict, dict):
        return DASH
    if isinstance(verdict.get("total"), int) and isinstance(verdict.get("supported"), int):
        return f"{fmt_int(verdict['supported'])} из {fmt_int(verdict['total'])}"
    return DASH


def _short(text: object, limit: int = 120) -> str:
    if not isinstance(text, str):
        return ""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def journal_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Display rows of a `calls()` frame: Russian column names, numbers formatted the Russian way."""
    latency = latency_seconds(frame)
    speed = tokens_per_second(frame)
    return pd.DataFrame(
        {
            "№": [fmt_int(v) for v in frame["id"]],
            "Время (UTC)": [t.strftime("%d.%m.%Y %H:%M:%S") for t in frame["created_at"]],
            "Страница": [page_label(p) for p in frame["page"]],
            "Модель": list(frame["model"]),
            "Статус": [status_label(s) for s in frame["status"]],
            "Из кэша": ["да" if hit else "нет" for hit in frame["cache_hit"]],
            "Время ответа, с": [fmt_seconds(_none(v)) for v in latency],
            "Загрузка модели, с": [fmt_seconds(_none(v)) for v in _seconds(frame["load_duration"])],
            "Первый токен, с": [fmt_seconds(_none(v)) for v in frame["first_token_seconds"]],
            "Токенов в запросе": [fmt_int(_none(v)) for v in frame["prompt_eval_count"]],
            "Токенов в ответе": [fmt_int(_none(v)) for v in frame["eval_count"]],
            "Токенов/с": [fmt_num(_none(v), 1) for v in speed],
            "Символов в запросе": [fmt_int(_none(v)) for v in frame["prompt_chars"]],
            "Проверено чисел": [verdict_text(v) for v in frame["verdict"]],
            "Попытка": [fmt_int(_none(v)) for v in frame["attempt"]],
            "Ответ": [_short(t) for t in frame["response"]],
            "Ошибка": [_short(e) for e in frame["error"]],
        }
    )
