"""SQLite journal of every LLM call: what was sent, what came back, how long it took.

Like simonw/llm's logs database: the schema grows through numbered migrations whose names are recorded
in the database itself (table `_migrations`), so an old journal is upgraded in place on first use.
Thread-safe by construction: every function opens its own connection (WAL, busy timeout) and closes it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from lib.config import load_config
from lib.errors import SvodkaError

METRIC_FIELDS: tuple[str, ...] = (
    "total_duration",
    "load_duration",
    "prompt_eval_count",
    "prompt_eval_duration",
    "eval_count",
    "eval_duration",
    "done_reason",
    "first_token_seconds",
    "wall_seconds",
)
_INT_COLUMNS = (
    "id",
    "prompt_chars",
    "prompt_tokens",
    "total_duration",
    "load_duration",
    "prompt_eval_count",
    "prompt_eval_duration",
    "eval_count",
    "eval_duration",
    "attempt",
)
_FLOAT_COLUMNS = ("first_token_seconds", "wall_seconds")
_JSON_COLUMNS = ("options", "messages", "verdict")


@dataclass
class CallRecord:
    """One call to the model (or one answer served from the narrative cache, `cache_hit=True`)."""

    page: str
    model: str
    options: dict[str, Any]
    system_prompt_hash: str
    prompt_hash: str
    prompt_chars: int
    prompt_tokens: int | None
    messages: list[dict[str, Any]] | None
    response: str
    status: str
    error: str | None
    cache_hit: bool
    facts_kind: str
    dataset_id: str
    prompt_version: str
    metrics: dict[str, Any] = field(default_factory=dict)
    verdict: dict[str, Any] | None = None
    attempt: int = 1


def text_hash(text: str) -> str:
    """SHA-256 of a prompt or system prompt, as stored in the journal."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _m001_calls(db: sqlite3.Connection) -> None:
    db.execute(
        """
        CREATE TABLE calls (
            id INTEGER PRIMARY KEY,
            created_at TEXT NOT NULL,
            page TEXT NOT NULL,
            model TEXT NOT NULL,
            options TEXT NOT NULL,
            system_prompt_hash TEXT NOT NULL,
            prompt_hash TEXT NOT NULL,
            prompt_chars INTEGER NOT NULL,
            prompt_tokens INTEGER,
            messages TEXT,
            response TEXT NOT NULL,
            status TEXT NOT NULL,
            error TEXT,
            cache_hit INTEGER NOT NULL,
            facts_kind TEXT NOT NULL,
            dataset_id TEXT NOT NULL,
            prompt_version TEXT NOT NULL,
            total_duration INTEGER,
            load_duration INTEGER,
            prompt_eval_count INTEGER,
            prompt_eval_duration INTEGER,
            eval_count INTEGER,
            eval_duration INTEGER,
            done_reason TEXT,
            first_token_seconds REAL,
            wall_seconds REAL,
            verdict TEXT,
            attempt INTEGER NOT NULL DEFAULT 1
        )
        """
    )


def _m002_indexes(db: sqlite3.Connection) -> None:
    db.execute("CREATE INDEX calls_created_at ON calls (created_at)")
    db.execute("CREATE INDEX calls_status ON calls (status)")


MIGRATIONS: tuple[tuple[str, Callable[[sqlite3.Connection], None]], ...] = (
    ("m001_calls", _m001_calls),
    ("m002_indexes", _m002_indexes),
)

class JournalError(SvodkaError):
    """The journal database could not be opened, read or written."""


JOURNAL_UNAVAILABLE = (
    "Журнал вызовов недоступен: не удалось открыть базу {path}. "
    "Проверьте, что каталог состояния (SVODKA_STATE_DIR) существует и доступен для записи, и обновите страницу."
)

_migrated: set[Path] = set()
_migrate_lock = threading.Lock()


def migrate(db: sqlite3.Connection) -> list[str]:
    """Apply the migrations this database has not seen yet; returns their names."""
    db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    applied: list[str] = []
    db.execute("BEGIN IMMEDIATE")  # one process/thread migrates at a time; the others wait, then see the names
    try:
        done = {row[0] for row in db.execute("SELECT name FROM _migrations")}
        for name, apply in MIGRATIONS:
            if name in done:
                continue
            apply(db)
            db.execute("INSERT INTO _migrations (name, applied_at) VALUES (?, ?)", (name, _now()))
            applied.append(name)
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return applied


def journal_path() -> Path:
    return load_config().journal_path


@contextmanager
def _connect(path: Path | None) -> Iterator[sqlite3.Connection]:
    """A fresh connection to a migrated journal; SQLite and file-system failures become a JournalError."""
    path = Path(path) if path is not None else journal_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, timeout=30, isolation_level=None)
    except (OSError, sqlite3.Error) as exc:
        raise JournalError(JOURNAL_UNAVAILABLE.format(path=path), detail=repr(exc)) from exc
    try:
        db.execute("PRAGMA busy_timeout=30000")
        key = path.resolve()
        if key not in _migrated or not _has_calls_table(db):
            with _migrate_lock:
                # WAL is a property of the file, set once; switching modes needs the file to itself and SQLite
                # answers «database is locked» at once instead of waiting, so it happens here, serialised.
                db.execute("PRAGMA journal_mode=WAL")
                migrate(db)
                _migrated.add(key)
        yield db
    except sqlite3.Error as exc:
        raise JournalError(JOURNAL_UNAVAILABLE.format(path=path), detail=repr(exc)) from exc
    finally:
        db.close()


def _has_calls_table(db: sqlite3.Connection) -> bool:
    return db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='calls'").fetchone() is not None


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def _utc_iso(moment: str | dt.datetime) -> str:
    """Any ISO moment → the UTC ISO text stored in `created_at` (naive moments are taken as UTC)."""
    value = dt.datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def record_call(record: CallRecord, path: Path | None = None) -> int:
    """Append one call to the journal; returns its row id. `created_at` is now, in UTC."""
    metrics = record.metrics or {}
    row: dict[str, Any] = {
        "created_at": _now(),
        "page": record.page,
        "model": record.model,
        "options": _json(record.options or {}),
        "system_prompt_hash": record.system_prompt_hash,
        "prompt_hash": record.prompt_hash,
        "prompt_chars": int(record.prompt_chars),
        "prompt_tokens": record.prompt_tokens,
        "messages": _json(record.messages),
        "response": record.response,
        "status": record.status,
        "error": record.error,
        "cache_hit": int(bool(record.cache_hit)),
        "facts_kind": record.facts_kind,
        "dataset_id": record.dataset_id,
        "prompt_version": record.prompt_version,
        **{name: metrics.get(name) for name in METRIC_FIELDS},
        "verdict": _json(record.verdict),
        "attempt": int(record.attempt),
    }
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    with _connect(path) as db:
        cursor = db.execute(f"INSERT INTO calls ({columns}) VALUES ({marks})", tuple(row.values()))
        return int(cursor.lastrowid)


def update_verdict(call_id: int, verdict: dict[str, Any], path: Path | None = None) -> None:
    """Attach the verifier's verdict to a call recorded before the check ran."""
    with _connect(path) as db:
        db.execute("UPDATE calls SET verdict = ? WHERE id = ?", (_json(verdict), int(call_id)))


COLUMNS: tuple[str, ...] = (
    "id",
    "created_at",
    "page",
    "model",
    "options",
    "system_prompt_hash",
    "prompt_hash",
    "prompt_chars",
    "prompt_tokens",
    "messages",
    "response",
    "status",
    "error",
    "cache_hit",
    "facts_kind",
    "dataset_id",
    "prompt_version",
    *METRIC_FIELDS,
    "verdict",
    "attempt",
)


def calls(
    path: Path | None = None,
    *,
    since: str | dt.datetime | None = None,
    status: str | None = None,
    page: str | None = None,
    model: str | None = None,
    limit: int = 5000,
) -> pd.DataFrame:
    """The journal, newest first, as a frame with typed columns (`created_at` is tz-aware UTC).

    JSON columns (`options`, `messages`, `verdict`) come back as Python objects; counts are nullable Int64.
    """
    where, params = [], []
    if since is not None:
        where.append("created_at >= ?")
        params.append(_utc_iso(since))
    for name, value in (("status", status), ("page", page), ("model", model)):
        if value is not None:
            where.append(f"{name} = ?")
            params.append(value)
    sql = f"SELECT {', '.join(COLUMNS)} FROM calls"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY created_at DESC, id DESC LIMIT ?"
    params.append(int(limit))
    with _connect(path) as db:
        rows = db.execute(sql, params).fetchall()
    frame = pd.DataFrame.from_records(rows, columns=list(COLUMNS))
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True, format="ISO8601")
    for name in _INT_COLUMNS:
        frame[name] = pd.array(frame[name].tolist(), dtype="Int64")
    for name in _FLOAT_COLUMNS:
        frame[name] = pd.to_numeric(frame[name], errors="coerce").astype("float64")
    for name in _JSON_COLUMNS:
        decoded = [json.loads(text) if isinstance(text, str) else None for text in frame[name]]
        frame[name] = pd.Series(decoded, index=frame.index, dtype=object)
    frame["cache_hit"] = frame["cache_hit"].astype(bool)
    return frame


def distinct_values(path: Path | None = None) -> dict[str, list[str]]:
    """The pages, models and statuses present in the journal (for the filter widgets), sorted."""
    with _connect(path) as db:
        return {
            name: [row[0] for row in db.execute(f"SELECT DISTINCT {name} FROM calls ORDER BY {name}")]
            for name in ("page", "model", "status")
        }


def load_choices(path: Path | None = None) -> tuple[dict[str, list[str]] | None, str | None]:
    """`distinct_values` for the «Журнал» page: the values, or None and the Russian message to show."""
    try:
        return distinct_values(path), None
    except JournalError as exc:
        return None, exc.user_message


def load_calls(path: Path | None = None, **filters: Any) -> tuple[pd.DataFrame | None, str | None]:
    """`calls(**filters)` for the «Журнал» page: the frame, or None and the Russian message to show."""
    try:
        return calls(path, **filters), None
    except JournalError as exc:
        return None, exc.user_message


def calls_csv(frame: pd.DataFrame) -> bytes:
    """The frame as CSV in UTF-8 with a BOM (so Excel in a Russian locale opens it right); JSON columns as JSON."""
    out = frame.copy()
    for name in _JSON_COLUMNS:
        if name in out.columns:
            out[name] = out[name].map(_json)
    if "created_at" in out.columns and pd.api.types.is_datetime64_any_dtype(out["created_at"]):
        out["created_at"] = out["created_at"].map(lambda t: t.isoformat() if pd.notna(t) else "")
    return out.to_csv(index=False).encode("utf-8-sig")
