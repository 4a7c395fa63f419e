"""lib.sources.upload: dataset ids, size limit from the settings, agreement with Streamlit's limit."""

from __future__ import annotations

import io
import tomllib

import numpy as np
import openpyxl
import pandas as pd
import pytest

from lib.config import PROJECT_ROOT, SETTINGS, load_config
from lib.errors import DataError
from lib.sources.reading import ReadOptions
from lib.sources.upload import max_upload_bytes, upload_dataset

CSV = "Город;Сумма\nМосква;1 500,5\nКазань;20\n".encode("cp1251")


def test_upload_reads_frame_and_describes_detection():
    ds = upload_dataset(CSV, "продажи.csv")
    expected = pd.DataFrame({"Город": pd.Series(["Москва", "Казань"], dtype="str"), "Сумма": [1500.5, 20.0]})
    pd.testing.assert_frame_equal(ds.frame, expected)
    assert ds.source == "upload"
    assert ds.name == "продажи.csv"
    assert ds.details["summary"] == "Кодировка cp1251 · разделитель «;» · десятичный знак «,»"


def test_same_bytes_same_settings_give_the_same_id_whatever_the_name():
    assert upload_dataset(CSV, "a.csv").id == upload_dataset(CSV, "b.csv").id
    assert upload_dataset(CSV, "a.csv").id.startswith("upload:")


def test_different_content_gives_a_different_id():
    assert upload_dataset(CSV, "a.csv").id != upload_dataset(CSV + "Омск;3\n".encode("cp1251"), "a.csv").id


def test_reading_the_same_bytes_differently_gives_a_different_id():
    auto = upload_dataset(CSV, "a.csv")
    as_text = upload_dataset(CSV, "a.csv", ReadOptions(decimal="."))
    assert as_text.frame["Сумма"].tolist() == ["1 500,5", "20"]
    assert as_text.id != auto.id


def test_choosing_what_was_detected_anyway_keeps_the_id():
    auto = upload_dataset(CSV, "a.csv")
    explicit = upload_dataset(CSV, "a.csv", ReadOptions(encoding="cp1251", delimiter=";", decimal=","))
    assert explicit.id == auto.id


def test_excel_with_several_sheets_names_the_sheet():
    book = openpyxl.Workbook()
    book.active.title = "Итоги"
    book.active.append(["a", "b"])
    book.active.append([1, 2])
    book.create_sheet("Черновик").append(["x"])
    buffer = io.BytesIO()
    book.save(buffer)
    assert upload_dataset(buffer.getvalue(), "отчёт.xlsx").name == "отчёт.xlsx — Итоги"


def test_file_over_the_configured_limit_is_refused(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SVODKA_MAX_UPLOAD_MB", "1")
    big = b"a;b\n" + b"123456;654321\n" * 80_000  # 1.07 MiB
    assert len(big) > 1024 * 1024
    with pytest.raises(DataError) as caught:
        upload_dataset(big, "big.csv")
    assert "больше предела 1\u00a0МБ" in caught.value.user_message


def test_limit_in_bytes_follows_the_setting(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SVODKA_MAX_UPLOAD_MB", "7")
    assert max_upload_bytes() == 7 * 1024 * 1024


def test_streamlit_upload_limit_matches_the_default_setting():
    config = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    default = next(s.default for s in SETTINGS if s.env == "SVODKA_MAX_UPLOAD_MB")
    assert config["server"]["maxUploadSize"] == int(default)


def test_default_limit_is_used_without_the_variable(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("SVODKA_MAX_UPLOAD_MB", raising=False)
    default = next(s.default for s in SETTINGS if s.env == "SVODKA_MAX_UPLOAD_MB")
    assert load_config().max_upload_mb == int(default)


def test_dataset_names_columns_as_text_without_touching_the_callers_frame():
    from lib.facts.base import Scope
    from lib.facts.columns import column_facts
    from lib.facts.relations import relation_facts
    from lib.sources import Dataset

    frame = pd.DataFrame({0: [1.0, 2.0, 3.0, 4.0], 1: [2.0, 4.0, 6.0, 9.0], "x": list("abab")})
    ds = Dataset(id="t:1", name="t", source="kaggle", frame=frame)
    assert list(ds.frame.columns) == ["0", "1", "x"]
    assert list(frame.columns) == [0, 1, "x"]
    pd.testing.assert_frame_equal(ds.frame, frame.set_axis(["0", "1", "x"], axis="columns"))
    scope = Scope.of(ds.id, ds.name)
    assert column_facts(ds.frame, scope).column == "0"
    relations = relation_facts(ds.frame, scope)
    assert relations.columns == ("0", "1")
    assert relations.pearson[0][1] == pytest.approx(frame[0].corr(frame[1]))


def test_dataset_turns_list_and_array_cells_into_json_text_for_every_page():
    from lib.facts.base import Scope
    from lib.facts.overview import overview_facts
    from lib.facts.quality import quality_facts
    from lib.filters import filter_candidates
    from lib.sources import Dataset

    frame = pd.DataFrame({"tags": pd.Series([np.array([1, 2]), [3], None, {"k": 1}, np.array([1, 2])],
                                            dtype=object),
                          "v": [1.0, 2.0, 3.0, 4.0, 1.0]})
    ds = Dataset(id="t:2", name="t", source="kaggle", frame=frame)
    assert ds.frame["tags"].tolist() == ["[1, 2]", "[3]", None, '{"k": 1}', "[1, 2]"]
    assert isinstance(frame["tags"].iloc[0], np.ndarray)  # the caller's frame is untouched
    scope = Scope.of(ds.id, ds.name)
    assert quality_facts(ds.frame, scope).duplicate_rows == 1  # rows 1 and 5 are the same
    assert overview_facts(ds.frame, scope).rows == 5
    filter_candidates(ds.frame)
