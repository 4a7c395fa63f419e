"""Bytes of a table file → DataFrame, plus what was detected on the way (encoding, delimiter, decimal mark).

Russian Excel saves CSV in cp1251 with `;`, decimal commas, thousands split by spaces or NBSP and dates as
дд.мм.гггг. `csv.Sniffer` and `sep=None` pick `,` on such files, so the delimiter is chosen from a short
list by how consistently it splits the first lines, and numbers and dates are converted per column from
strings, only when every value of the column fits one pattern (a column of `007`-style codes stays text).
Every failure is a `DataError` with a Russian message that says what to do.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import unicodedata
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path, PurePath
from typing import IO
from xml.etree import ElementTree

import numpy as np
import pandas as pd
from charset_normalizer import from_bytes

from lib.errors import DataError
from lib.fmt import fmt_bytes

# Bump when reading changes the frame it produces for the same bytes: dataset ids include it.
READER_VERSION = 1

FORMATS: dict[str, str] = {
    ".csv": "csv", ".tsv": "csv", ".txt": "csv",
    ".xlsx": "xlsx", ".xlsm": "xlsx",
    ".parquet": "parquet", ".pq": "parquet",
    ".json": "json", ".jsonl": "json", ".ndjson": "json",
}
FORMAT_NAMES = "CSV, TSV, TXT, XLSX, Parquet или JSON"
ENCODINGS: tuple[str, ...] = ("utf-8", "utf-8-sig", "cp1251", "koi8-r", "utf-16", "cp866", "cp1252")
DELIMITERS: tuple[str, ...] = (";", "\t", "|", ",")
DECIMALS: tuple[str, ...] = (",", ".")

ENCODING_LABELS = {"utf-8-sig": "utf-8 с BOM"}
DELIMITER_LABELS = {"\t": "табуляция"}

# Candidates for automatic detection; cp866 is left to the manual choice (rare, and it competes with cp1251).
_DETECT_ENCODINGS = ["utf_8", "cp1251", "koi8_r", "cp1252"]
_CODEC_NAMES = {"utf_8": "utf-8", "koi8_r": "koi8-r", "cp1251": "cp1251", "cp1252": "cp1252"}
_DETECT_BYTES = 256 * 1024
_SNIFF_LINES = 50
_TITLE_LINES = 10
_SAMPLE_ROWS = 1000
_HEADER_SEARCH_ROWS = 30
_SPACES = "[ \u00a0\u202f]"
_MISSING_DASHES = frozenset({"-", "—", "–"})
_FLOAT_DIGITS = 15  # every integer of up to 15 digits is exact in float64

# Numbers: optional minus (ASCII or U+2212), digits grouped by spaces/NBSP, decimal part, exponent.
# A leading zero before more digits (`007`, `01.02`) marks a code, not a number.
_INT_PART = rf"(?:0|[1-9]\d{{0,2}}(?:{_SPACES}\d{{3}})+|[1-9]\d*)"
_NUMBER = {
    ",": re.compile(rf"[-−]?{_INT_PART}(?:,\d+)?(?:[eE][-+]?\d+)?"),
    ".": re.compile(rf"[-−]?(?:{_INT_PART}|[1-9]\d{{0,2}}(?:,\d{{3}})+)(?:\.\d+)?(?:[eE][-+]?\d+)?"),
}
_COMMA_FRACTION = re.compile(r"[-−]?\d[\d \u00a0\u202f]*,\d+")
_DOT_FRACTION = re.compile(r"[-−]?\d[\d \u00a0\u202f,]*\.\d+")
_COMMA_THOUSANDS = re.compile(r"[-−]?[1-9]\d{0,2}(?:,\d{3})+")
_DATE_FORMATS = (
    (re.compile(r"\d{1,2}\.\d{1,2}\.\d{4}"), "%d.%m.%Y"),
    (re.compile(r"\d{1,2}\.\d{1,2}\.\d{4} \d{1,2}:\d{2}"), "%d.%m.%Y %H:%M"),
    (re.compile(r"\d{1,2}\.\d{1,2}\.\d{4} \d{1,2}:\d{2}:\d{2}"), "%d.%m.%Y %H:%M:%S"),
    (re.compile(r"\d{4}-\d{2}-\d{2}"), "%Y-%m-%d"),
    (re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?"), "ISO8601"),
)
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)")
_SPREADSHEET_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
_PARSER_LINE = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


@dataclass(frozen=True)
class ReadOptions:
    """What the user chose instead of automatic detection; `None` means «определить автоматически»."""

    encoding: str | None = None
    delimiter: str | None = None
    decimal: str | None = None
    sheet: str | None = None

    def as_dict(self) -> dict[str, str]:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass(frozen=True)
class Detected:
    """How the file was read: shown to the user and part of the dataset id."""

    format: str
    encoding: str | None = None
    delimiter: str | None = None
    decimal: str | None = None
    sheet: str | None = None
    sheets: tuple[str, ...] = ()
    numeric_columns: tuple[str, ...] = ()
    date_columns: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def settings(self) -> dict[str, str]:
        """The effective reading settings (stable for the same bytes): part of the dataset id."""
        keys = ("format", "encoding", "delimiter", "decimal", "sheet")
        return {k: getattr(self, k) for k in keys if getattr(self, k) is not None} | {
            "reader": str(READER_VERSION)}

    def summary(self) -> str:
        """«Кодировка: cp1251, разделитель: ;, десятичный: ,» (or the sheet for Excel)."""
        parts = []
        if self.encoding:
            parts.append(f"Кодировка: {ENCODING_LABELS.get(self.encoding, self.encoding)}")
        if self.delimiter:
            parts.append(f"разделитель: {DELIMITER_LABELS.get(self.delimiter, self.delimiter)}")
        if self.decimal:
            parts.append(f"десятичный: {self.decimal}")
        if self.sheet:
            parts.append(f"лист: «{self.sheet}»")
        if not parts:
            return f"Формат: {self.format}"
        text = ", ".join(parts)
        return text[0].upper() + text[1:]


@dataclass(frozen=True)
class Table:
    frame: pd.DataFrame
    detected: Detected


def file_format(filename: str) -> str:
    """`csv`, `xlsx`, `parquet` or `json` by the file's extension; anything else is a `DataError`."""
    suffix = PurePath(filename).suffix.lower()
    if suffix in FORMATS:
        return FORMATS[suffix]
    if suffix == ".xls":
        raise DataError(f"Файл «{filename}» — в старом формате Excel (.xls), его чтение не поддерживается. "
                        "Откройте его в Excel и сохраните как .xlsx или CSV.")
    if not suffix:
        raise DataError(f"У файла «{filename}» нет расширения, и непонятно, как его читать. "
                        f"Загрузите {FORMAT_NAMES} с соответствующим расширением.")
    raise DataError(f"Формат {suffix} не поддерживается. Загрузите {FORMAT_NAMES}.")


def read_table(data: bytes, filename: str, options: ReadOptions | None = None, *,
               max_bytes: int | None = None) -> Table:
    """Read a table file from its bytes. `filename` gives the format; `options` override detection."""
    options = options or ReadOptions()
    fmt = file_format(filename)
    if max_bytes is not None and len(data) > max_bytes:
        raise DataError(f"Файл «{filename}» весит {fmt_bytes(len(data))} — больше предела "
                        f"{fmt_bytes(max_bytes)}. Оставьте в файле только нужные строки и столбцы "
                        "или увеличьте предел настройкой SVODKA_MAX_UPLOAD_MB.")
    if not data.strip():
        raise DataError(f"Файл «{filename}» пустой. Выберите файл, в котором есть таблица.")
    reader = {"csv": _read_delimited, "xlsx": _read_excel, "parquet": _read_parquet, "json": _read_json}[fmt]
    try:
        frame, detected = reader(data, filename, options)
    except DataError:
        raise
    except Exception as exc:  # a case the checks above missed must still reach the user as a message
        raise DataError(f"Файл «{filename}» не удалось прочитать как таблицу. Проверьте, что это {FORMAT_NAMES} "
                        "с расширением, соответствующим содержимому, или выберите настройки чтения вручную.",
                        detail=f"{type(exc).__name__}: {exc}") from exc
    return Table(frame, detected)


def excel_sheet_names(source: bytes | Path | IO[bytes]) -> tuple[str, ...]:
    """Sheet names of an .xlsx from its workbook part only (cheap even for a big book); () if unreadable."""
    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as book:
            root = ElementTree.fromstring(book.read("xl/workbook.xml"))
    except (zipfile.BadZipFile, KeyError, OSError, ElementTree.ParseError):
        return ()
    return tuple(sheet.get("name", "") for sheet in root.iterfind("m:sheets/m:sheet", _SPREADSHEET_NS))


# --- text: encoding -------------------------------------------------------------------------------------

def _binary_error(filename: str) -> DataError:
    return DataError(f"Файл «{filename}» не похож на текстовую таблицу: в нём двоичные данные. "
                     "Сохраните таблицу как CSV (UTF-8) или XLSX; если это выгрузка в UTF-16, "
                     "выберите кодировку utf-16 в настройках чтения.")


def _sniff_container(data: bytes, filename: str) -> None:
    if data.startswith(b"PK\x03\x04"):
        raise DataError(f"Файл «{filename}» — архив ZIP или книга Excel, а не текст. Если это книга Excel, "
                        "загрузите её с расширением .xlsx; если архив — распакуйте и загрузите таблицу.")
    if data.startswith(b"PAR1"):
        raise DataError(f"Файл «{filename}» — в формате Parquet. Загрузите его с расширением .parquet.")
    if data.startswith(b"%PDF"):
        raise DataError(f"Файл «{filename}» — документ PDF, а не таблица. Выгрузите данные в CSV или XLSX.")


def _decode(data: bytes, filename: str, encoding: str | None) -> tuple[str, str, tuple[str, ...]]:
    """Text, the encoding used, notes. An explicit encoding must decode cleanly."""
    if encoding:
        if encoding not in ENCODINGS:
            raise DataError(f"Кодировка «{encoding}» не поддерживается. Выберите одну из: {', '.join(ENCODINGS)}.")
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise DataError(f"Файл «{filename}» не читается в кодировке {encoding} (ошибка в байте "
                            f"№{exc.start + 1}). Выберите другую кодировку или «автоматически».",
                            detail=str(exc)) from exc
        return text.removeprefix("\ufeff"), encoding, ()
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig", ()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace").removeprefix("\ufeff"), "utf-16", ()
    _sniff_container(data, filename)
    if b"\x00" in data[:8192]:
        raise _binary_error(filename)
    try:
        return data.decode("utf-8"), "utf-8", ()
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[:_DETECT_BYTES], cp_isolation=_DETECT_ENCODINGS).best()
    if best is None:
        raise _binary_error(filename)
    name = _CODEC_NAMES.get(best.encoding, best.encoding)
    try:
        return data.decode(name), name, ()
    except UnicodeDecodeError:
        note = (f"Часть символов не читается в кодировке {name} и заменена на «�». "
                "Если текст искажён, выберите кодировку вручную.")
        return data.decode(name, errors="replace"), name, (note,)


def _looks_binary(text: str) -> bool:
    sample = text[:65536]
    controls = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\t\r\n")
    return controls > max(2, len(sample) // 100)


# --- text: delimiter ------------------------------------------------------------------------------------

def _sniff_delimiter(lines: list[str]) -> str | None:
    """The candidate that splits the header into ≥ 2 fields and the following lines into as many.

    A candidate that must skip title lines to find such a header ranks below one that need not; then more
    consistent splitting wins; ties go to the earlier candidate in DELIMITERS (`,` is last: it is also the
    decimal mark).
    """
    best: tuple[int, float, int, str] | None = None
    for rank, candidate in enumerate(DELIMITERS):
        try:
            rows = list(csv.reader(lines, delimiter=candidate))
        except csv.Error:
            continue
        skip = _title_rows(rows)
        if skip is None:
            continue
        width = len(rows[skip])
        body = rows[skip + 1:]
        consistency = sum(len(r) == width for r in body) / len(body) if body else 1.0
        score = (-skip, consistency, -rank, candidate)
        if best is None or score > best:
            best = score
    return best[3] if best else None


def _title_rows(rows: list[list[str]]) -> int | None:
    """How many one-field lines (report titles) precede the first line with ≥ 2 fields; None if none has."""
    for index, row in enumerate(rows[:_TITLE_LINES + 1]):
        if len(row) >= 2:
            return index
    return None


def _title_lines(text: str, delimiter: str) -> int:
    try:
        return _title_rows(list(csv.reader(_first_lines(text, _TITLE_LINES + 1), delimiter=delimiter))) or 0
    except csv.Error:
        return 0


def _drop_lines(text: str, count: int) -> str:
    """`text` without its first `count` non-blank lines (and the blank lines among them)."""
    position = 0
    while count > 0:
        line = _LINE.match(text, position)
        if line is None:
            return ""
        if line.group().strip():
            count -= 1
        position = line.end()
    return text[position:]


def _first_lines(text: str, count: int) -> list[str]:
    lines = []
    for line in io.StringIO(text, newline=None):  # universal newlines: old Mac «\r» files too
        if line.strip():
            lines.append(line)
        if len(lines) >= count:
            break
    return lines


def _read_delimited(data: bytes, filename: str, options: ReadOptions) -> tuple[pd.DataFrame, Detected]:
    text, encoding, notes = _decode(data, filename, options.encoding)
    if _looks_binary(text):
        raise _binary_error(filename)
    if not text.strip():
        raise DataError(f"Файл «{filename}» пустой. Выберите файл, в котором есть таблица.")
    hint = re.match(r"sep=(.)\r?\n", text)  # Excel's «sep=;» first line
    dropped = 0  # lines cut off above what pandas parses, so its line numbers can be told as the file's
    if hint:
        text = text[hint.end():]
        dropped = 1
    delimiter = options.delimiter or (hint.group(1) if hint else None)
    if delimiter is not None and delimiter not in DELIMITERS:
        raise DataError(f"Разделитель «{delimiter}» не поддерживается. Выберите «;», табуляцию, «|» или «,».")
    if delimiter is None:
        delimiter = _sniff_delimiter(_first_lines(text, _SNIFF_LINES))
        if delimiter is None:
            raise DataError(f"В файле «{filename}» не найден разделитель столбцов: каждая строка читается как "
                            "один столбец. Если в таблице несколько столбцов, выберите разделитель в "
                            "настройках чтения; таблица из одного столбца для сводки не подходит.")
    titles = _title_lines(text, delimiter)
    body = _drop_lines(text, titles)
    dropped += len(_LINE.findall(text[:len(text) - len(body)]))
    raw = _parse_csv(body, delimiter, filename, dropped)
    header_row = _header_row(raw)
    frame, frame_notes = _frame_with_header(raw, filename, header_row)
    if titles + header_row:
        frame_notes = (f"Пропущено строк над таблицей (заголовки отчёта): {titles + header_row}.",
                       *frame_notes)
    decimal = options.decimal or _detect_decimal(frame, delimiter)
    if decimal not in DECIMALS:
        raise DataError(f"Десятичный разделитель «{decimal}» не поддерживается: выберите «,» или «.».")
    frame, numeric, dates = _convert_text_columns(frame, decimal)
    notes = notes + frame_notes + _single_column_notes(frame)
    detected = Detected("csv", encoding=encoding, delimiter=delimiter, decimal=decimal,
                        numeric_columns=numeric, date_columns=dates, notes=notes)
    return frame, detected


def _parse_csv(text: str, delimiter: str, filename: str, dropped: int = 0) -> pd.DataFrame:
    """`text` parsed as strings; `dropped` lines were cut off above it (for line numbers in messages)."""
    try:
        return pd.read_csv(io.StringIO(text), sep=delimiter, header=None, dtype=str, engine="c",
                           skip_blank_lines=True, skipinitialspace=False)
    except pd.errors.EmptyDataError as exc:
        raise DataError(f"Файл «{filename}» пустой. Выберите файл, в котором есть таблица.") from exc
    except pd.errors.ParserError as exc:
        found = _PARSER_LINE.search(str(exc))
        if found:
            expected, line, seen = found.groups()
            header = dropped + _leading_blank_lines(text) + 1
            raise DataError(f"В строке {dropped + int(line)} файла «{filename}» {seen} значений, а в строке "
                            f"заголовка ({header}) {expected}. "
                            "Проверьте разделитель (его можно выбрать в настройках чтения) и кавычки "
                            "в этой строке.", detail=str(exc)) from exc
        if "EOF inside string" in str(exc):
            raise DataError(f"В файле «{filename}» есть незакрытая кавычка: таблица обрывается внутри "
                            "значения. Исправьте кавычки или выберите другой разделитель.",
                            detail=str(exc)) from exc
        raise DataError(f"Файл «{filename}» не удалось разобрать как таблицу. Проверьте разделитель и "
                        "кодировку в настройках чтения.", detail=str(exc)) from exc


def _leading_blank_lines(text: str) -> int:
    count = 0
    for line in _LINE.finditer(text):
        if line.group().strip():
            break
        count += 1
    return count


# --- header and shape -----------------------------------------------------------------------------------

def _frame_with_header(raw: pd.DataFrame, filename: str, header_row: int = 0) -> tuple[pd.DataFrame,
                                                                                       tuple[str, ...]]:
    """Take `header_row` as column names (validated), the rows below as data; drop blank edges."""
    notes: list[str] = []
    names = [_header_name(v) for v in raw.iloc[header_row]] if len(raw) > header_row else []
    body = raw.iloc[header_row + 1:].reset_index(drop=True)
    body.columns = range(body.shape[1])
    keep = [i for i, name in enumerate(names) if name or body[i].notna().any()]
    dropped = len(names) - len(keep)
    if dropped:
        names = [names[i] for i in keep]
        body = body[keep]
        notes.append(f"Пропущено пустых столбцов без названия: {dropped}.")
    if not names:
        raise DataError(f"В файле «{filename}» нет таблицы: не найдено ни одного столбца.")
    empty = [i + 1 for i, name in enumerate(names) if not name]
    if empty:
        where = ", ".join(f"№{i}" for i in empty)
        raise DataError(f"В файле «{filename}» у столбцов {where} нет названия в первой строке. "
                        "Дайте каждому столбцу название и загрузите файл снова.")
    seen: set[str] = set()
    duplicates = sorted({name for name in names if name in seen or seen.add(name)})
    if duplicates:
        listed = ", ".join(f"«{name}»" for name in duplicates)
        raise DataError(f"В файле «{filename}» повторяются названия столбцов: {listed}. Переименуйте "
                        "столбцы так, чтобы названия не совпадали, и загрузите файл снова.")
    body.columns = names
    blank_rows = body.isna().all(axis=1)
    if blank_rows.any() and not blank_rows.all():
        body = body[~blank_rows].reset_index(drop=True)
        notes.append(f"Пропущено пустых строк: {int(blank_rows.sum())}.")
    elif blank_rows.all():
        body = body.iloc[0:0]
    if body.empty:
        raise DataError(f"В файле «{filename}» есть только строка заголовка, а данных нет. "
                        "Загрузите файл со строками данных.")
    return body, tuple(notes)


def _header_name(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _single_column_notes(frame: pd.DataFrame) -> tuple[str, ...]:
    if frame.shape[1] == 1:
        return ("В таблице один столбец: сравнения групп и связи между столбцами будут недоступны. "
                "Если столбцов должно быть больше, выберите другой разделитель.",)
    return ()


# --- numbers and dates from text ------------------------------------------------------------------------

def _text_values(series: pd.Series) -> pd.Series:
    return series.dropna().astype(str).str.strip()


def _detect_decimal(frame: pd.DataFrame, delimiter: str) -> str:
    """The decimal mark the parsed values use. With a «,» delimiter a decimal comma can only sit in quoted
    fields (Google Sheets and LibreOffice in Russian write `"1,5"`): «,» is chosen there only when such
    fractions occur, no dot fractions do, and not all of them look like thousands (`"1,234"`)."""
    comma = dot = grouped = 0
    for name in frame.columns:
        if not _only_strings(frame[name]):
            continue
        values = _text_values(frame[name].head(_SAMPLE_ROWS))
        commas = values[values.str.fullmatch(_COMMA_FRACTION)]
        comma += len(commas)
        grouped += int(commas.str.fullmatch(_COMMA_THOUSANDS).sum())
        dot += int(values.str.fullmatch(_DOT_FRACTION).sum())
    if delimiter == ",":
        return "," if comma and not dot and comma > grouped else "."
    return "." if dot > comma else ","


def _convert_text_columns(frame: pd.DataFrame, decimal: str) -> tuple[pd.DataFrame, tuple[str, ...],
                                                                      tuple[str, ...]]:
    """Turn text columns whose every value is a number (or a date) into numbers (dates)."""
    numeric: list[str] = []
    dates: list[str] = []
    columns: dict[str, pd.Series] = {}
    for name in frame.columns:
        series = frame[name]
        converted = None
        if pd.api.types.is_string_dtype(series.dtype) or series.dtype == object:
            converted = _as_number(series, decimal)
            if converted is not None:
                numeric.append(name)
            else:
                converted = _as_date(series)
                if converted is not None:
                    dates.append(name)
        columns[name] = series if converted is None else converted
    return pd.DataFrame(columns), tuple(numeric), tuple(dates)


def _only_strings(series: pd.Series) -> bool:
    if pd.api.types.is_string_dtype(series.dtype):
        return True
    return bool(series.dropna().map(type).eq(str).all())


def _as_number(series: pd.Series, decimal: str) -> pd.Series | None:
    if not _only_strings(series):
        return None
    values = _text_values(series)
    values = values[~values.isin(list(_MISSING_DASHES)) & values.ne("")]
    if values.empty:
        return None
    pattern = _NUMBER[decimal]
    if not values.head(_SAMPLE_ROWS).str.fullmatch(pattern).all() or not values.str.fullmatch(pattern).all():
        return None
    cleaned = values.str.replace(_SPACES, "", regex=True).str.replace("−", "-", regex=False)
    cleaned = cleaned.str.replace(",", "." if decimal == "," else "", regex=False)
    if cleaned.str.fullmatch(r"-?\d+").all():
        if len(values) == len(series):
            try:
                return cleaned.astype("int64").reindex(series.index)
            except (OverflowError, ValueError):
                return None  # beyond int64 (20-digit account numbers): float would merge them, keep text
        if cleaned.str.lstrip("-").str.len().gt(_FLOAT_DIGITS).any():
            return None  # with gaps the column would be float, which cannot tell such integers apart
    return cleaned.astype("float64").reindex(series.index)


def _as_date(series: pd.Series) -> pd.Series | None:
    if not _only_strings(series):
        return None
    values = _text_values(series)
    values = values[values.ne("")]
    if values.empty:
        return None
    sample = values.head(_SAMPLE_ROWS)
    formats = [fmt for pattern, fmt in _DATE_FORMATS if sample.str.fullmatch(pattern).any()]
    if not formats:
        return None
    patterns = [p for p, fmt in _DATE_FORMATS if fmt in formats]
    matches = pd.Series(False, index=values.index)
    for pattern in patterns:
        matches |= values.str.fullmatch(pattern)
    if not matches.all():
        return None
    dotted = all(fmt.startswith("%d") for fmt in formats)
    if len(formats) == 1:
        parsed = pd.to_datetime(values, format=formats[0], errors="coerce")
    elif dotted:
        parsed = pd.to_datetime(values, format="mixed", dayfirst=True, errors="coerce")
    elif not any(fmt.startswith("%d") for fmt in formats):
        parsed = pd.to_datetime(values, format="ISO8601", errors="coerce")
    else:
        return None  # дд.мм.гггг mixed with ISO: leave the column as text
    if parsed.isna().any():
        return None  # e.g. 31.02.2024: not a date column after all
    return parsed.reindex(series.index)


# --- Excel ----------------------------------------------------------------------------------------------

def _read_excel(data: bytes, filename: str, options: ReadOptions) -> tuple[pd.DataFrame, Detected]:
    if not data.startswith(b"PK\x03\x04"):
        raise DataError(f"Файл «{filename}» не является книгой Excel (.xlsx) или повреждён. Откройте его в "
                        "Excel и сохраните как .xlsx заново или выгрузите в CSV.")
    try:
        book = pd.ExcelFile(io.BytesIO(data), engine="openpyxl")
        sheets = tuple(str(s) for s in book.sheet_names)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise DataError(f"Файл «{filename}» не является книгой Excel (.xlsx) или повреждён. Откройте его в "
                        "Excel и сохраните как .xlsx заново или выгрузите в CSV.", detail=str(exc)) from exc
    with book:
        if options.sheet is not None:
            if options.sheet not in sheets:
                listed = ", ".join(f"«{s}»" for s in sheets)
                raise DataError(f"В книге «{filename}» нет листа «{options.sheet}». Листы: {listed}.")
            candidates = [options.sheet]
        else:
            candidates = list(sheets)
        raw = None
        for sheet in candidates:
            raw = pd.read_excel(book, sheet_name=sheet, header=None, dtype=object)
            raw = raw.dropna(how="all").dropna(axis=1, how="all")
            if not raw.empty:
                break
        if raw is None or raw.empty:
            if options.sheet is not None:
                raise DataError(f"Лист «{options.sheet}» в книге «{filename}» пуст: на нём нет таблицы. "
                                "Выберите другой лист.")
            raise DataError(f"В книге «{filename}» нет таблицы: все листы пусты. Проверьте, тот ли файл "
                            "выбран.")
    raw = raw.reset_index(drop=True)
    raw.columns = range(raw.shape[1])
    header_row = _header_row(raw)
    frame, notes = _frame_with_header(raw, filename, header_row)
    if header_row:
        notes = (f"Пропущено строк над таблицей (заголовки отчёта): {header_row}.",) + notes
    frame = pd.DataFrame({name: _excel_column(frame[name]) for name in frame.columns})
    decimal = options.decimal or _detect_decimal(frame, ";")
    frame, numeric, dates = _convert_text_columns(frame, decimal)
    notes = notes + _single_column_notes(frame)
    detected = Detected("xlsx", decimal=decimal if numeric else None, sheet=sheet, sheets=sheets,
                        numeric_columns=numeric, date_columns=dates, notes=notes)
    return frame, detected


def _header_row(raw: pd.DataFrame) -> int:
    """Skip report titles above the table: the header is the first row filled at least half as wide.

    Only a row that looks like a header (no numbers in it) is taken; otherwise the first row is the header,
    so a broken header gets its own message instead of a data row silently becoming the column names.
    """
    counts = raw.head(_HEADER_SEARCH_ROWS).notna().sum(axis=1).tolist()
    widest = max(counts, default=0)
    need = max(2, (widest + 1) // 2) if widest >= 2 else 1
    row = next((i for i, c in enumerate(counts) if c >= need), 0)
    if row and any(_number_like(v) for v in raw.iloc[row].dropna()):
        return 0
    return row


def _number_like(value: object) -> bool:
    if isinstance(value, int | float | dt.datetime):
        return True
    text = str(value).strip()
    return bool(_NUMBER[","].fullmatch(text) or _NUMBER["."].fullmatch(text))


def _excel_column(series: pd.Series) -> pd.Series:
    """Cells as openpyxl gives them → a typed column (ints, floats, datetimes), else strings."""
    values = series.dropna()
    if values.empty:
        return series.astype("float64")
    kinds = set(values.map(type))
    complete = len(values) == len(series)
    if kinds <= {int, float}:
        if kinds == {int} and complete:
            try:
                return series.astype("int64")
            except OverflowError:
                pass  # beyond int64: float like pandas
        return series.astype("float64")
    if kinds <= {bool}:
        return series.astype("bool") if complete else series
    if kinds <= {dt.datetime, pd.Timestamp}:
        return pd.to_datetime(series)
    return _as_text(series)


def _as_text(series: pd.Series) -> pd.Series:
    """Mixed cells → strings (`5.0` written as `5`), missing stays missing."""
    return series.map(lambda v: v if pd.isna(v) else _header_name(v)).astype("str")


# --- Parquet and JSON -----------------------------------------------------------------------------------

def _read_parquet(data: bytes, filename: str, options: ReadOptions) -> tuple[pd.DataFrame, Detected]:
    try:
        frame = pd.read_parquet(io.BytesIO(data))
    except Exception as exc:  # pyarrow raises several unrelated types for a broken file
        raise DataError(f"Файл «{filename}» не читается как Parquet: он повреждён или это другой формат. "
                        "Выгрузите таблицу заново.", detail=f"{type(exc).__name__}: {exc}") from exc
    frame = _checked_frame(frame, filename)
    frame = pd.DataFrame({name: _json_column(frame[name]) for name in frame.columns})
    return frame, Detected("parquet", notes=_single_column_notes(frame))


def _read_json(data: bytes, filename: str, options: ReadOptions) -> tuple[pd.DataFrame, Detected]:
    text, encoding, notes = _decode(data, filename, options.encoding)
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as exc:
        payload = _json_lines(text)
        if payload is None:
            raise DataError(f"Файл «{filename}» — повреждённый JSON: ошибка в строке {exc.lineno}, "
                            f"позиции {exc.colno}. Исправьте файл или выгрузите его заново.",
                            detail=str(exc)) from exc
    records = _json_records(payload, filename)
    frame = pd.json_normalize(records) if isinstance(records, list) else pd.DataFrame(records)
    frame = _checked_frame(frame, filename)
    frame = pd.DataFrame({name: _json_column(frame[name]) for name in frame.columns})
    frame, dates = _convert_dates_only(frame)
    detected = Detected("json", encoding=encoding, date_columns=dates,
                        notes=notes + _single_column_notes(frame))
    return frame, detected


def _json_lines(text: str) -> list[object] | None:
    rows = []
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError:
            return None
    return rows if len(rows) > 1 else None


def _json_records(payload: object, filename: str) -> list[dict] | dict[str, list]:
    not_table = (f"JSON в файле «{filename}» не похож на таблицу. Нужен массив объектов "
                 "([{\"столбец\": значение, …}, …]) или объект со списками значений по столбцам.")
    if isinstance(payload, dict):
        lists = [v for v in payload.values() if isinstance(v, list)]
        if len(payload) == 1 and lists and all(isinstance(r, dict) for r in lists[0]):
            payload = lists[0]  # {"data": [{…}, …]}
        elif payload and len(lists) == len(payload):
            if len({len(v) for v in lists}) != 1:
                raise DataError(f"В JSON «{filename}» списки по столбцам разной длины. Выровняйте их.")
            if not lists[0]:
                raise DataError(f"В JSON «{filename}» нет ни одной записи.")
            return payload
        else:
            raise DataError(not_table)
    if not isinstance(payload, list):
        raise DataError(not_table)
    if not payload:
        raise DataError(f"В JSON «{filename}» нет ни одной записи: массив пуст.")
    if not all(isinstance(row, dict) for row in payload):
        raise DataError(not_table)
    return payload


def _json_column(series: pd.Series) -> pd.Series:
    """Nested lists and objects stay as their JSON text (every cell hashable); text mixed with numbers → text.

    Parquet list and struct columns arrive as numpy arrays and dicts: they become JSON text the same way.
    """
    if series.dtype != object:
        return series
    series = nested_as_json(series)
    if series.dropna().map(lambda v: isinstance(v, str)).any():
        return _as_text(series)
    return series


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


def _convert_dates_only(frame: pd.DataFrame) -> tuple[pd.DataFrame, tuple[str, ...]]:
    dates = []
    columns = {}
    for name in frame.columns:
        converted = _as_date(frame[name])
        if converted is not None:
            dates.append(name)
        columns[name] = frame[name] if converted is None else converted
    return pd.DataFrame(columns), tuple(dates)


def _checked_frame(frame: pd.DataFrame, filename: str) -> pd.DataFrame:
    names = [_header_name(c) for c in frame.columns]
    if any(not n for n in names):
        raise DataError(f"В файле «{filename}» есть столбцы без названия. Дайте каждому столбцу название.")
    seen: set[str] = set()
    duplicates = sorted({n for n in names if n in seen or seen.add(n)})
    if duplicates:
        listed = ", ".join(f"«{n}»" for n in duplicates)
        raise DataError(f"В файле «{filename}» повторяются названия столбцов: {listed}. Переименуйте их.")
    if frame.shape[1] == 0:
        raise DataError(f"В файле «{filename}» нет таблицы: не найдено ни одного столбца.")
    if frame.empty:
        raise DataError(f"В файле «{filename}» нет строк данных: таблица пуста.")
    frame = frame.copy()
    frame.columns = names
    return frame
