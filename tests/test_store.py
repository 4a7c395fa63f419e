"""lib/store.py: one connection helper for both SQLite stores."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from lib.store import Schema, applied_migrations, connect, migrate


def _things(db: sqlite3.Connection) -> None:
    db.execute("CREATE TABLE things (name TEXT)")


def _colour(db: sqlite3.Connection) -> None:
    db.execute("ALTER TABLE things ADD COLUMN colour TEXT")


SCHEMA = Schema((("m001_things", _things), ("m002_colour", _colour)), table="things")


def test_connect_migrates_once_records_the_names_and_switches_to_wal(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "store.sqlite"
    with connect(path, SCHEMA) as db:
        db.execute("INSERT INTO things (name, colour) VALUES ('a', 'red')")
        assert applied_migrations(db) == ["m001_things", "m002_colour"]
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA busy_timeout").fetchone()[0] == 30_000
    with connect(path, SCHEMA) as db:
        assert db.execute("SELECT name, colour FROM things").fetchall() == [("a", "red")]


def test_an_old_file_gets_only_the_new_migration(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path, isolation_level=None)
    assert migrate(db, SCHEMA.migrations[:1]) == ["m001_things"]
    db.execute("INSERT INTO things (name) VALUES ('kept')")
    db.close()
    with connect(path, SCHEMA) as db:
        assert applied_migrations(db) == ["m001_things", "m002_colour"]
        assert db.execute("SELECT name, colour FROM things").fetchall() == [("kept", None)]


def test_a_failing_migration_leaves_nothing_half_done(tmp_path: Path) -> None:
    def broken(db: sqlite3.Connection) -> None:
        db.execute("CREATE TABLE half (x)")
        raise RuntimeError("boom")

    db = sqlite3.connect(tmp_path / "b.sqlite", isolation_level=None)
    with pytest.raises(RuntimeError):
        migrate(db, (("m001_things", _things), ("m002_broken", broken)))
    assert applied_migrations(db) == []
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"_migrations"}
    db.close()


def test_a_deleted_file_is_set_up_again(tmp_path: Path) -> None:
    path = tmp_path / "gone.sqlite"
    with connect(path, SCHEMA) as db:
        db.execute("INSERT INTO things (name) VALUES ('x')")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    with connect(path, SCHEMA) as db:
        assert db.execute("SELECT COUNT(*) FROM things").fetchone()[0] == 0


@pytest.mark.parametrize(
    "migrations",
    [(("m001_a", _things), ("m003_b", _colour)), (("m002_a", _things),), (("first", _things),)],
)
def test_migrations_must_be_numbered_in_order(migrations) -> None:
    with pytest.raises(ValueError):
        Schema(migrations, table="things")


def test_first_opens_from_many_threads_lose_no_row(tmp_path: Path) -> None:
    errors: list[BaseException] = []

    def write(path: Path) -> None:
        try:
            for _ in range(5):
                with connect(path, SCHEMA) as db:
                    db.execute("INSERT INTO things (name) VALUES ('t')")
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    for trial in range(10):
        path = tmp_path / f"s-{trial}.sqlite"
        threads = [threading.Thread(target=write, args=(path,)) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        with connect(path, SCHEMA) as db:
            assert db.execute("SELECT COUNT(*) FROM things").fetchone()[0] == 20
    assert errors == []
