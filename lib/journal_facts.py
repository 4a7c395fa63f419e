"""Aggregates of the call journal for the «Журнал» page: pure pandas, frame in, plain values out.

The charts draw these numbers as they are (latency and tokens/s per call, call counts per hour or day
and status); nothing is computed in `lib/charts/journal.py` or in the page.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from lib.fmt import DASH, fmt_int, fmt_num
from lib.narration.kinds import CALL_STATUS_LABELS, ERROR_KIND_LABELS, CallStatus

NS = 1e9

# A journal status is a CallStatus (the model answered; only `ok` means its text was accepted) or the
# ErrorKind that ended the call; both vocabularies and their labels live in lib/narration/kinds.py.
STATUS_LABELS: dict[str, str] = {
    **{status.value: label for status, label in CALL_STATUS_LABELS.items()},
    **{kind.value: label for kind, label in ERROR_KIND_LABELS.items()},
}
ANSWERED = frozenset(status.value for status in CallStatus)  # the model ran to the end of its answer
TEMPLATE_SHOWN = frozenset({CallStatus.REJECTED.value, CallStatus.NO_NUMBERS.value})  # its text failed the check

PAGE_LABELS: dict[str, str] = {
    "overview": "Обзор",
    "columns": "Столбцы",
    "groups": "Группировки",
    "trends": "Динамика",
    "relations": "Связи",
    "compare": "Сравнение",
    "quality": "Качество данных",
    "data": "Данные",
    "model": "Модель",
    "journal": "Журнал",
}


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def page_label(page: str) -> str:
    return PAGE_LABELS.get(page, page)


def resolve_zone(name: str | None) -> str:
    """An IANA time zone name the journal can show times in (the browser's, say); UTC when unknown."""
    if name:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            return "UTC"
        return name
    return "UTC"


def zone_label(zone: str, moment: dt.datetime | None = None) -> str:
    """«Europe/Moscow, UTC+3», «Asia/Kolkata, UTC+5:30», «UTC»: the zone and its offset at `moment` (now)."""
    if zone == "UTC":
        return "UTC"
    offset = (moment or dt.datetime.now(dt.UTC)).astimezone(ZoneInfo(zone)).utcoffset() or dt.timedelta()
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"{zone}, UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def local_times(created_at: pd.Series, zone: str) -> pd.Series:
    """UTC moments as naive local wall-clock times in `zone` (what a reader of that zone sees on a clock)."""
    return created_at.dt.tz_convert(zone).dt.tz_localize(None)


@dataclass(frozen=True)
class CallPoint:
    """One model call that answered (cache hits excluded: the model did not run)."""

    time: str  # ISO local wall-clock time in the sheet's zone, without offset (plotly reads offsets poorly)
    model: str
    page: str
    latency_seconds: float | None  # total_duration, or wall time when the server gave none
    load_seconds: float | None
    tokens_per_second: float | None  # eval_count / eval_duration


@dataclass(frozen=True)
class StatusCount:
    period: str  # ISO start of the local hour or day, without offset
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
    zone: str = "UTC"  # IANA name of the zone all times are in
    rejected: int = 0  # the model answered, but its text failed the check (TEMPLATE_SHOWN): the template was shown

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


def journal_facts(frame: pd.DataFrame, zone: str = "UTC") -> JournalFacts:
    """Counts, medians, per-call points and per-period status counts of a `lib.journal.calls()` frame, with
    times and hour/day periods in the local time of `zone`."""
    if frame.empty:
        return JournalFacts(0, 0, 0, 0, None, None, "hour", (), (), zone=zone)
    frame = frame.sort_values(["created_at", "id"])
    local = local_times(frame["created_at"], zone)
    answered = frame["status"].isin(list(ANSWERED))
    ran = answered & ~frame["cache_hit"]
    model_ran = frame[ran]
    latency = latency_seconds(model_ran)
    speed = tokens_per_second(model_ran)
    load = _seconds(model_ran["load_duration"])
    points = tuple(
        CallPoint(
            time=time.isoformat(),
            model=model,
            page=page,
            latency_seconds=_none(lat),
            load_seconds=_none(ld),
            tokens_per_second=_none(tps),
        )
        for time, model, page, lat, ld, tps in zip(
            local[ran], model_ran["model"], model_ran["page"], latency, load, speed, strict=True
        )
    )

    span = local.max() - local.min()
    bucket = "hour" if span <= pd.Timedelta(days=2) else "day"
    periods = local.dt.floor("h" if bucket == "hour" else "D")
    grouped = frame.groupby([periods, frame["status"]]).size()
    status_counts = tuple(
        StatusCount(period=period.isoformat(), status=status, count=int(count))
        for (period, status), count in grouped.items()
    )
    per_period = frame.groupby(periods).size()
    return JournalFacts(
        calls=len(frame),
        ok=int((frame["status"] == "ok").sum()),
        errors=int((~answered).sum()),
        cache_hits=int(frame["cache_hit"].sum()),
        median_latency_seconds=_none(latency.median()),
        median_tokens_per_second=_none(speed.median()),
        bucket=bucket,
        points=points,
        status_counts=status_counts,
        busiest_period_calls=int(per_period.max()),
        zone=zone,
        rejected=int(frame["status"].isin(list(TEMPLATE_SHOWN)).sum()),
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


def journal_table(frame: pd.DataFrame, zone: str = "UTC") -> pd.DataFrame:
    """Display rows of a `calls()` frame: Russian column names, numbers formatted the Russian way, local
    times in `zone`. What a reader scans first (time, page, status, the check) comes first, so it is in view
    without scrolling sideways."""
    latency = latency_seconds(frame)
    speed = tokens_per_second(frame)
    local = local_times(frame["created_at"], zone)
    return pd.DataFrame(
        {
            "№": [fmt_int(v) for v in frame["id"]],
            f"Время ({zone_label(zone)})": [t.strftime("%d.%m.%Y %H:%M:%S") for t in local],
            "Страница": [page_label(p) for p in frame["page"]],
            "Статус": [status_label(s) for s in frame["status"]],
            "Проверено чисел": [verdict_text(v) for v in frame["verdict"]],
            "Время ответа, с": [fmt_seconds(_none(v)) for v in latency],
            "Токенов/с": [fmt_num(_none(v), 1) for v in speed],
            "Модель": list(frame["model"]),
            "Из кэша": ["да" if hit else "нет" for hit in frame["cache_hit"]],
            "Попытка": [fmt_int(_none(v)) for v in frame["attempt"]],
            "Загрузка модели, с": [fmt_seconds(_none(v)) for v in _seconds(frame["load_duration"])],
            "Первый токен, с": [fmt_seconds(_none(v)) for v in frame["first_token_seconds"]],
            "Токенов в запросе": [fmt_int(_none(v)) for v in frame["prompt_eval_count"]],
            "Токенов в ответе": [fmt_int(_none(v)) for v in frame["eval_count"]],
            "Символов в запросе": [fmt_int(_none(v)) for v in frame["prompt_chars"]],
            "Ответ": [_short(t) for t in frame["response"]],
            "Ошибка": [_short(e) for e in frame["error"]],
        }
    )


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(text: str) -> str:
    """A cell a spreadsheet will not run as a formula: text starting with = + - @ tab or CR gets a leading
    apostrophe (the OWASP rule for CSV injection)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_number(value: Any, scale: float = 1.0) -> str:
    """A number as Russian Excel reads it: decimal comma, no thousands separator, at most 3 decimals."""
    if value is None or pd.isna(value):
        return ""
    number = float(value) / scale
    if scale == 1.0 and number.is_integer():
        return str(int(number))
    return f"{number:.3f}".rstrip("0").rstrip(".").replace(".", ",")


def _csv_json(value: object) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def journal_csv(frame: pd.DataFrame, zone: str = "UTC") -> bytes:
    """Every field of the shown calls as a CSV that Russian Excel opens as is: `;` between cells, UTF-8 with
    a BOM, Russian headers and page and status names, local time to the second, the check as «N из M»,
    durations in seconds with a decimal comma; cells that would start a formula are defused (`csv_safe`)."""
    local = local_times(frame["created_at"], zone) if len(frame) else frame["created_at"]
    columns: dict[str, list[str]] = {
        "№": [_csv_number(v) for v in frame["id"]],
        f"Время ({zone_label(zone)})": [t.strftime("%d.%m.%Y %H:%M:%S") for t in local],
        "Страница": [page_label(p) for p in frame["page"]],
        "Модель": list(frame["model"]),
        "Статус": [status_label(s) for s in frame["status"]],
        "Из кэша": ["да" if hit else "нет" for hit in frame["cache_hit"]],
        "Проверено чисел": [_csv_verdict(v) for v in frame["verdict"]],
        "Попытка": [_csv_number(v) for v in frame["attempt"]],
        "Время ответа, с": [_csv_number(v, NS) for v in frame["total_duration"]],
        "Загрузка модели, с": [_csv_number(v, NS) for v in frame["load_duration"]],
        "Чтение запроса, с": [_csv_number(v, NS) for v in frame["prompt_eval_duration"]],
        "Генерация, с": [_csv_number(v, NS) for v in frame["eval_duration"]],
        "Первый токен, с": [_csv_number(v) for v in frame["first_token_seconds"]],
        "Время по часам приложения, с": [_csv_number(v) for v in frame["wall_seconds"]],
        "Токенов в запросе": [_csv_number(v) for v in frame["prompt_eval_count"]],
        "Токенов в ответе": [_csv_number(v) for v in frame["eval_count"]],
        "Причина остановки": [v if isinstance(v, str) else "" for v in frame["done_reason"]],
        "Символов в запросе": [_csv_number(v) for v in frame["prompt_chars"]],
        "Токенов в запросе (оценка)": [_csv_number(v) for v in frame["prompt_tokens"]],
        "Ответ": [v if isinstance(v, str) else "" for v in frame["response"]],
        "Ошибка": [v if isinstance(v, str) else "" for v in frame["error"]],
        "Сводка": [str(v) for v in frame["facts_kind"]],
        "Набор данных": [str(v) for v in frame["dataset_id"]],
        "Версия промпта": [str(v) for v in frame["prompt_version"]],
        "Параметры": [_csv_json(v) for v in frame["options"]],
        "Сообщения": [_csv_json(v) for v in frame["messages"]],
        "Проверка (JSON)": [_csv_json(v) for v in frame["verdict"]],
        "Хэш системного промпта": [str(v) for v in frame["system_prompt_hash"]],
        "Хэш промпта": [str(v) for v in frame["prompt_hash"]],
    }
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns)
    for row in zip(*columns.values(), strict=True):
        writer.writerow([csv_safe(cell) for cell in row])
    return out.getvalue().encode("utf-8-sig")


def _csv_verdict(verdict: object) -> str:
    text = verdict_text(verdict)
    return "" if text == DASH else text.replace("\xa0", " ")


def call_record(frame: pd.DataFrame, call_id: int) -> pd.Series:
    """The journal row of call `call_id` (its messages, response and error) from a `load_calls` frame."""
    return frame.set_index("id").loc[call_id]
