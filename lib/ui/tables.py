"""Tables the Russian way: «106,21», «14.06.2024», blank empty cells, the same decimals down a column,
and a height that shows every row of a short table instead of an inner scroll box.

A table is shown as a pandas Styler over the original values: Streamlit draws the formatted text and
sorts by the values underneath, so a click on a numeric header still sorts numbers, not strings.
The cell text itself is Streamlit-free, in `lib.tables.cells` (re-exported here for the pages).
"""

from __future__ import annotations

from typing import Any, Literal

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from lib.tables.cells import (
    MAX_DECIMALS,
    SCIENTIFIC_FROM,
    Formatter,
    cell_text,
    column_decimals,
    column_formatter,
    datetime_text,
    decimals_needed,
    display_frame,
    is_missing,
    number_text,
)

__all__ = [
    "FULL_HEIGHT_ROWS", "MAX_DECIMALS", "SCIENTIFIC_FROM", "STYLED_CELLS", "Formatter", "cell_text",
    "column_decimals", "column_formatter", "datetime_text", "decimals_needed", "display_frame", "is_missing",
    "number_text", "russian_table", "show_table", "table_height",
]

FULL_HEIGHT_ROWS = 25  # tables up to this many rows are shown whole, without an inner scroll box
STYLED_CELLS = 200_000  # above this a Styler is too slow: such a table is shown unstyled


def russian_table(frame: pd.DataFrame, cap: int = MAX_DECIMALS) -> Styler | pd.DataFrame:
    """The frame with Russian display text over its own values (sorting stays numeric)."""
    if frame.size > STYLED_CELLS or not frame.columns.is_unique:
        return frame
    formatters = {column: column_formatter(frame[column], cap) for column in frame.columns}
    styler = frame.style.format(formatters)
    index_is_range = isinstance(frame.index, pd.RangeIndex)
    return styler if index_is_range else styler.format_index(cell_text)


def table_height(rows: int) -> int | Literal["auto", "content"]:
    """«content» (every row visible) up to FULL_HEIGHT_ROWS rows, Streamlit's scrolling box beyond."""
    return "content" if rows <= FULL_HEIGHT_ROWS else "auto"


def show_table(frame: pd.DataFrame, *, cap: int = MAX_DECIMALS, hide_index: bool = True,
               into: Any = None, **kwargs: Any) -> None:
    """`st.dataframe` of `frame` formatted the Russian way, as tall as its rows (see `table_height`)."""
    target = st if into is None else into
    target.dataframe(russian_table(frame, cap), hide_index=hide_index, width="stretch",
                     height=table_height(len(frame)), **kwargs)
