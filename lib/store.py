"""One SQLite helper for both stores under SVODKA_STATE_DIR: the call journal (lib/journal.py) and the
narrative cache (lib/narration/cache.py).

- A fresh connection per use (threads and Streamlit sessions never share one), in autocommit mode: a store
  opens its own transaction (`BEGIN IMMEDIATE`) where several statements must be one.
- A busy timeout, so a writer waits for another instead of failing at once.
- WAL, switched on once per file and process under a lock: changing the journal mode needs the file to
  itself and SQLite answers «database is locked» at once instead of waiting, which lost rows on a burst of
  first calls when each store did it on its own.
- Numbered migrations recorded in the database itself (table `_migrations`, as in simonw/llm), so an old
  file is upgraded in place on first use. A migration is history: it never changes once released; a new
  column is a new migration.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

BUSY_TIMEOUT_SECONDS = 30.0
MIGRATION_NAME = re.compile(r"m(\d{3})_[a-z0-9_]+")

Migration = tuple[str, Callable[[sqlite3.Connection], None]]


@dataclass(frozen=True)
class Schema:
    """A store's migrations, in order (names `m001_…`, `m002_…`), and a table that exists once they ran."""

    migrations: tuple[Migration, ...]
    table: str

    def __post_init__(self) -> None:
        numbers = []
        for name, _ in self.migrations:
            match = MIGRATION_NAME.fullmatch(name)
            if match is None:
                raise ValueError(f"migration name {name!r} is not m<NNN>_<what>")
            numbers.append(int(match.group(1)))
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError(f"migrations must be numbered 1, 2, 3… in order, got {numbers}")


_ready: set[Path] = set()
_ready_lock = threading.Lock()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def migrate(db: sqlite3.Connection, migrations: Sequence[Migration]) -> list[str]:
    """Apply the migrations this database has not seen yet, in one transaction; returns their names.

    `BEGIN IMMEDIATE`: one process or thread migrates at a time, the others wait and then see the names."""
    db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    applied: list[str] = []
    db.execute("BEGIN IMMEDIATE")
    try:
        done = {row[0] for row in db.execute("SELECT name FROM _migrations")}
        for name, apply in migrations:
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


def applied_migrations(db: sqlite3.Connection) -> list[str]:
    """The names recorded in `_migrations`, oldest first."""
    return [row[0] for row in db.execute("SELECT name FROM _migrations ORDER BY name")]


def _has_table(db: sqlite3.Connection, table: str) -> bool:
    return db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (table,)).fetchone() is not None


@contextmanager
def connect(path: Path, schema: Schema, *, timeout: float = BUSY_TIMEOUT_SECONDS) -> Iterator[sqlite3.Connection]:
    """A fresh autocommit connection to a migrated store at `path` (its folder created), closed on exit.

    Raises OSError or sqlite3.Error; each store turns them into its own Russian message."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    try:
        db.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
        key = path.resolve()
        # a file deleted and created again under the same path (tests, a user cleaning the state dir) is set
        # up again: the table check is one indexed lookup
        if key not in _ready or not _has_table(db, schema.table):
            with _ready_lock:
                db.execute("PRAGMA journal_mode=WAL")
                migrate(db, schema.migrations)
                _ready.add(key)
        yield db
    finally:
        db.close()
