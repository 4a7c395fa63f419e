"""lib.sources.kaggle against a hand-filled kagglehub cache, with the network blocked or stubbed to hang,
and end to end through the real kagglehub client against a fake Kaggle API on localhost."""

from __future__ import annotations

import io
import json
import socket
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pytest
import requests

from lib.errors import DataError, SourceUnavailable
from lib.sources import kaggle
from lib.sources.kaggle import (
    KaggleHandle,
    cached_versions,
    download_dataset,
    open_kaggle_file,
    parse_handle,
    recent_datasets,
    reopen_recent,
)
from lib.sources.reading import ReadOptions


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty kagglehub cache folder; KAGGLEHUB_CACHE is restored after the test."""
    folder = tmp_path / "kagglehub"
    folder.mkdir()
    monkeypatch.setenv("KAGGLEHUB_CACHE", str(folder))
    return folder


def fill_cache(cache: Path, owner: str, name: str, version: int, files: dict[str, bytes], *,
               complete: bool = True) -> Path:
    """The layout kagglehub 1.0.x writes: files under versions/N, a marker <N>.complete beside them."""
    root = cache / "datasets" / owner / name / "versions" / str(version)
    for path, data in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)
    root.mkdir(parents=True, exist_ok=True)
    if complete:
        (cache / "datasets" / owner / name / f"{version}.complete").touch()
    return root


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch):
    """Every attempt to resolve a name or open a connection is recorded and refused; the test checks the list."""
    attempts: list[str] = []

    def refuse(what: str):
        def blocked(*args, **kwargs):
            attempts.append(what)
            raise OSError(f"network blocked in tests ({what})")
        return blocked

    monkeypatch.setattr(socket.socket, "connect", refuse("connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("connect_ex"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    return attempts


CSV = "Город;Сумма\nМосква;1,5\nКазань;2\n".encode("cp1251")
EXPECTED = pd.DataFrame({"Город": pd.Series(["Москва", "Казань"], dtype="str"), "Сумма": [1.5, 2.0]})


# --- handles --------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("uciml/iris", KaggleHandle("uciml", "iris")),
    ("  uciml/iris  ", KaggleHandle("uciml", "iris")),
    ("new-york-city/nyc-taxi_2/versions/12", KaggleHandle("new-york-city", "nyc-taxi_2", 12)),
    ("https://www.kaggle.com/datasets/uciml/iris", KaggleHandle("uciml", "iris")),
    ("https://www.kaggle.com/datasets/uciml/iris/versions/2", KaggleHandle("uciml", "iris", 2)),
])
def test_valid_handles(text: str, expected: KaggleHandle):
    assert parse_handle(text) == expected


def test_handle_prints_back_as_kagglehub_expects():
    assert str(parse_handle("a/b/versions/3")) == "a/b/versions/3"
    assert str(parse_handle("a/b")) == "a/b"


@pytest.mark.parametrize("text", [
    "", "uciml", "uciml/", "/uciml/iris", "uciml//iris", "uciml/iris/extra", "../etc/passwd",
    "uciml/../iris", "uciml/..", "uciml/.hidden", "-uciml/iris", "uciml/iris-", "uci ml/iris",
    "uciml/ir\nis", "uciml/iris/versions/0", "uciml/iris/versions/x", "uciml/iris/versions/3/data.csv",
    "uciml\\iris", "https://evil.example/datasets/uciml/iris", "uciml/iris?x=1", "ucimл/iris",
])
def test_invalid_handles_are_refused_with_an_example(text: str):
    with pytest.raises(DataError) as caught:
        parse_handle(text)
    assert "не название набора Kaggle" in caught.value.user_message
    assert "владелец/набор" in caught.value.user_message


# --- cache and offline use ------------------------------------------------------------------------------

def test_versioned_handle_in_cache_opens_without_network(cache: Path, no_network: list[str]):
    fill_cache(cache, "own", "shop", 2, {"data/sales.csv": CSV, "README.md": b"# x"})
    download = download_dataset("own/shop/versions/2")
    assert download.handle == KaggleHandle("own", "shop", 2)
    assert [f.path for f in download.files] == ["data/sales.csv"]
    dataset = open_kaggle_file(download, "data/sales.csv")
    pd.testing.assert_frame_equal(dataset.frame, EXPECTED)
    assert dataset.id == "kaggle:own/shop/versions/2:data/sales.csv"
    assert no_network == []


def test_kagglehub_itself_returns_the_hand_filled_cache_without_network(cache: Path, no_network: list[str]):
    import kagglehub

    root = fill_cache(cache, "own", "shop", 2, {"sales.csv": CSV})
    assert Path(kagglehub.dataset_download("own/shop/versions/2")) == root
    assert no_network == []


def test_cache_without_completion_marker_needs_the_network(cache: Path, no_network: list[str]):
    fill_cache(cache, "own", "shop", 2, {"sales.csv": CSV}, complete=False)
    with pytest.raises(SourceUnavailable) as caught:
        download_dataset("own/shop/versions/2")
    assert caught.value.user_message.startswith("Kaggle недоступен")
    assert no_network, "kagglehub should have tried the network"


def test_unversioned_handle_offline_suggests_the_cached_version(cache: Path, no_network: list[str]):
    fill_cache(cache, "own", "shop", 2, {"sales.csv": CSV})
    fill_cache(cache, "own", "shop", 5, {"sales.csv": CSV})
    with pytest.raises(SourceUnavailable) as caught:
        download_dataset("own/shop")
    text = caught.value.user_message
    assert text.startswith("Kaggle недоступен")
    assert "В кэше есть версии этого набора: 5, 2" in text and "«own/shop/versions/5»" in text
    assert "KAGGLE_USERNAME" in text and "KAGGLE_KEY" in text


def test_cached_versions_ignore_incomplete_downloads(cache: Path):
    fill_cache(cache, "own", "shop", 1, {"a.csv": CSV})
    fill_cache(cache, "own", "shop", 3, {"a.csv": CSV}, complete=False)
    assert cached_versions("own/shop") == [1]


def test_cache_defaults_to_the_state_dir(state_dir: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("KAGGLEHUB_CACHE", "")  # unset for load_config; restored after the test
    assert kaggle.cache_dir() == state_dir / "kaggle"


def test_recent_dataset_reopens_offline_with_its_reading_options(cache: Path, no_network: list[str]):
    fill_cache(cache, "own", "shop", 2, {"sales.csv": CSV})
    options = ReadOptions(encoding="cp1251", decimal=".")
    opened = open_kaggle_file(download_dataset("own/shop/versions/2"), "sales.csv", options)
    [entry] = recent_datasets()
    assert (entry.handle, entry.path, entry.options) == ("own/shop/versions/2", "sales.csv",
                                                         {"encoding": "cp1251", "decimal": "."})
    again = reopen_recent(entry)
    assert again.id == opened.id and again.id.startswith("kaggle:own/shop/versions/2:sales.csv#")
    assert again.frame["Сумма"].tolist() == ["1,5", "2"]
    assert no_network == []


def test_recent_list_keeps_newest_first_without_duplicates(cache: Path):
    fill_cache(cache, "own", "shop", 2, {"a.csv": CSV, "b.csv": CSV})
    download = download_dataset("own/shop/versions/2")
    for path in ("a.csv", "b.csv", "a.csv"):
        open_kaggle_file(download, path)
    assert [e.path for e in recent_datasets()] == ["a.csv", "b.csv"]


def test_recent_list_is_capped(cache: Path):
    files = {f"t{i}.csv": CSV for i in range(kaggle.RECENT_LIMIT + 2)}
    fill_cache(cache, "own", "shop", 1, files)
    download = download_dataset("own/shop/versions/1")
    for path in files:
        open_kaggle_file(download, path)
    assert len(recent_datasets()) == kaggle.RECENT_LIMIT


def test_concurrent_remembers_keep_every_entry(state_dir: Path):
    """20 threads × 5 openings of 10 distinct files: every file ends up in the list exactly once."""
    barrier = threading.Barrier(20)

    def opener(worker: int) -> None:
        barrier.wait()
        for step in range(5):
            index = (worker * 5 + step) % kaggle.RECENT_LIMIT
            entry = kaggle.RecentDataset("own/shop/versions/1", f"f{index}.csv", {}, f"{worker}-{step}", "n")
            kaggle.remember_dataset(entry)

    threads = [threading.Thread(target=opener, args=(w,)) for w in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    paths = sorted(e.path for e in recent_datasets())
    assert paths == sorted(f"f{i}.csv" for i in range(kaggle.RECENT_LIMIT))
    assert [p.name for p in state_dir.iterdir() if p.suffix == ".tmp"] == []


def test_unwritable_state_dir_is_a_russian_message_and_the_file_still_opens(cache: Path, monkeypatch):
    fill_cache(cache, "own", "shop", 1, {"sales.csv": CSV})

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError("read-only")

    monkeypatch.setattr(kaggle.tempfile, "mkstemp", refuse)
    with pytest.raises(DataError) as caught:
        kaggle.remember_dataset(kaggle.RecentDataset("own/shop/versions/1", "a.csv", {}, "t", "n"))
    assert "Не удалось сохранить список недавних наборов" in caught.value.user_message
    dataset = open_kaggle_file(download_dataset("own/shop/versions/1"), "sales.csv")
    assert "Не удалось сохранить список недавних наборов" in dataset.details["detected"]["notes"][-1]
    pd.testing.assert_frame_equal(dataset.frame, EXPECTED)


def test_damaged_recent_file_reads_as_empty(state_dir: Path):
    (state_dir / kaggle.RECENT_FILE).write_text("{not json", encoding="utf-8")
    assert recent_datasets() == []
    (state_dir / kaggle.RECENT_FILE).write_text(json.dumps({"datasets": [{"handle": "../x"}]}), encoding="utf-8")
    assert recent_datasets() == []


# --- files of a dataset ---------------------------------------------------------------------------------

def test_dataset_without_tables_is_refused(cache: Path):
    fill_cache(cache, "own", "pics", 1, {"cat.jpg": b"\xff\xd8", "notes.md": b"x"})
    with pytest.raises(DataError) as caught:
        download_dataset("own/pics/versions/1")
    assert "нет таблиц" in caught.value.user_message


def test_file_outside_the_listing_is_refused(cache: Path, tmp_path: Path):
    fill_cache(cache, "own", "shop", 1, {"a.csv": CSV})
    (cache / "datasets" / "own" / "shop" / "versions" / "secret.csv").write_bytes(CSV)
    download = download_dataset("own/shop/versions/1")
    for path in ("../secret.csv", "b.csv", "/etc/passwd"):
        with pytest.raises(DataError) as caught:
            open_kaggle_file(download, path)
        assert "нет файла" in caught.value.user_message


def test_kaggle_file_over_the_limit_is_refused(cache: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SVODKA_MAX_UPLOAD_MB", "1")
    fill_cache(cache, "own", "big", 1, {"big.csv": b"a;b\n" + b"1;2\n" * 300_000})
    with pytest.raises(DataError) as caught:
        open_kaggle_file(download_dataset("own/big/versions/1"), "big.csv")
    assert "больше предела 1\u00a0МБ" in caught.value.user_message


def test_unversioned_download_learns_its_version_from_the_path(cache: Path, monkeypatch: pytest.MonkeyPatch):
    root = fill_cache(cache, "own", "shop", 7, {"a.csv": CSV})
    monkeypatch.setattr(kaggle, "_kagglehub_download", lambda handle: str(root))
    download = download_dataset("own/shop")
    assert download.handle == KaggleHandle("own", "shop", 7)
    assert open_kaggle_file(download, "a.csv").id == "kaggle:own/shop/versions/7:a.csv"


# --- failures of the service ----------------------------------------------------------------------------

def test_hanging_metadata_request_hits_the_deadline(cache: Path, monkeypatch: pytest.MonkeyPatch):
    import kagglehub.http_resolver

    release = threading.Event()
    calls: list[object] = []

    def hang(api_client, handle):
        calls.append(handle)
        release.wait()
        raise requests.ConnectionError("released by the test")

    monkeypatch.setattr(kagglehub.http_resolver, "_get_current_version", hang)
    try:
        with pytest.raises(SourceUnavailable) as first:
            download_dataset("own/slow", deadline=0.2)
        with pytest.raises(SourceUnavailable):
            download_dataset("own/slow", deadline=0.2)  # waits for the same call, starts no second one
        assert first.value.user_message.startswith("Kaggle недоступен: сервер не ответил за 0,2 с")
        assert len(calls) == 1
    finally:
        release.set()
        kaggle._inflight[(str(cache), "own/slow")].exception(timeout=5)


def http_error(status: int) -> requests.HTTPError:
    response = requests.Response()
    response.status_code = status
    return requests.HTTPError(f"{status}", response=response)


def test_missing_dataset_says_so(cache: Path, monkeypatch: pytest.MonkeyPatch):
    def missing(handle: str) -> str:
        raise http_error(404)

    monkeypatch.setattr(kaggle, "_kagglehub_download", missing)
    with pytest.raises(SourceUnavailable) as caught:
        download_dataset("own/nothing")
    assert "Набор «own/nothing» не найден на Kaggle" in caught.value.user_message


@pytest.mark.parametrize("error", [http_error(403), http_error(401)])
def test_private_dataset_explains_credentials(cache: Path, monkeypatch: pytest.MonkeyPatch, error: Exception):
    def refused(handle: str) -> str:
        raise error

    monkeypatch.setattr(kaggle, "_kagglehub_download", refused)
    with pytest.raises(SourceUnavailable) as caught:
        download_dataset("own/private")
    text = caught.value.user_message
    assert "не даёт доступ" in text and "KAGGLE_USERNAME" in text and "KAGGLE_KEY" in text


def test_kagglehub_unauthenticated_error_explains_credentials(cache: Path, monkeypatch: pytest.MonkeyPatch):
    from kagglehub.exceptions import UnauthenticatedError

    def refused(handle: str) -> str:
        raise UnauthenticatedError()

    monkeypatch.setattr(kaggle, "_kagglehub_download", refused)
    with pytest.raises(SourceUnavailable) as caught:
        download_dataset("own/private")
    assert "KAGGLE_USERNAME" in caught.value.user_message


def test_download_points_kagglehub_at_the_configured_cache(cache: Path, monkeypatch: pytest.MonkeyPatch):
    import os

    seen: list[str] = []
    root = fill_cache(cache, "own", "shop", 1, {"a.csv": CSV})

    def record(handle: str) -> str:
        seen.append(os.environ["KAGGLEHUB_CACHE"])
        return str(root)

    monkeypatch.setattr(kaggle, "_kagglehub_download", record)
    download_dataset("own/shop/versions/1")
    assert seen == [str(cache)]


def test_unexpected_failure_still_reads_as_kaggle_unavailable(cache: Path, monkeypatch: pytest.MonkeyPatch):
    def broken(handle: str) -> str:
        raise RuntimeError("archive is corrupt")

    monkeypatch.setattr(kaggle, "_kagglehub_download", broken)
    with pytest.raises(SourceUnavailable) as caught:
        download_dataset("own/shop")
    assert caught.value.user_message.startswith("Kaggle недоступен: загрузка не удалась (RuntimeError).")
    assert caught.value.detail == "RuntimeError: archive is corrupt"


# --- end to end through kagglehub and a fake Kaggle API -------------------------------------------------

class FakeKaggle(BaseHTTPRequestHandler):
    """The two calls kagglehub 1.0.x makes for a public dataset: GetDataset (current version) and
    DownloadDataset (a zip of the version). Only `own/shop` exists, at version 3."""

    archive = b""
    requests_seen: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802 — http.server's naming
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
        FakeKaggle.requests_seen.append({"path": self.path, **body})
        known = (body.get("ownerSlug"), body.get("datasetSlug")) == ("own", "shop")
        if not known:
            self.reply(404, "application/json", json.dumps({"code": 404, "message": "Not found"}).encode())
        elif self.path.endswith("/GetDataset"):
            self.reply(200, "application/json", json.dumps({"currentVersionNumber": 3}).encode())
        elif self.path.endswith("/DownloadDataset"):
            self.reply(200, "application/zip", FakeKaggle.archive)
        else:
            self.reply(404, "text/plain", b"no such call")

    def reply(self, status: int, content_type: str, data: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def fake_kaggle(monkeypatch: pytest.MonkeyPatch):
    """kagglesdk's TEST environment talks to a fixed http://localhost:7777; the fake server binds a free port
    instead (tests run in parallel) and kagglesdk's endpoint table is pointed at it."""
    from kagglesdk import kaggle_env

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("sales.csv", CSV)
        archive.writestr("images/logo.png", b"\x89PNG")
    FakeKaggle.archive = buffer.getvalue()
    FakeKaggle.requests_seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeKaggle)
    monkeypatch.setitem(kaggle_env._env_to_endpoint, kaggle_env.KaggleEnv.TEST,
                        f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("KAGGLE_API_ENVIRONMENT", "TEST")
    monkeypatch.delenv("KAGGLE_USERNAME", raising=False)
    monkeypatch.delenv("KAGGLE_KEY", raising=False)
    yield FakeKaggle
    server.shutdown()
    server.server_close()


def test_public_dataset_downloads_online_then_reopens_offline(cache: Path, fake_kaggle, monkeypatch):
    download = download_dataset("own/shop", deadline=30)
    assert download.handle == KaggleHandle("own", "shop", 3)
    assert [f.path for f in download.files] == ["sales.csv"]
    assert [r["path"].rsplit("/", 1)[1] for r in fake_kaggle.requests_seen] == ["GetDataset", "DownloadDataset"]
    opened = open_kaggle_file(download, "sales.csv")
    pd.testing.assert_frame_equal(opened.frame, EXPECTED)
    assert opened.id == "kaggle:own/shop/versions/3:sales.csv"

    attempts: list[str] = []

    def blocked(*args, **kwargs):
        attempts.append("network")
        raise OSError("offline")

    monkeypatch.setattr(socket.socket, "connect", blocked)
    monkeypatch.setattr(socket, "getaddrinfo", blocked)
    [entry] = recent_datasets()
    assert reopen_recent(entry).id == opened.id
    assert attempts == []
    assert len(fake_kaggle.requests_seen) == 2


def test_unknown_dataset_through_kagglehub_is_reported_missing(cache: Path, fake_kaggle):
    with pytest.raises(SourceUnavailable) as caught:
        download_dataset("own/nothing", deadline=30)
    assert "Набор «own/nothing» не найден на Kaggle" in caught.value.user_message


def test_download_without_a_version_is_identified_by_content(cache: Path, monkeypatch: pytest.MonkeyPatch):
    import hashlib

    folder = cache / "elsewhere"
    folder.mkdir()
    (folder / "a.csv").write_bytes(CSV)
    monkeypatch.setattr(kaggle, "_kagglehub_download", lambda handle: str(folder))
    download = download_dataset("own/shop")
    assert download.handle.version is None
    dataset = open_kaggle_file(download, "a.csv")
    assert dataset.id == f"kaggle:own/shop@{hashlib.sha256(CSV).hexdigest()[:16]}:a.csv"
    assert recent_datasets() == []  # nothing to reopen offline without a version


def test_default_deadline_comes_from_the_setting(monkeypatch, tmp_path):
    """SVODKA_KAGGLE_TIMEOUT bounds the wait when the caller gives no deadline."""
    import threading

    from lib.errors import SourceUnavailable
    from lib.sources import kaggle

    monkeypatch.setenv("SVODKA_KAGGLE_TIMEOUT", "0.2")
    monkeypatch.setenv("KAGGLEHUB_CACHE", str(tmp_path / "cache"))
    release = threading.Event()
    monkeypatch.setattr(kaggle, "_kagglehub_download", lambda handle: release.wait(10))
    try:
        with pytest.raises(SourceUnavailable) as caught:
            kaggle.download_dataset("owner/slow-set/versions/1")
        assert "0,2 с" in caught.value.user_message
    finally:
        release.set()
