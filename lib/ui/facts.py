"""Cached fact computation: keyed by the scope (dataset id + filters) and options, never by hashing frames."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pandas as pd
import streamlit as st

from lib.facts.base import FactSheet, Scope
from lib.ui.state import current_frame, current_scope

F = TypeVar("F", bound=FactSheet)


@st.cache_data(max_entries=64, show_spinner="Считаю статистику…")
def _cached(
    _compute: Callable[..., F], _frame: pd.DataFrame, name: str, scope: Scope, options: tuple
) -> F:
    """`name` and `scope` stand for the unhashed arguments: the function and the frame they imply."""
    return _compute(_frame, scope, **dict(options))


def facts_for(compute: Callable[..., F], **options: Any) -> F:
    """`compute(frame, scope, **options)` on the current (filtered) frame, cached per scope and options."""
    name = f"{compute.__module__}.{compute.__qualname__}"
    return _cached(compute, current_frame(), name, current_scope(), tuple(sorted(options.items())))
