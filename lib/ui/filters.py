"""Global filters in the sidebar: a date range and a few categorical columns, for every page."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pandas as pd
import streamlit as st

from lib.filters import FilterCandidates, describe_filters, filter_candidates, normalize_filters
from lib.fmt import fmt_int
from lib.ui.safe import literal
from lib.ui.state import active_filters, current_dataset, current_frame, set_filters


@st.cache_data(max_entries=16, show_spinner=False)
def _candidates(_frame: pd.DataFrame, dataset_id: str) -> FilterCandidates:
    return filter_candidates(_frame)


def widget_key(dataset_id: str, name: str) -> str:
    """Session key of a filter widget; per dataset, so switching datasets never feeds stale values."""
    tag = hashlib.sha1(dataset_id.encode("utf-8")).hexdigest()[:8]
    return f"filters_{tag}_{name}"


WRITTEN_KEY = "filters_from_widgets"  # the spec the widgets wrote last; anything else came from elsewhere


def _reset(keys: list[str]) -> None:
    for key in keys:
        st.session_state.pop(key, None)
    set_filters({})


def _date_filter(candidates: FilterCandidates, key: str, active: dict[str, Any]) -> dict[str, Any] | None:
    assert candidates.date_min is not None and candidates.date_max is not None  # the caller checked the column
    low = dt.date.fromisoformat(candidates.date_min)
    high = dt.date.fromisoformat(candidates.date_max)
    start, end = low, high
    if active.get("column") == candidates.date_column:  # filters set before the widget existed
        start = max(low, min(high, dt.date.fromisoformat(str(active.get("from") or candidates.date_min))))
        end = max(start, min(high, dt.date.fromisoformat(str(active.get("to") or candidates.date_max))))
    chosen = st.sidebar.date_input(
        f"Период ({literal(candidates.date_column)})",
        value=(start, end),
        min_value=low,
        max_value=high,
        format="DD.MM.YYYY",
        key=key,
    )
    picked: tuple[dt.date, ...] = tuple(chosen) if isinstance(chosen, (tuple, list)) else (chosen,)
    if not picked or picked == (low, high):
        return None
    start = picked[0]
    last: dt.date | None = picked[1] if len(picked) > 1 else None
    spec: dict[str, Any] = {"column": candidates.date_column}
    if start > low:
        spec["from"] = start.isoformat()
    if last is not None and last < high:
        spec["to"] = last.isoformat()
    return spec if len(spec) > 1 else None


def sidebar_filters() -> None:
    """Filter widgets for the current dataset; the spec goes to `set_filters`, and the script reruns
    when it changes, so the sidebar caption and the page both see the new rows."""
    dataset = current_dataset()
    candidates = _candidates(dataset.frame, dataset.id)
    if candidates.date_column is None and not candidates.categories:
        return
    st.sidebar.subheader("Фильтры")
    active = normalize_filters(active_filters())
    written = st.session_state.get(WRITTEN_KEY)
    if written is not None and written != active:  # set by a page, a test or a reset: widgets follow it
        for name in [k for k in st.session_state if str(k).startswith(widget_key(dataset.id, ""))]:
            st.session_state.pop(name, None)
    keys: list[str] = []
    spec: dict[str, Any] = {}
    if candidates.date_column is not None and candidates.date_min != candidates.date_max:
        key = widget_key(dataset.id, "date")
        keys.append(key)
        date = _date_filter(candidates, key, active.get("date", {}))
        if date:
            spec["date"] = date
    categories: dict[str, list[str]] = {}
    for column, values in candidates.categories.items():
        key = widget_key(dataset.id, f"category_{column}")
        keys.append(key)
        default = [v for v in active.get("categories", {}).get(column, []) if v in values]
        chosen = st.sidebar.multiselect(literal(column), values, default=default, key=key, placeholder="все значения",
                                        select_all=False)
        if chosen:
            categories[column] = chosen
    if categories:
        spec["categories"] = categories
    spec = normalize_filters(spec)
    st.session_state[WRITTEN_KEY] = spec
    if spec != active:
        set_filters(spec)
        st.rerun()
    total = len(dataset.frame)
    shown = len(current_frame())
    st.sidebar.caption(f"Строк после фильтров: {fmt_int(shown)} из {fmt_int(total)}")
    if spec:
        st.sidebar.caption(literal(describe_filters(spec)))
        st.sidebar.button("Сбросить фильтры", on_click=_reset, args=(keys,), key=widget_key(dataset.id, "reset"))
