"""Narratives on disk, and one model call per key however many sessions ask at once.

`NarrativeCache` is a small SQLite table under SVODKA_STATE_DIR (survives restarts; one connection per
call, WAL, so threads never share a connection). `SingleFlight` runs the producer of a key once, in a
background thread, and lets every caller follow the same stream of events: the first caller and the
latecomers all see the text as it streams, and the producer finishes (and fills the cache) even when the
session that started it navigates away.
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

_SCHEMA = """
CREATE TABLE IF NOT EXISTS narratives (
    key TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    model TEXT NOT NULL,
    prompt_version TEXT NOT NULL,
    entry TEXT NOT NULL
)
"""


def cache_key(*, fingerprint: str, task: str, model: str, options: dict[str, Any], system_prompt: str,
              prompt_version: str, verifier_version: str) -> str:
    """Everything that changes the answer: the facts, the task, the model, its options, the prompts, and the
    verifier (it decided whether the text passed, was retried or gave way to the template)."""
    parts = {"facts": fingerprint, "task": task, "model": model, "options": options,
             "system": system_prompt, "version": prompt_version, "verifier": verifier_version}
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


_prepared: set[Path] = set()
_prepare_lock = threading.Lock()


class NarrativeCache:
    """key → JSON entry. The path is read from the config at each call unless given (tests move the state dir)."""

    def __init__(self, path: Path | None = None) -> None:
        self._path = path

    @property
    def path(self) -> Path:
        return self._path or load_config().cache_path

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        path = self.path
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, timeout=10)
        try:
            key = path.resolve()
            if key not in _prepared or not db.execute(
                    "SELECT 1 FROM sqlite_master WHERE type='table' AND name='narratives'").fetchone():
                # switching to WAL needs the file to itself and is answered «locked» at once, not after
                # the busy timeout: do it (and the schema) once per file, one thread at a time
                with _prepare_lock:
                    db.execute("PRAGMA journal_mode=WAL")
                    db.execute(_SCHEMA)
                    db.commit()
                    _prepared.add(key)
            yield db
            db.commit()
        finally:
            db.close()

    def get(self, key: str) -> dict[str, Any] | None:
        with self._connect() as db:
            row = db.execute("SELECT entry FROM narratives WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def put(self, key: str, entry: dict[str, Any], *, model: str = "", prompt_version: str = "") -> None:
        created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        with self._connect() as db:
            db.execute(
                "INSERT OR REPLACE INTO narratives (key, created_at, model, prompt_version, entry) VALUES (?,?,?,?,?)",
                (key, created, model, prompt_version, json.dumps(entry, ensure_ascii=False)),
            )

    def delete(self, key: str) -> None:
        with self._connect() as db:
            db.execute("DELETE FROM narratives WHERE key = ?", (key,))

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
