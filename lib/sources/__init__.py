"""Where data comes from. Every source produces a `Dataset` whose `id` keys all caches."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from lib.sources.values import nested_as_json


@dataclass(frozen=True, eq=False)
class Dataset:
    """A loaded table. `id` is stable for the same content/version, so caches never mix datasets.

    The frame is shared between sessions through `st.cache_resource`: treat it as read-only.
    """

    id: str
    name: str
    source: str  # "embedded" | "upload" | "kaggle"
    frame: pd.DataFrame
    details: dict[str, Any] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)  # column → lib.units code (pct, rub, usd, eur) from its cells

    def __post_init__(self) -> None:
        # Facts, filters and widgets address columns by their text name (`0` and `"0"` must not differ) and
        # count and group cell values (a list or array cell is unhashable). The caller's frame is left as it
        # is; a relabelled copy with such cells as JSON text replaces it here.
        frame = self.frame
        if not all(isinstance(c, str) for c in frame.columns):
            frame = frame.set_axis([str(c) for c in frame.columns], axis="columns")
        for i, dtype in enumerate(frame.dtypes):
            if not pd.api.types.is_object_dtype(dtype):
                continue
            column = frame.iloc[:, i]
            converted = nested_as_json(column)
            if converted is not column:
                if frame is self.frame:
                    frame = frame.copy()
                frame.isetitem(i, converted)
        if frame is not self.frame:
            object.__setattr__(self, "frame", frame)

    def __hash__(self) -> int:
        return hash(self.id)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Dataset) and other.id == self.id


def content_id(prefix: str, data: bytes) -> str:
    """`prefix:` + the first 16 hex digits of the SHA-256 of `data`."""
    return f"{prefix}:{hashlib.sha256(data).hexdigest()[:16]}"
