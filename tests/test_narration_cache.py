"""Narrative cache on disk and single-flight: one model call per key, however many sessions ask."""

from __future__ import annotations

import json
import sqlite3
import threading

import pytest

from lib.facts.base import Scope
from lib.facts.overview import overview_facts
from lib.journal import calls
from lib.narration.cache import NarrativeCache, SingleFlight, cache_key
from lib.narration.service import NarrationService
from lib.narration.settings import NarrationSettings

TASK = "Опиши набор данных."
REPLY = "В таблице 10 строк и 5 столбцов."  # small_frame's numbers: the text passes the check
KEY_PARTS = {"fingerprint": "f" * 64, "task": TASK, "model": "qwen2.5:3b", "options": {"num_ctx": 8192},
             "system_prompt": "Правила.", "prompt_version": "1", "verifier_version": "1"}


def test_entry_survives_a_new_cache_object(state_dir):
    NarrativeCache().put("k1", {"text": "Привет", "n": 3}, model="qwen2.5:3b", prompt_version="1")
    reopened = NarrativeCache()
    assert reopened.get("k1") == {"text": "Привет", "n": 3}
    assert reopened.get("k2") is None
    assert (state_dir / "narratives.sqlite").exists()


def test_put_replaces_the_entry_of_a_key():
    cache = NarrativeCache()
    cache.put("k", {"text": "старый"})
    cache.put("k", {"text": "новый"})
    assert cache.get("k") == {"text": "новый"}
    assert len(cache) == 1


def entry_of(size: int, tag: str) -> dict:
    """An entry whose stored JSON is exactly `size` bytes (computed here from the JSON text itself)."""
    base = len(json.dumps({"text": "", "tag": tag}, ensure_ascii=False).encode("utf-8"))
    entry = {"text": "я" * ((size - base) // 2) + "x" * ((size - base) % 2), "tag": tag}
    assert len(json.dumps(entry, ensure_ascii=False).encode("utf-8")) == size
    return entry


def test_cache_over_its_cap_drops_the_least_recently_used_entries(tmp_path):
    cache = NarrativeCache(tmp_path / "c.sqlite", max_bytes=1000)
    for name in ("a", "b", "c", "d"):  # 4 × 300 bytes: 1 200 > 1 000, the oldest one («a») goes
        cache.put(name, entry_of(300, name))
    assert cache.keys() == ["b", "c", "d"]
    assert cache.size_bytes() == 900
    assert cache.get("b")["tag"] == "b"  # reading «b» makes «c» the least recently used
    cache.put("e", entry_of(300, "e"))
    assert cache.keys() == ["d", "b", "e"]
    cache.put("big", entry_of(700, "big"))  # 300 + 300 + 300 + 700 = 1 600: «d» and «b» go (1 000 left)
    assert cache.keys() == ["e", "big"]
    assert cache.size_bytes() == 1000
    assert cache.get("d") is None


def test_an_entry_larger_than_the_cap_stays_alone(tmp_path):
    cache = NarrativeCache(tmp_path / "c.sqlite", max_bytes=500)
    cache.put("a", entry_of(200, "a"))
    cache.put("huge", entry_of(800, "huge"))
    assert cache.keys() == ["huge"]


def test_replacing_an_entry_counts_its_new_size_once(tmp_path):
    cache = NarrativeCache(tmp_path / "c.sqlite", max_bytes=1000)
    cache.put("a", entry_of(400, "a"))
    cache.put("b", entry_of(400, "b"))
    cache.put("a", entry_of(500, "a"))  # 500 + 400 = 900 ≤ 1 000: nothing dropped
    assert cache.keys() == ["b", "a"]
    assert cache.size_bytes() == 900


def test_the_cap_comes_from_svodka_cache_mb(monkeypatch):
    monkeypatch.setenv("SVODKA_CACHE_MB", "0.5")
    assert NarrativeCache().max_bytes == 512 * 1024
    monkeypatch.delenv("SVODKA_CACHE_MB")
    assert NarrativeCache().max_bytes == 200 * 1024 * 1024


def test_a_cache_written_before_migrations_is_upgraded_in_place(tmp_path):
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE narratives (key TEXT PRIMARY KEY, created_at TEXT NOT NULL, model TEXT NOT NULL, "
                    "prompt_version TEXT NOT NULL, entry TEXT NOT NULL)")
        db.execute("INSERT INTO narratives VALUES ('old', '2026-01-01', 'm', '1', ?)", ('{"text": "Привет"}',))
    cache = NarrativeCache(path)
    assert cache.get("old") == {"text": "Привет"}
    assert cache.size_bytes() == len('{"text": "Привет"}'.encode())
    with sqlite3.connect(path) as db:
        names = [row[0] for row in db.execute("SELECT name FROM _migrations ORDER BY name")]
    assert names == ["m001_narratives", "m002_size_and_use"]


@pytest.mark.parametrize(
    ("part", "value"),
    [("fingerprint", "e" * 64), ("task", "Другое задание."), ("model", "qwen2.5:7b"),
     ("options", {"num_ctx": 4096}), ("system_prompt", "Другие правила."), ("prompt_version", "2"),
     ("verifier_version", "2")],
)
def test_every_part_of_the_key_changes_it(part, value):
    assert cache_key(**{**KEY_PARTS, part: value}) != cache_key(**KEY_PARTS)


def test_key_does_not_depend_on_option_order():
    a = cache_key(**{**KEY_PARTS, "options": {"num_ctx": 8192, "seed": 42}})
    b = cache_key(**{**KEY_PARTS, "options": {"seed": 42, "num_ctx": 8192}})
    assert a == b


def test_single_flight_runs_the_producer_once_and_everyone_sees_every_event():
    flights = SingleFlight()
    release = threading.Event()
    runs = []

    def produce(flight):
        runs.append(1)
        flight.publish("a")
        release.wait(5)
        flight.publish("b")
        return "готово"

    joined = [flights.run("key", produce) for _ in range(5)]
    assert [started for _, started in joined] == [True, False, False, False, False]
    assert len({id(flight) for flight, _ in joined}) == 1
    release.set()
    flight = joined[0][0]
    assert flight.result(5) == "готово"
    assert list(flight.events()) == ["a", "b"]
    assert runs == [1]
    assert flights.running("key") is None


def test_single_flight_hands_the_error_to_every_follower():
    flights = SingleFlight()

    def produce(flight):
        raise ValueError("сломалось")

    flight, _ = flights.run("key", produce)
    with pytest.raises(ValueError, match="сломалось"):
        flight.result(5)


def overview(small_frame):
    return overview_facts(small_frame, Scope.of("test:small", "Малая таблица"))


def test_second_request_is_served_from_the_cache_without_a_call(fake_ollama, small_frame):
    settings = NarrationSettings(host=fake_ollama.url, model="qwen2.5:3b")
    first = NarrationService().open(overview(small_frame), settings).result(10)
    again = NarrationService().open(overview(small_frame), settings).result(10)  # as after a restart
    assert len(fake_ollama.chat_bodies) == 1
    assert not first.cached and again.cached
    assert again.text == first.text
    assert again.messages == first.messages


def test_changed_model_or_prompt_misses_the_cache(fake_ollama, small_frame):
    settings = NarrationSettings(host=fake_ollama.url, model="qwen2.5:3b")
    service = NarrationService()
    service.open(overview(small_frame), settings).result(10)
    service.open(overview(small_frame), NarrationSettings(host=fake_ollama.url, model="qwen2.5:0.5b")).result(10)
    service.open(overview(small_frame),
                 NarrationSettings(host=fake_ollama.url, model="qwen2.5:3b", system_prompt="Пиши кратко.")).result(10)
    assert [b["model"] for b in fake_ollama.chat_bodies] == ["qwen2.5:3b", "qwen2.5:0.5b", "qwen2.5:3b"]


def test_force_regenerates_and_replaces_the_cached_text(fake_ollama, small_frame):
    settings = NarrationSettings(host=fake_ollama.url, model="qwen2.5:3b")
    service = NarrationService()
    fake_ollama.replies.extend(["Первый вариант: 10 строк.", "Второй вариант: 5 столбцов."])
    service.open(overview(small_frame), settings).result(10)
    forced = service.open(overview(small_frame), settings, force=True).result(10)
    assert forced.text == "Второй вариант: 5 столбцов."
    assert service.open(overview(small_frame), settings).result(10).text == "Второй вариант: 5 столбцов."
    assert len(fake_ollama.chat_bodies) == 2


def test_force_sends_another_seed_so_the_model_can_write_another_text(fake_ollama, small_frame):
    """A real Ollama answers a byte-identical request (same prompt, options and seed 42) with the same text."""
    settings = NarrationSettings(host=fake_ollama.url, model="qwen2.5:3b", seed=42)
    service = NarrationService()
    service.open(overview(small_frame), settings).result(10)
    service.open(overview(small_frame), settings, force=True).result(10)
    service.open(overview(small_frame), settings, force=True).result(10)
    first, forced, again = fake_ollama.chat_bodies
    assert first["options"]["seed"] == 42
    assert forced["options"]["seed"] != 42 and again["options"]["seed"] != forced["options"]["seed"]
    assert 0 <= forced["options"]["seed"] < 2**31
    others = {k: v for k, v in first["options"].items() if k != "seed"}
    assert {k: v for k, v in forced["options"].items() if k != "seed"} == others
    assert forced["messages"] == first["messages"]
    journalled = [row["options"]["seed"] for row in calls().sort_values("id").to_dict("records")]
    assert journalled == [42, forced["options"]["seed"], again["options"]["seed"]]  # the seed actually sent


def test_force_on_a_random_seed_setting_still_sends_a_seed(fake_ollama, small_frame):
    settings = NarrationSettings(host=fake_ollama.url, model="qwen2.5:3b", seed=None)
    service = NarrationService()
    service.open(overview(small_frame), settings).result(10)
    service.open(overview(small_frame), settings, force=True).result(10)
    first, forced = fake_ollama.chat_bodies
    assert "seed" not in first["options"] and isinstance(forced["options"]["seed"], int)


def test_concurrent_sessions_asking_the_same_key_make_one_call(fake_ollama, small_frame):
    fake_ollama.chunk_delay = 0.05  # keep the first call streaming while the others arrive
    fake_ollama.default_reply = REPLY
    settings = NarrationSettings(host=fake_ollama.url, model="qwen2.5:3b")
    service = NarrationService()
    facts = overview(small_frame)
    results: list[str] = []
    streamed: list[str] = []
    barrier = threading.Barrier(6)

    def session():
        barrier.wait()
        job = service.open(facts, settings)
        text = "".join("".join(chunks) for _, chunks in job.streams())
        streamed.append(text)
        results.append(job.result(10).text)

    threads = [threading.Thread(target=session) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert len(fake_ollama.chat_bodies) == 1
    assert len(results) == 6 and len(set(results)) == 1
    assert results[0] == REPLY
    assert streamed.count(REPLY) >= 1  # followers that joined mid-stream saw the whole text too
    assert all(text in ("", REPLY) for text in streamed)


def test_a_changed_payload_of_the_same_sheet_misses_the_cache(fake_ollama, small_frame, monkeypatch):
    from lib.facts.overview import OverviewFacts

    settings = NarrationSettings(host=fake_ollama.url, model="qwen2.5:3b")
    service = NarrationService()
    before = service.key(overview(small_frame), settings)
    original = OverviewFacts.payload
    monkeypatch.setattr(OverviewFacts, "payload", lambda self: {**original(self), "новый ключ": 1})
    assert service.key(overview(small_frame), settings) != before


def test_sessions_arriving_at_once_share_one_service(monkeypatch):
    """Two services would mean two single-flight registries, and two model calls for one key."""
    import time

    from lib.narration import service as module

    built = []

    class SlowService(NarrationService):
        def __init__(self) -> None:
            built.append(self)
            time.sleep(0.05)  # widen the window between the check and the assignment
            super().__init__()

    monkeypatch.setattr(module, "_service", None)
    monkeypatch.setattr(module, "NarrationService", SlowService)
    barrier = threading.Barrier(4)
    got = []

    def session():
        barrier.wait()
        got.append(module.narration_service())

    threads = [threading.Thread(target=session) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(built) == 1 and len(got) == 4 and all(s is built[0] for s in got)


def test_a_new_verifier_version_misses_the_cache(fake_ollama, small_frame, monkeypatch):
    """An entry stores what the old rules decided (passed, retried, template): new rules must ask again."""
    from lib.narration import service as module

    settings = NarrationSettings(host=fake_ollama.url, model="qwen2.5:3b")
    NarrationService().open(overview(small_frame), settings).result(10)
    monkeypatch.setattr(module, "VERIFIER_VERSION", module.VERIFIER_VERSION + "-next")
    again = NarrationService().open(overview(small_frame), settings).result(10)
    assert not again.cached and len(fake_ollama.chat_bodies) == 2


def test_first_open_of_fresh_caches_from_many_threads_never_reports_locked(tmp_path):
    import threading

    errors: list[BaseException] = []
    for trial in range(30):
        cache = NarrativeCache(tmp_path / f"cache-{trial}.sqlite")

        def work(n: int, cache=cache) -> None:
            try:
                for i in range(5):
                    cache.put(f"{n}-{i}", {"text": "x"})
            except BaseException as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(cache) == 20
    assert errors == []
