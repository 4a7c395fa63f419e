"""Column kinds: what a column means for analysis, not just its dtype."""

from __future__ import annotations

import re
from typing import Literal

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

Kind = Literal["numeric", "category", "datetime", "bool", "text", "id", "empty"]
KINDS: tuple[Kind, ...] = ("numeric", "category", "datetime", "bool", "text", "id", "empty")

_ID_NAME = re.compile(r"(^|[_\s.-])(id|uuid|guid|key|код|ид)$|^id[_\s.-]|^(id|uuid|guid)$", re.IGNORECASE)
_BOOL_WORDS = {
    frozenset({"true", "false"}), frozenset({"yes", "no"}), frozenset({"да", "нет"}),
    frozenset({"y", "n"}), frozenset({"t", "f"}), frozenset({"истина", "ложь"}),
}
_ID_MIN_ROWS = 20
_ID_UNIQUE_RATIO = 0.9
_TEXT_MEAN_LENGTH = 40
_SAMPLE = 5000


def _bool_like(values: pd.Series) -> bool:
    distinct = frozenset(str(v).strip().lower() for v in values.unique()[:3])
    return len(distinct) <= 2 and any(distinct <= pair for pair in _BOOL_WORDS)


def _typed_kind(series: pd.Series) -> Kind | None:
    """The kind a typed (bool, datetime, categorical, numeric) column has, without copying its values;
    None for text and object columns."""
    dtype = series.dtype
    typed = (ptypes.is_bool_dtype(dtype) or ptypes.is_datetime64_any_dtype(dtype)
             or isinstance(dtype, pd.CategoricalDtype) or ptypes.is_numeric_dtype(dtype))
    if not typed:
        return None
    if not len(series) or (not (isinstance(dtype, np.dtype) and dtype.kind in "iub") and not series.notna().any()):
        return "empty"  # plain numpy integers and booleans have no missing value
    if ptypes.is_bool_dtype(dtype):
        return "bool"
    if ptypes.is_datetime64_any_dtype(dtype):
        return "datetime"
    if isinstance(dtype, pd.CategoricalDtype):
        return "category"
    if _ID_NAME.search(str(series.name)) and series.dropna().is_unique:
        return "id"
    return "numeric"


def column_kind(series: pd.Series, distinct: int | None = None) -> Kind:
    """Kind of one column; robust to all-missing columns and object columns with mixed Python types.
    `distinct`: the column's distinct valid values when the caller has counted them (text columns)."""
    typed = _typed_kind(series)
    if typed is not None:
        return typed
    if ptypes.is_string_dtype(series.dtype) and not ptypes.is_object_dtype(series.dtype):
        # a text column is already strings: count and sample it without copying the valid values out
        present = series.notna().to_numpy()
        n = int(np.count_nonzero(present))
        if n == 0:
            return "empty"
        valid = np.flatnonzero(present)[:_SAMPLE]
        values = series.iloc[: int(valid[-1]) + 1].dropna()  # a slice, not a take across chunks
        distinct = series.nunique() if distinct is None else distinct
        if distinct <= 2 and _bool_like(series.dropna()):
            return "bool"
    else:  # object columns may mix types that only agree as text
        nonnull = series.dropna()
        n = len(nonnull)
        if n == 0:
            return "empty"
        values = nonnull.astype(str)
        distinct = values.nunique()
        if distinct <= 2 and nonnull.nunique() <= 2 and _bool_like(values):
            return "bool"
        values = values.head(_SAMPLE)
    unique_ratio = distinct / n
    mean_length = values.str.len().mean()
    if mean_length > _TEXT_MEAN_LENGTH:
        return "text"
    if n >= _ID_MIN_ROWS and unique_ratio > _ID_UNIQUE_RATIO:
        with_spaces = values.str.contains(r"\s", regex=True).mean()
        return "text" if with_spaces > 0.5 else "id"
    return "category"


def infer_kinds(frame: pd.DataFrame) -> dict[str, Kind]:
    return {str(name): column_kind(frame[name]) for name in frame.columns}
