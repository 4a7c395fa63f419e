"""Text cells → typed columns: numbers (decimal comma, thousands, «%», currency, parentheses), dates, booleans.

Each column's type is decided on a sample of its values (plain Python regexes over at most `SAMPLE` cells);
the whole column is then checked and converted in a few vectorised pyarrow compute steps, and stays text when
the full column disagrees with the sample. Totals rows («Итого», «Всего», a last row of column sums) are found
here too, so that they never count as data.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

SAMPLE = 1000
_SAMPLE_SCAN = 20_000  # rows looked at to find SAMPLE non-empty values
_DECIMAL_SAMPLE = 200  # cells per column looked at to tell the decimal mark
_FLOAT_DIGITS = 15  # every integer of up to 15 digits is exact in float64
MISSING_DASHES = ("-", "—", "–")
_DASHES = frozenset(MISSING_DASHES)

# Units: the marks a number may carry and the unit recorded for its column.
# Units are lib.units codes (the verifier reads them): pct, rub, usd, eur.
_UNIT_MARKS = {"%": "pct", "₽": "rub", "руб.": "rub", "руб": "rub", "р.": "rub", "RUB": "rub",
               "$": "usd", "USD": "usd", "€": "eur", "EUR": "eur"}
UNIT_SIGNS = {"pct": "%", "rub": "₽", "usd": "$", "eur": "€"}
_PREFIX = r"(?:\$|€|USD|RUB|EUR)"
_SUFFIX = r"(?:%|₽|руб\.?|р\.|USD|RUB|EUR|\$|€)"
_GAP = "[ \u00a0\u202f]"
_GROUP = "[ \u00a0\u202f'’]"


def _body(decimal: str) -> str:
    """A number without sign or unit; a leading zero before more digits (`007`) marks a code, not a number."""
    thousands = r"\." if decimal == "," else ","
    fraction = "," if decimal == "," else r"\."
    integer = (rf"(?:0|[1-9][0-9]{{0,2}}(?:{_GROUP}[0-9]{{3}})+|[1-9][0-9]{{0,2}}(?:{thousands}[0-9]{{3}})+"
               r"|[1-9][0-9]*)")
    return rf"{integer}(?:{fraction}[0-9]+)?(?:[eE][-+]?[0-9]+)?"


def number_pattern(decimal: str) -> str:
    """Full-cell pattern of a number (RE2- and `re`-compatible): sign, parentheses, one unit mark."""
    body = _body(decimal)
    # no «+»: a leading plus marks a phone number (+79161234567), not a positive number
    return (rf"^[-−]?(?:{_PREFIX}{_GAP}?)?[-−]?(?:{body}|\({body}\))(?:{_GAP}?{_SUFFIX})?$")


_NUMBER_RE = {d: re.compile(number_pattern(d)) for d in (",", ".")}
_UNIT_RE = re.compile(rf"^[-−+]?(?P<pre>{_PREFIX})?.*?(?P<suf>{_SUFFIX})?$")
_CLEAN_MARKS = rf"{_GAP}|['’%₽$€+]|руб\.?|р\.|USD|RUB|EUR"
_COMMA_FRACTION = re.compile(r"[0-9][0-9 \u00a0\u202f'’.]*,[0-9]+")
_DOT_FRACTION = re.compile(r"[0-9][0-9 \u00a0\u202f'’,]*\.[0-9]+")
_COMMA_THOUSANDS = re.compile(r"[1-9][0-9]{0,2}(?:,[0-9]{3})+")
_STRIP_UNITS = re.compile(rf"^[-−+(]*(?:{_PREFIX}{_GAP}?)?[-−+(]*|\)?(?:{_GAP}?{_SUFFIX})?\)?$")

_DOTTED = (
    (r"[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{4}", "%d.%m.%Y"),
    (r"[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{4} [0-9]{1,2}:[0-9]{2}", "%d.%m.%Y %H:%M"),
    (r"[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{4} [0-9]{1,2}:[0-9]{2}:[0-9]{2}", "%d.%m.%Y %H:%M:%S"),
    (r"[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{2}", "%d.%m.%y"),
    (r"[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{2} [0-9]{1,2}:[0-9]{2}", "%d.%m.%y %H:%M"),
    (r"[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{2} [0-9]{1,2}:[0-9]{2}:[0-9]{2}", "%d.%m.%y %H:%M:%S"),
)
_ISO_NAIVE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,9})?)?)?"
_ISO_ZONE = r"(?:Z|[+-][0-9]{2}:?[0-9]{2})"
_DOTTED_RE = [(re.compile(p), f) for p, f in _DOTTED]
_ISO_NAIVE_RE = re.compile(_ISO_NAIVE)
_ISO_AWARE_RE = re.compile(_ISO_NAIVE + _ISO_ZONE)

BOOL_PAIRS: tuple[tuple[frozenset[str], frozenset[str]], ...] = (
    (frozenset({"да"}), frozenset({"нет"})),
    (frozenset({"истина"}), frozenset({"ложь"})),
    (frozenset({"true"}), frozenset({"false"})),
    (frozenset({"y"}), frozenset({"n"})),
    (frozenset({"yes"}), frozenset({"no"})),
)

# «Итого», «Всего:», «Итого по складу», «Итого за январь», «Total»; not «Всего лишь …» or «Итоговый»
_TOTAL_WORDS = r"^\s*(?i:итого|всего|итог|total|grand total)\s*(?:$|[:.]|(?i:по|за|на|в|for)\s)"
_TOTAL_FIRST = pa.array(["И", "и", "В", "в", "T", "t", "G", "g", " ", "\t", "\u00a0"])
_TOTAL_COLUMNS = 3  # totals are labelled in one of the first columns


@dataclass
class Typed:
    """Converted columns and what was learnt on the way (names of numeric/date/bool columns, units, notes)."""

    columns: dict[str, pa.ChunkedArray] = field(default_factory=dict)
    numeric: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    booleans: list[str] = field(default_factory=list)
    units: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    decimal: str = "."


def is_text(kind: pa.DataType) -> bool:
    return pa.types.is_string(kind) or pa.types.is_large_string(kind)


def as_strings(values: pd.Series | pa.Array | pa.ChunkedArray) -> pa.ChunkedArray:
    """Any column of text cells as a pyarrow string chunked array (missing → null); pandas' pyarrow-backed
    strings are taken over without a copy."""
    if isinstance(values, pd.Series):
        if isinstance(values.array, pd.arrays.ArrowStringArray):
            values = pa.chunked_array(values.array.__arrow_array__())
        else:
            values = pa.array(values.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    if isinstance(values, pa.Array):
        values = pa.chunked_array([values])
    if not is_text(values.type):
        values = values.cast(pa.string())
    return values


def to_series(values: pa.ChunkedArray | pa.Array) -> pd.Series:
    """A pyarrow column → pandas with the dtypes the app uses (str, int64/float64, datetime64[us], bool)."""
    if pa.types.is_boolean(values.type):
        if values.null_count:
            return pd.Series(pd.array(values.to_pylist(), dtype="boolean"))
        return pd.Series(values.to_numpy(zero_copy_only=False), dtype="bool")
    series = values.to_pandas()
    if is_text(values.type):
        return series.astype("str")
    return series


def _chunked(values: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray:
    return values if isinstance(values, pa.ChunkedArray) else pa.chunked_array([values])


def cleaned(values: pa.ChunkedArray) -> pa.ChunkedArray:
    """Trimmed cells, with empty cells and lone dashes as missing."""
    trimmed = pc.utf8_trim_whitespace(values)
    missing = pc.or_(pc.equal(trimmed, ""), pc.is_in(trimmed, value_set=pa.array(MISSING_DASHES)))
    return pc.if_else(missing, pa.scalar(None, values.type), trimmed)


def sample_of(values: pa.ChunkedArray) -> list[str]:
    head = values.slice(0, _SAMPLE_SCAN).drop_null()
    return [str(v) for v in head.slice(0, SAMPLE).to_pylist()]


def detect_decimal(samples: list[list[str]], delimiter: str | None) -> str:
    """The decimal mark the sampled text cells use. With a «,» delimiter a decimal comma can only sit in quoted
    fields (Google Sheets and LibreOffice in Russian write `"1,5"`): «,» is chosen there only when such
    fractions occur, no dot fractions do, and not all of them look like thousands (`"1,234"`)."""
    comma = dot = grouped = 0
    for values in samples:
        for value in values[:_DECIMAL_SAMPLE]:
            if value.isdigit():
                continue
            bare = _STRIP_UNITS.sub("", value)
            if _COMMA_FRACTION.fullmatch(bare):
                comma += 1
                grouped += bool(_COMMA_THOUSANDS.fullmatch(bare))
            elif _DOT_FRACTION.fullmatch(bare):
                dot += 1
    if delimiter == ",":
        return "," if comma and not dot and comma > grouped else "."
    return "." if dot > comma else ","


def _unit_of(values: list[str]) -> str | None | bool:
    """The one unit the sampled numbers carry (None: none; False: several different ones)."""
    units = set()
    for value in values:
        found = _UNIT_RE.match(value)
        mark = found and (found.group("pre") or found.group("suf"))
        if mark:
            units.add(_UNIT_MARKS.get(mark, mark))
    if len(units) > 1:
        return False
    return next(iter(units), None)


def _all_match(values: pa.ChunkedArray, pattern: str) -> bool:
    present = values.drop_null()
    if len(present) == 0:
        return True
    return bool(pc.all(pc.match_substring_regex(present, pattern)).as_py())


_PLAIN = {",": re.compile(r"-?(?:0|[1-9][0-9]*)(?:,[0-9]+)?"), ".": re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")}
_CODE = "^-?0[0-9]"  # a leading zero before more digits (`007`): a code, not a number


def _plain_numbers(values: pa.ChunkedArray, sample: list[str], decimal: str) -> pa.ChunkedArray | None:
    """The common case in one cast: digits with an optional decimal mark, nothing else (no pattern pass)."""
    if not all(_PLAIN[decimal].fullmatch(v) for v in sample):
        return None
    integers = all(v.lstrip("-").isdigit() for v in sample)
    text = values if decimal == "." or integers else pc.replace_substring(values, ",", ".")
    try:
        numbers = text.cast(pa.int64() if integers else pa.float64())
    except (pa.ArrowInvalid, OverflowError):
        return None
    if bool(pc.any(pc.match_substring_regex(values, _CODE)).as_py()):
        return None
    if integers and numbers.null_count:
        longest = pc.max(pc.utf8_length(pc.replace_substring(values, "-", ""))).as_py() or 0
        if longest > _FLOAT_DIGITS:
            return None  # with gaps the column would be float, which cannot tell such integers apart
        return numbers.cast(pa.float64())
    return numbers


def number_column(values: pa.ChunkedArray, sample: list[str],
                  decimal: str) -> tuple[pa.ChunkedArray, str | None] | None:
    """Numbers from trimmed text cells (None when the column is not numeric), with the unit they carry."""
    if not sample or not all(_NUMBER_RE[decimal].fullmatch(v) for v in sample):
        return None
    plain = _plain_numbers(values, sample, decimal)
    if plain is not None:
        return plain, None
    found = _unit_of(sample)
    if not isinstance(found, str | None) or not _all_match(values, number_pattern(decimal)):
        return None
    unit: str | None = found
    if unit is not None:
        other = [m for m, u in _UNIT_MARKS.items() if u != unit]
        if other and bool(pc.any(pc.match_substring_regex(values, "|".join(re.escape(m) for m in other))).as_py()):
            return None
    numbers = pc.replace_substring_regex(values, _CLEAN_MARKS, "")
    numbers = pc.replace_substring_regex(numbers, r"^([-−]?)\((.*)\)$", r"\1-\2")
    numbers = pc.replace_substring(numbers, "−", "-")
    numbers = pc.replace_substring(numbers, "--", "")
    numbers = pc.replace_substring(numbers, "." if decimal == "," else ",", "")
    if decimal == ",":
        numbers = pc.replace_substring(numbers, ",", ".")
    if _all_match(numbers, r"^-?[0-9]+$"):
        longest = pc.max(pc.utf8_length(pc.replace_substring(numbers, "-", ""))).as_py() or 0
        if numbers.null_count == 0:
            try:
                return numbers.cast(pa.int64()), unit
            except (pa.ArrowInvalid, OverflowError):
                return None  # beyond int64 (20-digit account numbers): float would merge them, keep text
        if longest > _FLOAT_DIGITS:
            return None  # with gaps the column would be float, which cannot tell such integers apart
    try:
        return numbers.cast(pa.float64()), unit
    except pa.ArrowInvalid:
        return None


@dataclass(frozen=True)
class DateResult:
    values: pa.ChunkedArray | None
    impossible: tuple[int, str] | None = None  # (row index, cell) of the first impossible date


def date_column(values: pa.ChunkedArray, sample: list[str]) -> DateResult:
    """Dates from trimmed text cells: дд.мм.гггг / дд.мм.гг [чч:мм[:сс]] or ISO 8601 (with «Z» or an offset →
    time-zone-aware UTC). A date that does not exist («31.02.2023») keeps the column as text."""
    if not sample:
        return DateResult(None)
    if not all(v[:1].isdigit() for v in sample):
        return DateResult(None)
    if all(_ISO_AWARE_RE.fullmatch(v) for v in sample):
        return _cast_iso(values, pa.timestamp("us", tz="UTC"), _ISO_AWARE_RE)
    if all(_ISO_NAIVE_RE.fullmatch(v) for v in sample):
        return _cast_iso(values, pa.timestamp("us"), _ISO_NAIVE_RE)
    formats = [fmt for pattern, fmt in _DOTTED_RE if any(pattern.fullmatch(v) for v in sample)]
    if not formats or not all(any(p.fullmatch(v) for p, _ in _DOTTED_RE) for v in sample):
        return DateResult(None)
    padded = len(formats) == 1 and formats[0] == "%d.%m.%Y" and all(len(v) == 10 for v in sample)
    if padded:  # «01.02.2024» everywhere: fixed positions instead of two regex passes
        if pc.max(pc.utf8_length(values)).as_py() != 10 or pc.min(pc.utf8_length(values)).as_py() != 10:
            return DateResult(None)
    else:
        shapes = "|".join(p for p, f in _DOTTED if f in formats)
        if not _all_match(values, f"^(?:{shapes})$"):
            return DateResult(None)
    formats.sort(key=lambda fmt: "%y" not in fmt)  # «%Y» would read «01.02.24» as the year 24
    parsed = pc.strptime(values, format=formats[0], unit="us", error_is_null=True)
    for fmt in formats[1:]:
        parsed = pc.coalesce(parsed, pc.strptime(values, format=fmt, unit="us", error_is_null=True))
    # strptime rolls 31.02 over into March: the day and month read back must be the ones written
    if padded:
        day = _as_int(pc.utf8_slice_codeunits(values, 0, 2))
        month = _as_int(pc.utf8_slice_codeunits(values, 3, 5))
    else:
        parts = pc.extract_regex(values, r"^(?P<d>[0-9]{1,2})\.(?P<m>[0-9]{1,2})\.")
        day = pc.struct_field(parts, "d").cast(pa.int64())
        month = pc.struct_field(parts, "m").cast(pa.int64())
    valid = pc.and_(pc.equal(pc.day(parsed), day), pc.equal(pc.month(parsed), month))
    bad = pc.and_(pc.is_valid(values), pc.invert(pc.fill_null(valid, False)))
    if pc.any(bad).as_py():
        row = int(pc.index(bad, True).as_py())
        return DateResult(None, (row, str(values[row].as_py())))
    return DateResult(parsed)


def _as_int(digits: pa.ChunkedArray) -> pa.ChunkedArray:
    """Two-character slices as integers; a slice that is not digits becomes null (its row then fails)."""
    clean = pc.if_else(pc.utf8_is_digit(digits), digits, pa.scalar(None, digits.type))
    return clean.cast(pa.int64())


def _cast_iso(values: pa.ChunkedArray, target: pa.DataType, shape: re.Pattern[str]) -> DateResult:
    """One strict pyarrow cast; when it refuses, pandas names the first cell that is not a date — an
    impossible one («2023-02-30») is reported, any other text just keeps the column as text."""
    try:
        return DateResult(values.cast(target))
    except pa.ArrowInvalid:
        pass
    aware = getattr(target, "tz", None) is not None
    texts = values.to_pandas()
    series = pd.to_datetime(texts, format="ISO8601", errors="coerce", utc=aware)
    bad = series.isna() & texts.notna()
    if not bad.any():
        return DateResult(pa.chunked_array([pa.array(series.astype(
            "datetime64[us, UTC]" if aware else "datetime64[us]"))]))
    row = int(np.flatnonzero(bad.to_numpy())[0])
    cell = str(texts.iloc[row])
    return DateResult(None, (row, cell) if shape.fullmatch(cell) else None)


def bool_column(values: pa.ChunkedArray, sample: list[str]) -> pa.ChunkedArray | None:
    """да/нет, истина/ложь, true/false, y/n, yes/no (any case) → booleans."""
    if not sample:
        return None
    seen = {v.lower() for v in sample}
    for true, false in BOOL_PAIRS:
        if seen <= true | false:
            lower = pc.utf8_lower(values)
            words = pa.array(sorted(true | false))
            if not bool(pc.all(pc.is_in(lower.drop_null(), value_set=words)).as_py()):
                return None
            truth = pc.is_in(lower, value_set=pa.array(sorted(true)))
            return pc.if_else(pc.is_null(lower), pa.scalar(None, pa.bool_()), truth)
    return None


def _needs_cleaning(sample: list[str]) -> bool:
    return [v.strip() for v in sample] != sample or not _DASHES.isdisjoint(sample)


def _candidate(sample: list[str], decimal: str) -> bool:
    """Whether the sample looks like numbers, dates or booleans (worth a second look at trimmed cells)."""
    bare = [v.strip() for v in sample if v.strip() and v.strip() not in MISSING_DASHES]
    return bool(bare) and (all(_NUMBER_RE[decimal].fullmatch(v) for v in bare)
                           or all(_ISO_NAIVE_RE.fullmatch(v) or _ISO_AWARE_RE.fullmatch(v) for v in bare)
                           or all(any(p.fullmatch(v) for p, _ in _DOTTED_RE) for v in bare))


def typed_columns(columns: dict[str, pa.ChunkedArray], decimal: str | None, *, numbers: bool = True,
                  booleans: bool = True) -> Typed:
    """Every text column typed by its sample, converted whole; `decimal=None` → detected from the samples.

    Cells are trimmed (and lone dashes read as missing) only when the sample shows the need, or when the
    sample looked typed but the full column did not convert: the common clean column costs one cast."""
    result = Typed()
    samples = {name: sample_of(values) for name, values in columns.items()}
    mark = decimal or detect_decimal(list(samples.values()), None)
    result.decimal = mark
    for name, raw in columns.items():
        sample = samples[name]
        trimmed = _needs_cleaning(sample)
        values = cleaned(raw) if trimmed else raw
        if trimmed:
            sample = sample_of(values)
        if not _type_column(result, name, values, sample, mark, numbers, booleans):
            if not trimmed and _candidate(sample, mark) and raw.null_count < len(raw):
                values = cleaned(raw)
                if _type_column(result, name, values, sample_of(values), mark, numbers, booleans):
                    continue
            result.columns[name] = _chunked(raw)
    return result


def _type_column(result: Typed, name: str, values: pa.ChunkedArray, sample: list[str], mark: str,
                 numbers: bool, booleans: bool) -> bool:
    if numbers:
        number = number_column(values, sample, mark)
        if number is not None:
            result.columns[name] = _chunked(number[0])
            result.numeric.append(name)
            if number[1]:
                result.units[name] = number[1]
            return True
    dates = date_column(values, sample)
    if dates.values is not None:
        result.columns[name] = _chunked(dates.values)
        result.dates.append(name)
        return True
    if dates.impossible is not None:
        row, cell = dates.impossible
        note = (f"В столбце «{name}» значение «{cell}» в {row + 1}-й строке данных — несуществующая дата, "
                "поэтому столбец оставлен текстом. Исправьте дату в файле, чтобы столбец читался как даты.")
        if note not in result.notes:
            result.notes.append(note)
    if booleans:
        flags = bool_column(values, sample)
        if flags is not None:
            result.columns[name] = _chunked(flags)
            result.booleans.append(name)
            return True
    return False


# --- totals ---------------------------------------------------------------------------------------------

def labelled_totals(columns: dict[str, pa.ChunkedArray]) -> pa.ChunkedArray | None:
    """Rows labelled «Итого», «Всего», «Итого по …», «Total» in one of the first columns (a boolean mask)."""
    mask = None
    for values in list(columns.values())[:_TOTAL_COLUMNS]:
        if not is_text(values.type):
            continue
        # a cheap first-letter filter before the (Unicode, case-insensitive) pattern
        first = pc.utf8_slice_codeunits(values, 0, 1)
        maybe = pc.fill_null(pc.is_in(first, value_set=_TOTAL_FIRST), False)
        if not pc.any(maybe).as_py():
            continue
        hit = pc.fill_null(pc.and_(maybe, pc.match_substring_regex(values, _TOTAL_WORDS)), False)
        mask = hit if mask is None else pc.or_(mask, hit)
    if mask is None or not pc.any(mask).as_py():
        return None
    return mask


def totals_note(rows: list[dict[str, str]], positions: list[int]) -> str:
    """«Строка итогов исключена из данных (12-я строка данных): Товар «Итого», Сумма «2 070,12».»"""
    described = []
    for row, position in zip(rows[:3], positions[:3], strict=False):
        cells = ", ".join(f"{name} «{value}»" for name, value in list(row.items())[:8])
        described.append(f"{position + 1}-я строка данных: {cells}")
    head = ("Строка итогов исключена из данных, чтобы суммы не удваивались" if len(positions) == 1
            else f"Строки итогов ({len(positions)}) исключены из данных, чтобы суммы не удваивались")
    more = f"; и ещё {len(positions) - 3}" if len(positions) > 3 else ""
    return f"{head} — " + "; ".join(described) + more + "."


def sum_row(frame: pd.DataFrame, numeric: list[str]) -> bool:
    """True when the last row is the column sums of the rows above it (and has no label of its own)."""
    if len(frame) < 3 or not numeric:
        return False
    last = frame.iloc[-1]
    others = [c for c in frame.columns if c not in numeric]
    # a totals row leaves the label columns empty; a table of numbers only has no such sign
    if not others or any(pd.notna(last[c]) for c in others):
        return False
    if not any(frame[c].iloc[:-1].notna().all() for c in others):
        return False
    checked = 0
    for name in numeric:
        value = last[name]
        if pd.isna(value):
            continue
        above = frame[name].iloc[:-1]
        total = float(above.sum())
        if above.notna().sum() < 2 or not np.isclose(float(value), total, rtol=1e-9, atol=1e-6):
            return False
        checked += abs(total) > 0
    return checked > 0


# --- nested cells -----------------------------------------------------------------------------------

def nested_as_json(series: pd.Series) -> pd.Series:
    """List, array, tuple and dict cells of an object column → their JSON text, so every cell is hashable
    (counting, grouping and duplicate checks need that); other cells and other columns are left as they are."""
    if series.dtype != object:
        return series
    nested = series.map(lambda v: isinstance(v, list | dict | tuple | np.ndarray))
    if not nested.any():
        return series
    return series.where(~nested, series[nested].map(
        lambda v: json.dumps(v, ensure_ascii=False, default=_json_default)))


def _json_default(value: object) -> object:
    """numpy arrays and scalars inside nested cells (Parquet) → plain Python values for `json.dumps`."""
    if isinstance(value, np.ndarray | np.generic):
        return value.tolist()
    if isinstance(value, dt.date | dt.datetime | pd.Timestamp):
        return value.isoformat()
    return str(value)
