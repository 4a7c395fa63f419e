"""Widgets of the «Журнал» page: the reader's time zone and the calls table."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.journal_facts import resolve_zone
from lib.ui.tables import table_height

# Pixel widths of the columns a reader scans first: wide enough for their header and longest label, so the
# check column is in view on a laptop screen without scrolling sideways; the rest take Streamlit's default.
WIDTHS = {"№": 50, "Страница": 130, "Статус": 230, "Проверено чисел": 125, "Время ответа, с": 120,
          "Токенов/с": 85, "Из кэша": 75, "Попытка": 75}
TIME_WIDTH = 215


def reader_zone() -> str:
    """The browser's time zone (IANA name); UTC when the browser did not say or the name is unknown."""
    return resolve_zone(st.context.timezone)


def calls_table(table: pd.DataFrame) -> None:
    """The journal rows, each leading column as wide as its content, so the check column is in view; up to
    25 rows all shown, without an inner scroll box (`lib.ui.tables.table_height`)."""
    widths = {name: TIME_WIDTH if name.startswith("Время (") else WIDTHS.get(name) for name in table.columns}
    config = {name: st.column_config.TextColumn(name, width=width) for name, width in widths.items() if width}
    st.dataframe(table, hide_index=True, width="stretch", height=table_height(len(table)), column_config=config)
