"""Shared fixtures. Every test gets its own SVODKA_STATE_DIR, so nothing touches the project's .svodka/."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture(autouse=True)
def state_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("SVODKA_STATE_DIR", str(path))
    monkeypatch.setenv("OLLAMA_HOST", "http://127.0.0.1:9")  # a closed port: no test reaches a real server by accident
    monkeypatch.delenv("OLLAMA_MODEL", raising=False)
    return path


@pytest.fixture(scope="session")
def flights_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("flights-cache")


@pytest.fixture(scope="session")
def flights(flights_cache_dir: Path):
    """The embedded dataset, loaded once for the whole session."""
    from lib.sources.embedded import load_flights

    return load_flights(cache_dir=flights_cache_dir)


@pytest.fixture
def small_frame() -> pd.DataFrame:
    """Ten rows with every column kind and known answers (checked by hand in the tests)."""
    return pd.DataFrame(
        {
            "city": pd.Series(
                ["Москва", "Казань", "Москва", "Омск", "Москва", None, "Казань", "Москва", "Омск", "Москва"],
                dtype="string",
            ),
            "sales": [10.0, 20.0, 30.0, None, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0],
            "units": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
            "day": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05",
                                   "2024-01-06", "2024-01-07", "2024-01-08", "2024-01-09", "2024-01-10"]),
            "paid": [True, False, True, True, None, True, False, True, True, True],
        }
    )


@pytest.fixture
def fake_ollama(monkeypatch: pytest.MonkeyPatch):
    """A fake Ollama server on 127.0.0.1 (see tests/fake_ollama.py); OLLAMA_HOST points at it."""
    from tests.fake_ollama import FakeOllama

    with FakeOllama() as server:
        monkeypatch.setenv("OLLAMA_HOST", server.url)
        yield server
