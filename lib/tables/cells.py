"""Table cells the Russian way, Streamlit-free: «106,21», «14.06.2024», blank empty cells, the same decimals
down a column. `lib.ui.tables` shows them on the pages (a Styler over the values); `display_frame` gives the
same text for the headless report.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from babel.numbers import format_decimal

from lib.fmt import GROUPING_FROM, LOCALE

Formatter = Callable[[Any], str]

MAX_DECIMALS = 4  # a preview of raw data keeps up to 4 decimals (coordinates, rates); facts tables pass 2
SCIENTIFIC_FROM = 1e15  # Babel's decimal patterns lose exactness (and fail past 1e26) on huge values


def is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # lists, arrays: not a missing scalar
        return False


def decimals_needed(value: float, cap: int = MAX_DECIMALS) -> int:
    """The fewest decimals (≤ cap) that show `value` as rounded to `cap` decimals: 106.21 → 2, 11.0 → 0."""
    if not math.isfinite(value) or abs(value) >= SCIENTIFIC_FROM:
        return 0
    target = round(Decimal(repr(value)), cap)
    for digits in range(cap + 1):
        if round(target, digits) == target:
            return digits
    return cap


def column_decimals(values: pd.Series, cap: int = MAX_DECIMALS) -> int:
    """Decimals for a whole column: the most any of its values needs, so every cell has the same number."""
    finite = [float(v) for v in values if not is_missing(v)]
    return max((decimals_needed(v, cap) for v in finite), default=0)


def number_text(value: float | int, decimals: int) -> str:
    """`106.21, 2` → «106,21»; `1234.5, 2` → «1234,50»; `12345.6, 1` → «12 345,6»; minus sign «−»."""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, float) and math.isinf(value):
        return "∞" if value > 0 else "−∞"
    if abs(value) >= SCIENTIFIC_FROM:
        return f"{float(value):.3e}".replace(".", ",").replace("-", "−")
    grouping = "#,##0" if abs(value) >= GROUPING_FROM else "0"
    pattern = grouping + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(value, format=pattern, locale=LOCALE).replace("-", "−")


def datetime_text(value: dt.datetime | pd.Timestamp, with_time: bool, with_seconds: bool) -> str:
    """«14.06.2024», «14.06.2024 13:05» or «14.06.2024 13:05:09» (the wall time, zone not converted)."""
    if with_seconds:
        return value.strftime("%d.%m.%Y %H:%M:%S")
    return value.strftime("%d.%m.%Y %H:%M") if with_time else value.strftime("%d.%m.%Y")


def _datetime_formatter(values: pd.Series) -> Formatter:
    stamps = pd.to_datetime(values.dropna(), errors="coerce").dropna()
    with_seconds = bool((stamps.dt.second != 0).any()) if len(stamps) else False
    with_time = with_seconds or (bool((stamps.dt.hour != 0).any() or (stamps.dt.minute != 0).any())
                                 if len(stamps) else False)
    return lambda v: "" if is_missing(v) else datetime_text(pd.Timestamp(v), with_time, with_seconds)


def cell_text(value: Any) -> str:
    """Any single cell of an object column: numbers and dates as above, text as is, empty → blank."""
    if is_missing(value):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "да" if value else "нет"
    if isinstance(value, (int, np.integer)):
        return number_text(int(value), 0)
    if isinstance(value, (float, np.floating)):
        return number_text(float(value), decimals_needed(float(value)))
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        stamp = pd.Timestamp(value)
        return datetime_text(stamp, bool(stamp.hour or stamp.minute or stamp.second), bool(stamp.second))
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    return str(value)


def column_formatter(values: pd.Series, cap: int = MAX_DECIMALS) -> Formatter:
    """How every cell of this column is written (one decimals count and one date form per column)."""
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return lambda v: "" if is_missing(v) else ("да" if v else "нет")
    if pd.api.types.is_integer_dtype(dtype):
        return lambda v: "" if is_missing(v) else number_text(int(v), 0)
    if pd.api.types.is_float_dtype(dtype):
        decimals = column_decimals(values, cap)
        return lambda v: "" if is_missing(v) else number_text(float(v), decimals)
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return _datetime_formatter(values)
    return cell_text


def display_frame(frame: pd.DataFrame, cap: int = MAX_DECIMALS) -> pd.DataFrame:
    """A copy with every cell as the Russian text shown on screen (what the Styler displays)."""
    return pd.DataFrame(
        {column: [column_formatter(frame[column], cap)(v) for v in frame[column]] for column in frame.columns},
        index=frame.index,
    )
