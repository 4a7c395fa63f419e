"""Widgets of the «Журнал» page: the reader's time zone and the calls table."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.journal_facts import resolve_zone

ROW_PX = 35  # Streamlit's data grid row height
FULL_HEIGHT_ROWS = 25  # up to this many rows the table is shown whole, without an inner scroll box
SHORT_COLUMNS = ("№", "Статус", "Проверено чисел", "Время ответа, с", "Токенов/с", "Из кэша", "Попытка")


def reader_zone() -> str:
    """The browser's time zone (IANA name); UTC when the browser did not say or the name is unknown."""
    return resolve_zone(st.context.timezone)


def table_height(rows: int) -> int:
    """Pixels that show `rows` rows and the header without scrolling, up to FULL_HEIGHT_ROWS rows."""
    return (min(rows, FULL_HEIGHT_ROWS) + 1) * ROW_PX + 3


def calls_table(table: pd.DataFrame) -> None:
    """The journal rows: short columns narrow, so the check column is in view without scrolling sideways."""
    config = {name: st.column_config.TextColumn(name, width="small") for name in SHORT_COLUMNS if name in table}
    st.dataframe(table, hide_index=True, width="stretch", height=table_height(len(table)), column_config=config)
