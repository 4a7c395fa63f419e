"""Narratives on disk, and one model call per key however many sessions ask at once.

`NarrativeCache` is a small SQLite table under SVODKA_STATE_DIR (survives restarts; lib/store.py gives each
call its own connection, WAL and the migrations). It holds at most SVODKA_CACHE_MB of entries: past that,
the entries read least recently go first. `SingleFlight` runs the producer of a key once, in a background
thread, and lets every caller follow the same stream of events: the first caller and the latecomers all see
the text as it streams, and the producer finishes (and fills the cache) even when the session that started
it navigates away.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from lib.config import load_config
from lib.store import Schema, connect

MB = 1024 * 1024


def _m001_narratives(db: sqlite3.Connection) -> None:
    # IF NOT EXISTS: caches written before migrations were recorded already have the table
    db.execute(
        """
        CREATE TABLE IF NOT EXISTS narratives (
            key TEXT PRIMARY KEY,
            created_at TEXT NOT NULL,
            model TEXT NOT NULL,
            prompt_version TEXT NOT NULL,
            entry TEXT NOT NULL
        )
        """
    )


def _m002_size_and_use(db: sqlite3.Connection) -> None:
    """`size`: bytes of the stored entry (UTF-8 JSON); `used`: a counter bumped on every read and write, so
    the least recently used entry has the smallest value (exact, unlike clock times that can tie)."""
    db.execute("ALTER TABLE narratives ADD COLUMN size INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE narratives ADD COLUMN used INTEGER NOT NULL DEFAULT 0")
    db.execute("UPDATE narratives SET size = length(CAST(entry AS BLOB)), used = rowid")
    db.execute("CREATE INDEX narratives_used ON narratives (used)")


SCHEMA = Schema((("m001_narratives", _m001_narratives), ("m002_size_and_use", _m002_size_and_use)),
                table="narratives")


def cache_key(*, fingerprint: str, task: str, model: str, options: dict[str, Any], system_prompt: str,
              prompt_version: str, verifier_version: str) -> str:
    """Everything that changes the answer: the facts, the task, the model, its options, the prompts, and the
    verifier (it decided whether the text passed, was retried or gave way to the template)."""
    parts = {"facts": fingerprint, "task": task, "model": model, "options": options,
             "system": system_prompt, "version": prompt_version, "verifier": verifier_version}
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


_NEXT_USE = "(SELECT COALESCE(MAX(used), 0) + 1 FROM narratives)"


class NarrativeCache:
    """key → JSON entry, least-recently-used entries evicted past `max_bytes` (SVODKA_CACHE_MB by default).
    The path and the cap are read from the config at each call unless given (tests move the state dir)."""

    def __init__(self, path: Path | None = None, *, max_bytes: int | None = None) -> None:
        self._path = path
        self._max_bytes = max_bytes

    @property
    def path(self) -> Path:
        return self._path or load_config().cache_path

    @property
    def max_bytes(self) -> int:
        return self._max_bytes if self._max_bytes is not None else int(load_config().cache_mb * MB)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with connect(self.path, SCHEMA, timeout=10) as db:
            yield db

    def get(self, key: str) -> dict[str, Any] | None:
        """The entry of `key` (now the most recently used), or None."""
        with self._connect() as db:
            row = db.execute("SELECT entry FROM narratives WHERE key = ?", (key,)).fetchone()
            if row is not None:
                db.execute(f"UPDATE narratives SET used = {_NEXT_USE} WHERE key = ?", (key,))
        return json.loads(row[0]) if row else None

    def put(self, key: str, entry: dict[str, Any], *, model: str = "", prompt_version: str = "") -> None:
        """Store `entry` under `key`, then drop the least recently used other entries until the cache fits
        its cap (the new entry stays even when it alone is larger: a narrative is a few kilobytes)."""
        created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        text = json.dumps(entry, ensure_ascii=False)
        size = len(text.encode("utf-8"))
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                db.execute(
                    "INSERT OR REPLACE INTO narratives (key, created_at, model, prompt_version, entry, size, used) "
                    f"VALUES (?, ?, ?, ?, ?, ?, {_NEXT_USE})",
                    (key, created, model, prompt_version, text, size),
                )
                self._evict(db, keep=key)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def _evict(self, db: sqlite3.Connection, *, keep: str) -> None:
        total = int(db.execute("SELECT COALESCE(SUM(size), 0) FROM narratives").fetchone()[0])
        if total <= self.max_bytes:
            return
        doomed = []
        for key, size in db.execute("SELECT key, size FROM narratives WHERE key != ? ORDER BY used", (keep,)):
            if total <= self.max_bytes:
                break
            doomed.append((key,))
            total -= int(size)
        db.executemany("DELETE FROM narratives WHERE key = ?", doomed)

    def size_bytes(self) -> int:
        """Bytes of all stored entries (what the cap counts)."""
        with self._connect() as db:
            return int(db.execute("SELECT COALESCE(SUM(size), 0) FROM narratives").fetchone()[0])

    def keys(self) -> list[str]:
        """The stored keys, least recently used first."""
        with self._connect() as db:
            return [row[0] for row in db.execute("SELECT key FROM narratives ORDER BY used")]

    def __len__(self) -> int:
        with self._connect() as db:
            return int(db.execute("SELECT COUNT(*) FROM narratives").fetchone()[0])


class Flight:
    """One running producer: an append-only list of events, a result or an error at the end."""

    def __init__(self, key: str) -> None:
        self.key = key
        self._events: list[Any] = []
        self._done = False
        self._result: Any = None
        self._error: BaseException | None = None
        self._cond = threading.Condition()

    def publish(self, event: Any) -> None:
        with self._cond:
            self._events.append(event)
            self._cond.notify_all()

    def finish(self, result: Any = None, error: BaseException | None = None) -> None:
        with self._cond:
            self._result, self._error, self._done = result, error, True
            self._cond.notify_all()

    @property
    def done(self) -> bool:
        return self._done

    def events(self) -> Iterator[Any]:
        """Every event from the first, then new ones as they come, until the producer finishes."""
        index = 0
        while True:
            with self._cond:
                while index >= len(self._events) and not self._done:
                    self._cond.wait(timeout=1.0)
                batch = self._events[index:]
                finished = self._done
            index += len(batch)
            yield from batch
            if finished and index >= len(self._events):
                return

    def result(self, timeout: float | None = None) -> Any:
        with self._cond:
            if not self._cond.wait_for(lambda: self._done, timeout=timeout):
                raise TimeoutError(f"flight {self.key[:12]} still running")
        if self._error is not None:
            raise self._error
        return self._result


class SingleFlight:
    """At most one producer per key at a time, across all threads (Streamlit sessions) of the process."""

    def __init__(self) -> None:
        self._flights: dict[str, Flight] = {}
        self._lock = threading.Lock()

    def run(self, key: str, produce: Callable[[Flight], Any]) -> tuple[Flight, bool]:
        """Join the running flight for `key` or start `produce(flight)` in a background thread.
        Returns the flight and whether this call started it."""
        with self._lock:
            flight = self._flights.get(key)
            if flight is not None:
                return flight, False
            flight = self._flights[key] = Flight(key)

        def target() -> None:
            try:
                flight.finish(produce(flight))
            except BaseException as exc:  # noqa: BLE001 - handed to every follower through result()
                flight.finish(error=exc)
            finally:
                with self._lock:
                    if self._flights.get(key) is flight:
                        del self._flights[key]

        threading.Thread(target=target, name=f"narration-{key[:8]}", daemon=True).start()
        return flight, True

    def running(self, key: str) -> Flight | None:
        with self._lock:
            return self._flights.get(key)
