"""Column kinds: what a column means for analysis, not just its dtype."""

from __future__ import annotations

import re
from typing import Literal

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


def column_kind(series: pd.Series) -> Kind:
    """Kind of one column; robust to all-missing columns and object columns with mixed Python types."""
    nonnull = series.dropna()
    n = len(nonnull)
    if n == 0:
        return "empty"
    if ptypes.is_bool_dtype(series.dtype):
        return "bool"
    if ptypes.is_datetime64_any_dtype(series.dtype):
        return "datetime"
    if isinstance(series.dtype, pd.CategoricalDtype):
        return "category"
    if ptypes.is_numeric_dtype(series.dtype):
        if _ID_NAME.search(str(series.name)) and nonnull.is_unique:
            return "id"
        return "numeric"
    values = nonnull.astype(str)
    if nonnull.nunique() <= 2 and _bool_like(values):
        return "bool"
    unique_ratio = values.nunique() / n
    mean_length = values.head(_SAMPLE).str.len().mean()
    if mean_length > _TEXT_MEAN_LENGTH:
        return "text"
    if n >= _ID_MIN_ROWS and unique_ratio > _ID_UNIQUE_RATIO:
        with_spaces = values.head(_SAMPLE).str.contains(r"\s", regex=True).mean()
        return "text" if with_spaces > 0.5 else "id"
    return "category"


def infer_kinds(frame: pd.DataFrame) -> dict[str, Kind]:
    return {str(name): column_kind(frame[name]) for name in frame.columns}
