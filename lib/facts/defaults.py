"""The starting choices of the analysis pages for a dataset: which columns each picker offers and which it
starts from. Pure (no Streamlit), so the pages and the headless report (lib/report, `python -m lib report`)
start from the same options."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from lib.facts.groups import group_choices
from lib.schema import infer_kinds

# Starting choices where a dataset has an obvious question to ask (dataset id prefix → choice).
GROUP_DEFAULTS = {"embedded:flights": ("carrier", "arr_delay", "mean")}
COLUMN_DEFAULTS = {"embedded:flights": "arr_delay"}


@dataclass(frozen=True)
class Choices:
    columns: tuple[str, ...]
    kinds: Mapping[str, str]
    dimensions: tuple[str, ...]
    measures: tuple[str, ...]
    datetimes: tuple[str, ...]
    group_defaults: tuple[str | None, str | None, str]  # dimension, measure, aggregation
    default_column: str | None


def _numbers_every_row(series: pd.Series) -> bool:
    """Whole numbers, all different: an order or row number, whatever the column is called."""
    values = series.dropna()
    if not pd.api.types.is_numeric_dtype(values.dtype) or pd.api.types.is_bool_dtype(values.dtype):
        return False
    return len(values) > 1 and values.is_unique and bool((values == values.round()).all())


def informative_column(frame: pd.DataFrame, kinds: Mapping[str, str]) -> str | None:
    """The column Столбцы opens on: a measure, else a category, a date, anything that varies; never an
    identifier or a running number (one one-row bar per value says nothing)."""
    distinct = frame.nunique()
    varied = [str(c) for c in frame.columns if distinct[c] > 1]
    numbered = {c for c in varied if kinds.get(c) == "numeric" and _numbers_every_row(frame[c])}
    for wanted in ("numeric", "category", "bool", "datetime"):
        found = next((c for c in varied if kinds.get(c) == wanted and c not in numbered), None)
        if found is not None:
            return found
    return next(iter(varied), next(iter(kinds), None))


def choices_for(frame: pd.DataFrame, dataset_id: str) -> Choices:
    """What the pages offer in their pickers, from the whole (unfiltered) dataset."""
    kinds = infer_kinds(frame)
    dimensions, measures = group_choices(frame)
    preset = next((v for k, v in GROUP_DEFAULTS.items() if dataset_id.startswith(k)), None)
    group_defaults: tuple[str | None, str | None, str]
    if preset and preset[0] in dimensions and preset[1] in measures:
        group_defaults = preset
    else:
        categorical = [d for d in dimensions if kinds.get(d) in ("category", "bool")]
        first = next(iter(categorical or dimensions), None)
        group_defaults = (first, None, "count")
    column = next((v for k, v in COLUMN_DEFAULTS.items() if dataset_id.startswith(k)), None)
    if column not in kinds:
        column = informative_column(frame, kinds)
    return Choices(
        columns=tuple(kinds),
        kinds=kinds,
        dimensions=tuple(dimensions),
        measures=tuple(measures),
        datetimes=tuple(c for c, k in kinds.items() if k == "datetime"),
        group_defaults=group_defaults,
        default_column=column,
    )
