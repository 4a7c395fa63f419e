"""SQLite journal of every LLM call: what was sent, what came back, how long it took.

Like simonw/llm's logs database: the schema grows through numbered migrations recorded in the database
(lib/store.py: connection, WAL, busy timeout, migrations), so an old journal is upgraded in place on first
use. Every function opens its own connection and closes it, so threads never share one.

The stored columns are derived from `CallRecord` (plus `id`, `created_at` and the metric columns of
`METRIC_TYPES`): a field added there needs a migration adding its column, and nothing else.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import sqlite3
import types
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Union, get_args, get_origin, get_type_hints

import pandas as pd

from lib.config import load_config
from lib.errors import SvodkaError
from lib.store import Schema, connect
from lib.store import migrate as store_migrate

log = logging.getLogger(__name__)

METRIC_TYPES: dict[str, type] = {
    "total_duration": int,
    "load_duration": int,
    "prompt_eval_count": int,
    "prompt_eval_duration": int,
    "eval_count": int,
    "eval_duration": int,
    "done_reason": str,
    "first_token_seconds": float,
    "wall_seconds": float,
}
METRIC_FIELDS: tuple[str, ...] = tuple(METRIC_TYPES)


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
    metrics: dict[str, Any] = field(default_factory=dict)  # stored as the columns of METRIC_TYPES
    verdict: dict[str, Any] | None = None
    attempt: int = 1


def _storage(annotation: Any) -> type:
    """How a field is stored: int, float, bool, str, or dict for JSON text (lists and dicts)."""
    args = [a for a in get_args(annotation) if a is not type(None)]
    if get_origin(annotation) in (Union, types.UnionType) and len(args) == 1:
        annotation = args[0]
    if get_origin(annotation) in (dict, list):
        return dict
    if annotation in (int, float, bool, str):
        return annotation
    raise TypeError(f"no journal column type for {annotation!r}")


def _column_types() -> dict[str, type]:
    hints = get_type_hints(CallRecord)
    types_: dict[str, type] = {"id": int, "created_at": dt.datetime}
    for item in fields(CallRecord):
        if item.name == "metrics":
            types_.update(METRIC_TYPES)
        else:
            types_[item.name] = _storage(hints[item.name])
    return types_


COLUMN_TYPES: dict[str, type] = _column_types()
COLUMNS: tuple[str, ...] = tuple(COLUMN_TYPES)
RECORD_COLUMNS: tuple[str, ...] = COLUMNS[2:]  # what `record_call` writes besides `created_at`


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


MIGRATIONS = (
    ("m001_calls", _m001_calls),
    ("m002_indexes", _m002_indexes),
)
SCHEMA = Schema(MIGRATIONS, table="calls")


class JournalError(SvodkaError):
    """The journal database could not be opened, read or written."""


JOURNAL_UNAVAILABLE = (
    "Журнал вызовов недоступен: не удалось открыть базу {path}. "
    "Проверьте, что каталог состояния (SVODKA_STATE_DIR) существует и доступен для записи, и обновите страницу."
)


def migrate(db: sqlite3.Connection) -> list[str]:
    """Apply the journal migrations this database has not seen yet; returns their names."""
    return store_migrate(db, MIGRATIONS)


def journal_path() -> Path:
    return load_config().journal_path


@contextmanager
def _connect(path: Path | None) -> Iterator[sqlite3.Connection]:
    """A fresh connection to a migrated journal; SQLite and file-system failures become a JournalError."""
    path = Path(path) if path is not None else journal_path()
    try:
        with connect(path, SCHEMA) as db:
            yield db
    except (OSError, sqlite3.Error) as exc:
        raise JournalError(JOURNAL_UNAVAILABLE.format(path=path), detail=repr(exc)) from exc


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


def _stored(kind: type, value: Any) -> Any:
    """A record's value as its column holds it."""
    if value is None:
        return None
    if kind is dict:
        return _json(value)
    if kind in (int, bool):
        return int(value)
    if kind is float:
        return float(value)
    return value


def record_call(record: CallRecord, path: Path | None = None) -> int:
    """Append one call to the journal; returns its row id. `created_at` is now, in UTC."""
    values = {**{item.name: getattr(record, item.name) for item in fields(record)}, **(record.metrics or {})}
    values["options"] = values["options"] or {}
    row = [_stored(COLUMN_TYPES[name], values.get(name)) for name in RECORD_COLUMNS]
    sql = (f"INSERT INTO calls (created_at, {', '.join(RECORD_COLUMNS)}) "
           f"VALUES (?, {', '.join('?' for _ in RECORD_COLUMNS)})")
    with _connect(path) as db:
        cursor = db.execute(sql, (_now(), *row))
        return int(cursor.lastrowid or 0)


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
    where: list[str] = []
    params: list[str | int] = []
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
    for name, kind in COLUMN_TYPES.items():
        frame[name] = _typed(frame[name], kind)
    return frame


def _typed(column: pd.Series, kind: type) -> pd.Series:
    """A column read from SQLite as the frame holds it (counts nullable Int64, JSON decoded, UTC times)."""
    if kind is dt.datetime:
        return pd.to_datetime(column, utc=True, format="ISO8601")
    if kind is int:
        return pd.Series(pd.array(column.tolist(), dtype="Int64"), index=column.index)
    if kind is float:
        return pd.to_numeric(column, errors="coerce").astype("float64")
    if kind is bool:
        return column.astype(bool)
    if kind is dict:
        decoded = [json.loads(text) if isinstance(text, str) else None for text in column]
        return pd.Series(decoded, index=column.index, dtype=object)
    return column


def distinct_values(path: Path | None = None) -> dict[str, list[str]]:
    """The pages, models and statuses present in the journal (for the filter widgets), sorted."""
    with _connect(path) as db:
        return {
            name: [row[0] for row in db.execute(f"SELECT DISTINCT {name} FROM calls ORDER BY {name}")]
            for name in ("page", "model", "status")
        }


def load_choices(path: Path | None = None) -> tuple[dict[str, list[str]] | None, str | None]:
    """`distinct_values` for the «Журнал» page: the values, or None and the Russian message to show
    (the technical detail is logged)."""
    try:
        return distinct_values(path), None
    except JournalError as exc:
        log.warning("journal unavailable: %s", exc.detail, exc_info=exc)
        return None, exc.user_message


def load_calls(path: Path | None = None, **filters: Any) -> tuple[pd.DataFrame | None, str | None]:
    """`calls(**filters)` for the «Журнал» page: the frame, or None and the Russian message to show
    (the technical detail is logged)."""
    try:
        return calls(path, **filters), None
    except JournalError as exc:
        log.warning("journal unavailable: %s", exc.detail, exc_info=exc)
        return None, exc.user_message
