import numpy as np
import pandas as pd
import pytest

from lib.schema import column_kind, infer_kinds


@pytest.mark.parametrize(
    ("values", "kind"),
    [
        (pd.Series([1.5, 2.0, None]), "numeric"),
        (pd.Series([1, 2, 3], dtype="Int64"), "numeric"),
        (pd.Series(pd.to_datetime(["2024-01-01", None])), "datetime"),
        (pd.Series(pd.to_datetime(["2024-01-01"]).tz_localize("UTC")), "datetime"),
        (pd.Series([True, False, True]), "bool"),
        (pd.Series(["да", "нет", "да", None]), "bool"),
        (pd.Series(["a", "b", "a"], dtype="category"), "category"),
        (pd.Series(["Москва", "Казань"] * 20), "category"),
        (pd.Series([None, None, None], dtype="object"), "empty"),
        (pd.Series([np.nan, np.nan]), "empty"),
    ],
)
def test_basic_kinds(values, kind):
    assert column_kind(values) == kind


def test_unique_short_codes_are_identifiers():
    codes = pd.Series([f"ORD-{i:05d}" for i in range(100)])
    assert column_kind(codes) == "id"


def test_unique_integers_named_like_an_id_are_identifiers():
    assert column_kind(pd.Series(range(50), name="customer_id")) == "id"
    assert column_kind(pd.Series(range(50), name="amount")) == "numeric"


def test_long_free_text_is_text():
    sentences = pd.Series([f"Клиент номер {i} оставил длинный отзыв о доставке и упаковке" for i in range(30)])
    assert column_kind(sentences) == "text"


def test_mixed_python_types_do_not_crash_and_count_as_category():
    mixed = pd.Series([1, "два", 3.0, None, "два", 1] * 5, dtype="object")
    assert column_kind(mixed) == "category"


def test_infer_kinds_on_flights(flights):
    kinds = infer_kinds(flights.frame)
    assert kinds["time_hour"] == "datetime"
    assert kinds["carrier"] == kinds["origin"] == kinds["dest"] == "category"
    assert kinds["dep_delay"] == "numeric"
    assert len(kinds) == 19
