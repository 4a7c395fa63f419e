"""Kaggle datasets through kagglehub: handle validation, guarded download, tabular files, recent list.

Facts about kagglehub 1.0.x this module relies on:
- the cache folder is read from the `KAGGLEHUB_CACHE` environment variable at call time; its layout is
  `<cache>/datasets/<owner>/<name>/versions/<N>/…` with the completion marker `<owner>/<name>/<N>.complete`;
- a versioned handle whose marker and folder exist is returned without any network call; an unversioned
  handle always asks Kaggle for the current version first;
- that metadata request has no timeout, so every call runs in a daemon thread and the caller waits at most
  `deadline` seconds. A call still running after its deadline is reused by the next request for the same
  handle instead of starting a second download into the same folder.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fcntl
import hashlib
import json
import os
import re
import tempfile
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path, PurePosixPath
from typing import Any

from lib.config import Config, load_config
from lib.errors import DataError, SourceUnavailable
from lib.fmt import fmt_bytes, fmt_num
from lib.sources import Dataset
from lib.sources.reading import FORMATS, ReadOptions, read_table

RECENT_FILE = "kaggle_recent.json"
RECENT_LIMIT = 10

_SLUG = r"[A-Za-z0-9](?:[A-Za-z0-9_-]{0,98}[A-Za-z0-9])?"
_HANDLE = re.compile(rf"(?P<owner>{_SLUG})/(?P<name>{_SLUG})(?:/versions/(?P<version>[1-9][0-9]{{0,5}}))?")
_URL = re.compile(rf"https?://(?:www\.)?kaggle\.com/datasets/(?P<handle>{_SLUG}/{_SLUG}(?:/versions/[1-9][0-9]{{0,5}})?)/?")
_VERSION_DIR = re.compile(r"/versions/([1-9][0-9]*)/?$")

_inflight: dict[tuple[str, str], Future] = {}
_inflight_lock = threading.Lock()
_recent_lock = threading.Lock()  # threads of this process; other processes are held off by flock

CREDENTIALS_HELP = ("Для открытых наборов вход не нужен. Для закрытых задайте переменные окружения "
                    "KAGGLE_USERNAME и KAGGLE_KEY (ключ выдаёт kaggle.com → Settings → API → Create New Token) "
                    "и перезапустите Svodka.")


@dataclasses.dataclass(frozen=True)
class KaggleHandle:
    owner: str
    name: str
    version: int | None = None

    def __str__(self) -> str:
        base = f"{self.owner}/{self.name}"
        return f"{base}/versions/{self.version}" if self.version else base

    def with_version(self, version: int | None) -> KaggleHandle:
        return dataclasses.replace(self, version=version)


@dataclasses.dataclass(frozen=True)
class TabularFile:
    path: str  # relative to the dataset folder, with forward slashes
    size: int

    @property
    def label(self) -> str:
        return f"{self.path} ({fmt_bytes(self.size)})"


@dataclasses.dataclass(frozen=True)
class KaggleDownload:
    handle: KaggleHandle  # versioned when the version is known
    root: Path
    files: tuple[TabularFile, ...]


@dataclasses.dataclass(frozen=True)
class RecentDataset:
    handle: str  # versioned, so it reopens from the cache without network
    path: str
    options: dict[str, str]
    opened_at: str
    name: str

    @property
    def key(self) -> str:
        return json.dumps([self.handle, self.path, self.options], sort_keys=True, ensure_ascii=False)


def parse_handle(text: str) -> KaggleHandle:
    """`owner/name` or `owner/name/versions/N` (or a kaggle.com/datasets/… address); anything else is refused."""
    value = (text or "").strip()
    url = _URL.fullmatch(value)
    if url:
        value = url.group("handle")
    match = _HANDLE.fullmatch(value)
    if not match:
        raise DataError(f"«{value[:80]}» — не название набора Kaggle. Нужен вид «владелец/набор» или "
                        "«владелец/набор/versions/3» (латинские буквы, цифры, «-» и «_»), например "
                        "«uciml/iris». Название есть в адресе страницы набора: kaggle.com/datasets/владелец/набор.")
    version = match.group("version")
    return KaggleHandle(match.group("owner"), match.group("name"), int(version) if version else None)


def _as_handle(handle: str | KaggleHandle) -> KaggleHandle:
    return handle if isinstance(handle, KaggleHandle) else parse_handle(handle)


def cache_dir(config: Config | None = None) -> Path:
    return (config or load_config()).kagglehub_cache


def cached_versions(handle: str | KaggleHandle, config: Config | None = None) -> list[int]:
    """Versions of the dataset complete in the local cache, newest first."""
    h = _as_handle(handle)
    base = cache_dir(config) / "datasets" / h.owner / h.name
    versions = []
    for marker in base.glob("*.complete"):
        if marker.stem.isdigit() and (base / "versions" / marker.stem).is_dir():
            versions.append(int(marker.stem))
    return sorted(versions, reverse=True)


def tabular_files(root: Path) -> tuple[TabularFile, ...]:
    """Files Svodka can read, anywhere below `root` (hidden folders skipped)."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            full = Path(folder) / name
            if full.suffix.lower() in FORMATS and not name.startswith("."):
                found.append(TabularFile(full.relative_to(root).as_posix(), full.stat().st_size))
    return tuple(sorted(found, key=lambda f: f.path))


def _kagglehub_download(handle: str) -> str:
    import kagglehub

    return kagglehub.dataset_download(handle)


def _start(handle: str, cache: Path) -> Future:
    """The running download for (cache, handle), or a new one in a daemon thread."""
    key = (str(cache), handle)
    with _inflight_lock:
        running = _inflight.get(key)
        if running is not None and not running.done():
            return running
        future: Future = Future()
        _inflight[key] = future
        # kagglehub reads the cache folder from the environment on every call; this process has one config.
        os.environ["KAGGLEHUB_CACHE"] = str(cache)

    def work() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(_kagglehub_download(handle))
        except BaseException as exc:  # noqa: BLE001 — handed to the waiting caller
            future.set_exception(exc)

    threading.Thread(target=work, name=f"kagglehub {handle}", daemon=True).start()
    return future


def _unavailable(h: KaggleHandle, reason: str, config: Config | None, detail: str) -> SourceUnavailable:
    versions = cached_versions(h, config)
    if versions:
        cached = ", ".join(str(v) for v in versions)
        hint = (f"В кэше есть версии этого набора: {cached}. Их можно открыть без сети: "
                f"«{h.with_version(versions[0])}».")
    else:
        hint = "Ранее открытые наборы открываются без сети из кэша (список «Недавние»)."
    return SourceUnavailable(f"Kaggle недоступен: {reason} Проверьте подключение к интернету и учётные данные "
                             f"Kaggle. {hint} {CREDENTIALS_HELP}", detail=detail)


def _translate(exc: BaseException, h: KaggleHandle, config: Config | None) -> Exception:
    from kagglehub.exceptions import UnauthenticatedError

    status = getattr(getattr(exc, "response", None), "status_code", None)
    if isinstance(exc, UnauthenticatedError) or status in (401, 403):
        return SourceUnavailable(f"Kaggle не даёт доступ к набору «{h}»: он закрытый или нужен вход. "
                                 + CREDENTIALS_HELP, detail=repr(exc))
    if status == 404:
        return SourceUnavailable(f"Набор «{h}» не найден на Kaggle. Проверьте название (оно есть в адресе "
                                 "страницы набора) и номер версии. Закрытые наборы видны только после входа: "
                                 + CREDENTIALS_HELP, detail=repr(exc))
    detail = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, OSError):  # requests' connection errors and timeouts are OSErrors
        return _unavailable(h, "не удалось связаться с сервером.", config, detail)
    return _unavailable(h, f"загрузка не удалась ({type(exc).__name__}).", config, detail)


def download_dataset(handle: str | KaggleHandle, *, deadline: float | None = None,
                     config: Config | None = None) -> KaggleDownload:
    """Download (or find in the cache) a Kaggle dataset; waits at most `deadline` seconds
    (by default SVODKA_KAGGLE_TIMEOUT).

    Raises `DataError` for a bad handle or a dataset without tables, `SourceUnavailable` when Kaggle
    cannot be reached in time or refuses.
    """
    h = _as_handle(handle)
    if deadline is None:
        deadline = (config or load_config()).kaggle_timeout
    cache = cache_dir(config)
    future = _start(str(h), cache)
    try:
        path = future.result(timeout=deadline)
    except TimeoutError as exc:
        raise _unavailable(h, f"сервер не ответил за {fmt_num(deadline, 1)} с (если набор большой, загрузка "
                           "продолжается: нажмите «Скачать» ещё раз через минуту).", config,
                           "deadline exceeded") from exc
    except Exception as exc:
        raise _translate(exc, h, config) from exc
    root = Path(path)
    found = _VERSION_DIR.search(root.as_posix())
    if h.version is None and found:
        h = h.with_version(int(found.group(1)))
    files = tabular_files(root) if root.is_dir() else ()
    if not files:
        raise DataError(f"В наборе «{h}» нет таблиц, которые умеет читать Svodka (CSV, TSV, TXT, XLSX, "
                        "Parquet, JSON). Выберите другой набор.")
    return KaggleDownload(h, root, files)


def _options_suffix(options: ReadOptions) -> str:
    chosen = options.as_dict()
    if not chosen:
        return ""
    digest = hashlib.sha256(json.dumps(chosen, sort_keys=True).encode()).hexdigest()[:8]
    return f"#{digest}"


def open_kaggle_file(download: KaggleDownload, path: str, options: ReadOptions | None = None, *,
                     config: Config | None = None, remember: bool = True) -> Dataset:
    """Read one file of a downloaded dataset → `Dataset` with id `kaggle:owner/name/versions/N:path`.

    Reading overrides add `#<hash>` to the id; an unknown version is replaced by `owner/name@<content hash>`.
    The file must be one of `download.files`.
    """
    config = config or load_config()
    options = options or ReadOptions()
    entry = next((f for f in download.files if f.path == path), None)
    target = (download.root / PurePosixPath(path)).resolve()
    if entry is None or not target.is_relative_to(download.root.resolve()) or not target.is_file():
        raise DataError(f"В наборе «{download.handle}» нет файла «{path}». Выберите файл из списка.")
    limit = config.max_upload_mb * 1024 * 1024
    if entry.size > limit:
        raise DataError(f"Файл «{path}» весит {fmt_bytes(entry.size)} — больше предела {fmt_bytes(limit)}. "
                        "Выберите файл поменьше или увеличьте предел настройкой SVODKA_MAX_UPLOAD_MB.")
    data = target.read_bytes()
    table = read_table(data, target.name, options, max_bytes=limit)
    h = download.handle
    # Without a version (kagglehub gave a path outside its versioned layout) only the content identifies it.
    source = str(h) if h.version else f"{h}@{hashlib.sha256(data).hexdigest()[:16]}"
    dataset = Dataset(
        id=f"kaggle:{source}:{path}{_options_suffix(options)}",
        name=f"{path} — Kaggle {h.owner}/{h.name}" + (f", версия {h.version}" if h.version else ""),
        source="kaggle",
        frame=table.frame,
        details={"handle": str(h), "path": path, "size": entry.size, "summary": table.detected.summary(),
                 "detected": dataclasses.asdict(table.detected), "options": options.as_dict()},
        units=dict(table.detected.units),
    )
    if remember and h.version:
        try:
            remember_dataset(RecentDataset(str(h), path, options.as_dict(), _now(), dataset.name), config)
        except DataError as exc:
            dataset.details["detected"]["notes"] = (*dataset.details["detected"]["notes"], exc.user_message)
    return dataset


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _recent_path(config: Config | None) -> Path:
    return (config or load_config()).state_dir / RECENT_FILE


def recent_datasets(config: Config | None = None) -> list[RecentDataset]:
    """Recently opened Kaggle files, newest first; a damaged list reads as empty."""
    try:
        raw: Any = json.loads(_recent_path(config).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    entries = []
    for item in raw.get("datasets", []) if isinstance(raw, dict) else []:
        try:
            entry = RecentDataset(**{f.name: item[f.name] for f in dataclasses.fields(RecentDataset)})
            if parse_handle(entry.handle).version and isinstance(entry.options, dict):
                entries.append(entry)
        except (KeyError, TypeError, DataError):
            continue
    return entries[:RECENT_LIMIT]


@contextlib.contextmanager
def _recent_locked(path: Path) -> Iterator[None]:
    """Serialise the read-modify-write of the recent list across threads and processes."""
    with _recent_lock, open(path.with_name(path.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def remember_dataset(entry: RecentDataset, config: Config | None = None) -> None:
    """Put `entry` first in the recent list. The file is replaced atomically from a unique temporary file,
    under a lock, so concurrent openings never lose each other's entries; failure is a `DataError`."""
    path = _recent_path(config)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with _recent_locked(path):
            entries = [entry] + [e for e in recent_datasets(config) if e.key != entry.key]
            payload = {"version": 1, "datasets": [dataclasses.asdict(e) for e in entries[:RECENT_LIMIT]]}
            descriptor, temporary = tempfile.mkstemp(prefix=".kaggle_recent.", suffix=".tmp", dir=path.parent)
            try:
                with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                    json.dump(payload, handle, ensure_ascii=False, indent=1)
                os.replace(temporary, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
    except OSError as exc:
        raise DataError(f"Не удалось сохранить список недавних наборов в {path.parent}: нет доступа к папке "
                        "или диск заполнен. Набор открыт, но в списке недавних его не будет; проверьте "
                        "папку SVODKA_STATE_DIR.", detail=f"{type(exc).__name__}: {exc}") from exc


def reopen_recent(entry: RecentDataset, *, deadline: float | None = None,
                  config: Config | None = None) -> Dataset:
    """Open a recent file again: a versioned handle in the cache needs no network."""
    download = download_dataset(entry.handle, deadline=deadline, config=config)
    return open_kaggle_file(download, entry.path, ReadOptions(**entry.options), config=config)
