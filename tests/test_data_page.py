"""The «Данные» page (app_pages/07_data.py) run standalone with AppTest: upload, Kaggle form, recent list."""

from __future__ import annotations

import socket
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lib.sources.kaggle import download_dataset, open_kaggle_file
from lib.ui.safe import literal

TIMEOUT = 60
PAGE = str(Path(__file__).resolve().parent.parent / "app_pages" / "07_data.py")
CSV = "Дата;Город;Сумма\n01.02.2024;Москва;1 234,5\n02.02.2024;Казань;7\n".encode("cp1251")


def run_page() -> AppTest:
    return AppTest.from_file(PAGE, default_timeout=TIMEOUT).run()


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "kagglehub"
    root = folder / "datasets" / "own" / "shop" / "versions" / "2"
    root.mkdir(parents=True)
    (root / "sales.csv").write_bytes(CSV)
    (folder / "datasets" / "own" / "shop" / "2.complete").touch()
    monkeypatch.setenv("KAGGLEHUB_CACHE", str(folder))
    return folder


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    attempts: list[str] = []

    def blocked(*args, **kwargs):
        attempts.append("network")
        raise OSError("network blocked in tests")

    monkeypatch.setattr(socket.socket, "connect", blocked)
    monkeypatch.setattr(socket, "getaddrinfo", blocked)
    return attempts


def test_page_runs_standalone_with_both_tabs():
    at = run_page()
    assert not at.exception
    assert at.title[0].value == "Данные"
    assert [t.label for t in at.tabs] == ["Загрузить файл", "Kaggle"]


def test_uploaded_russian_csv_shows_detection_and_opens():
    at = run_page()
    at.file_uploader[0].set_value(("выгрузка.csv", CSV, "text/csv"))
    at.run()
    assert not at.exception
    assert at.info[0].value == (literal("Кодировка cp1251 · разделитель «;» · десятичный знак «,»") + "  \n"
                                + literal("Прочитано: 2\u00a0строки, 3\u00a0столбца."))
    button(at, "Открыть этот набор").click()
    at.run()
    assert not at.exception
    dataset = at.session_state["datasets"][at.session_state["dataset_id"]]
    assert dataset.name == "выгрузка.csv" and dataset.source == "upload"
    assert dataset.frame["Сумма"].tolist() == [1234.5, 7.0]
    assert at.success[0].value.startswith(literal("Открыт набор «выгрузка.csv»"))


def test_override_changes_how_the_file_is_read():
    at = run_page()
    at.file_uploader[0].set_value(("выгрузка.csv", CSV, "text/csv"))
    at.run()
    at.selectbox(key="data_upload_decimal").set_value(".")
    at.run()
    assert not at.exception
    assert literal("десятичный знак «.»") in at.info[0].value
    button(at, "Открыть этот набор").click()
    at.run()
    dataset = at.session_state["datasets"][at.session_state["dataset_id"]]
    assert dataset.frame["Сумма"].tolist() == ["1 234,5", "7"]  # with «.» as the decimal mark it is text


def test_broken_upload_shows_the_message_and_keeps_the_settings():
    at = run_page()
    at.file_uploader[0].set_value(("пусто.csv", "Дата;Сумма\n".encode(), "text/csv"))
    at.run()
    assert not at.exception
    assert "только строка заголовка" in at.error[0].value
    assert "dataset_id" not in at.session_state
    assert at.selectbox(key="data_upload_encoding").value == "автоматически"


def submit_handle(at: AppTest, handle: str) -> AppTest:
    at.text_input(key="data_kaggle_handle").input(handle)
    button(at, "Скачать").click()
    return at.run()


def test_invalid_kaggle_handle_is_explained():
    at = submit_handle(run_page(), "../../etc/passwd")
    assert not at.exception
    assert literal("не название набора Kaggle") in at.error[0].value


def test_kaggle_dataset_from_cache_opens_offline(cache: Path, no_network: list[str]):
    at = submit_handle(run_page(), "own/shop/versions/2")
    assert not at.exception
    assert at.success[0].value == "Набор «own/shop/versions/2»: 1\u00a0таблица."
    button(at, "Открыть файл").click()
    at.run()
    assert at.session_state["dataset_id"] == "kaggle:own/shop/versions/2:sales.csv"
    assert no_network == []


def test_kaggle_unavailable_offers_the_cached_version(cache: Path, no_network: list[str]):
    at = submit_handle(run_page(), "own/shop")
    assert not at.exception
    assert at.error[0].value.startswith(literal("Kaggle недоступен"))
    button(at, "Открыть «own/shop/versions/2» из кэша").click()
    at.run()
    assert not at.exception
    assert at.success[0].value == "Набор «own/shop/versions/2»: 1\u00a0таблица."


def test_recent_dataset_reopens_from_the_list(cache: Path, no_network: list[str]):
    open_kaggle_file(download_dataset("own/shop/versions/2"), "sales.csv")
    at = run_page()
    assert "в кэше — откроется без сети" in texts(at.caption)
    button(at, "Открыть").click()
    at.run()
    assert not at.exception
    assert at.session_state["dataset_id"] == "kaggle:own/shop/versions/2:sales.csv"
    frame = at.session_state["datasets"]["kaggle:own/shop/versions/2:sales.csv"].frame
    assert frame["Дата"].tolist() == [pd.Timestamp(2024, 2, 1), pd.Timestamp(2024, 2, 2)]
    assert no_network == []


def test_kaggle_excel_file_offers_its_sheets(cache: Path, no_network: list[str]):
    import io

    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Итоги"
    book.active.append(["a", "b"])
    book.active.append([1, 2])
    details = book.create_sheet("Детали")
    details.append(["x", "y"])
    details.append(["p", "q"])
    buffer = io.BytesIO()
    book.save(buffer)
    (cache / "datasets" / "own" / "shop" / "versions" / "2" / "book.xlsx").write_bytes(buffer.getvalue())
    at = submit_handle(run_page(), "own/shop/versions/2")
    at.selectbox(key="data_kaggle_file").set_value("book.xlsx")
    at.run()
    at.selectbox(key="data_kaggle_sheet").set_value("Детали")
    at.run()
    button(at, "Открыть файл").click()
    at.run()
    assert not at.exception
    dataset = at.session_state["datasets"][at.session_state["dataset_id"]]
    assert list(dataset.frame.columns) == ["x", "y"]
    assert dataset.id.startswith("kaggle:own/shop/versions/2:book.xlsx#")


def test_empty_sheet_error_keeps_the_sheet_choice_to_fix_it():
    import io

    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Пусто"
    data = book.create_sheet("Данные")
    data.append(["a", "b"])
    data.append([1, 2])
    buffer = io.BytesIO()
    book.save(buffer)
    at = run_page()
    at.file_uploader[0].set_value(("book.xlsx", buffer.getvalue(), "application/octet-stream"))
    at.run()
    at.selectbox(key="data_upload_sheet").set_value("Пусто")
    at.run()
    assert literal("Лист «Пусто» в книге «book.xlsx» пуст") in at.error[0].value
    at.selectbox(key="data_upload_sheet").set_value("Данные")
    at.run()
    assert not at.error
    assert at.info[0].value.startswith(literal("Лист «Данные»"))
    assert [s.key for s in at.selectbox] == ["data_upload_decimal", "data_upload_sheet"]  # no encoding for Excel


def test_file_and_column_names_with_markdown_are_shown_literally_in_the_summary_and_notes():
    data = "[ссылка](http://x.example);**Сумма**\nА;1\nБ;2\nИтого;3\n".encode()
    at = run_page()
    at.file_uploader[0].set_value(("![img](http://x.example/a.png).csv", data, "text/csv"))
    at.run()
    assert not at.exception
    [warning] = at.warning
    assert warning.value == literal("Строка итогов исключена из данных, чтобы суммы не удваивались — 3-я строка "
                                    "данных: [ссылка](http://x.example) «Итого», **Сумма** «3».")
    assert "\\*\\*Сумма\\*\\*" in warning.value and "](http" not in warning.value
    assert "«\\*\\*Сумма\\*\\*»" in " ".join(c.value for c in at.caption)


def test_units_read_from_cells_are_listed_under_the_summary():
    at = run_page()
    at.file_uploader[0].set_value(("доли.csv", "Город;Доля\nМосква;12,5%\nОмск;7%\n".encode(), "text/csv"))
    at.run()
    assert literal("Единицы из ячеек: «Доля» — %.") in [c.value for c in at.caption]


def test_recent_file_removed_from_the_cache_ends_in_a_russian_message(cache: Path, no_network: list[str]):
    open_kaggle_file(download_dataset("own/shop/versions/2"), "sales.csv")
    (cache / "datasets" / "own" / "shop" / "versions" / "2" / "sales.csv").unlink()
    at = run_page()
    button(at, "Открыть").click()
    at.run()
    assert not at.exception
    assert literal("нет таблиц, которые умеет читать Svodka") in at.error[0].value


def test_kaggle_file_that_the_disk_refuses_ends_in_a_russian_message(cache: Path, no_network: list[str],
                                                                    monkeypatch: pytest.MonkeyPatch):
    at = submit_handle(run_page(), "own/shop/versions/2")

    def refuse(self: Path) -> bytes:
        raise PermissionError("denied")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    button(at, "Открыть файл").click()
    at.run()
    assert not at.exception
    assert at.error[0].value == literal("Файл «sales.csv» из набора не удалось прочитать с диска "
                                        "(PermissionError). Скачайте набор заново.")
