"""The fact-sheet contract shared by charts, prompts and the verifier.

A fact sheet is a frozen dataclass tree of plain values (str, int, float, bool, None, lists, dicts),
so `asdict` gives JSON directly. It carries the schema version, the dataset id and the filters
and options it was computed with (like ydata-profiling's `package` field).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from dataclasses import dataclass, field
from typing import Any, ClassVar

SCHEMA_VERSION = 1


def clean(value: Any) -> Any:
    """Turn numpy/pandas scalars and NaN into plain JSON values (NaN → None)."""
    if value is None or isinstance(value, (str, bool)):
        return value
    if hasattr(value, "item") and not isinstance(value, (list, dict)):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class FactSheet:
    """Base of every analysis result. Subclasses set `kind` and add their fields."""

    kind: ClassVar[str] = "base"

    dataset_id: str
    dataset_name: str
    filters: dict[str, Any] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    schema_version: int = SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, **clean(dataclasses.asdict(self))}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    def fingerprint(self) -> str:
        """Stable hash of the whole sheet: the cache key part that changes when any fact changes."""
        return hashlib.sha256(self.to_json().encode("utf-8")).hexdigest()

    def payload(self) -> dict[str, Any]:
        """What the model sees and the verifier checks: a small dict with short Russian keys and
        values rounded the way the page displays them. Never raw rows."""
        raise NotImplementedError

    @property
    def is_empty(self) -> bool:
        """True when the sheet describes no rows (filters left nothing); pages then show a notice."""
        return False


def display_round(value: float | int | None) -> float | int | None:
    """Round a value the way pages show it and prompts carry it: integers stay exact; other values
    keep 2 decimals below 100, 1 decimal below 10 000 and none above. One rule for the page, the
    prompt and the verifier, so all three agree on what was said."""
    value = clean(value)
    if value is None or isinstance(value, (bool, int)):
        return value
    if float(value).is_integer():
        return int(value)
    magnitude = abs(value)
    digits = 2 if magnitude < 100 else 1 if magnitude < 10_000 else 0
    rounded = round(value, digits)
    return int(rounded) if digits == 0 or float(rounded).is_integer() else rounded


def percent(share: float | None, digits: int = 1) -> float | None:
    """A share in [0, 1] as a rounded percent for payloads: 0.12345 → 12.3."""
    share = clean(share)
    return None if share is None else round(share * 100, digits)


UNSHARED_KINDS = frozenset({"text", "id", "empty"})
MIN_SHARED_COUNT = 2


def shareable_value(kind: str, count: int) -> bool:
    """Whether a value of a column of `kind` seen in `count` rows may be named in a prompt payload.

    The model never sees a cell of the table: a value is named only when it repeats (at least 2 rows), and
    never for text and identifier columns, whose values are one row's data even when a few repeat.
    Aggregates (counts, means, ranges) are not values in this sense. Pages still show every value."""
    return kind not in UNSHARED_KINDS and count >= MIN_SHARED_COUNT


@dataclass(frozen=True)
class Scope:
    """What a fact sheet is about: the dataset and the filters applied. Hashable, so UI caches key on it."""

    dataset_id: str
    dataset_name: str
    filters_json: str = "{}"

    @property
    def filters(self) -> dict[str, Any]:
        return json.loads(self.filters_json)

    @classmethod
    def of(cls, dataset_id: str, dataset_name: str, filters: dict[str, Any] | None = None) -> Scope:
        return cls(dataset_id, dataset_name, json.dumps(clean(filters or {}), ensure_ascii=False, sort_keys=True))

    def sheet_fields(self) -> dict[str, Any]:
        return {"dataset_id": self.dataset_id, "dataset_name": self.dataset_name, "filters": self.filters}
